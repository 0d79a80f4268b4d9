/**
 * Real databases for tests: every test file makes its own database (a temp SQLite file, or a fresh
 * PostgreSQL / MariaDB database) and drops it. A server that cannot be reached skips that dialect with one visible
 * line on a developer machine, and fails the run in CI (CI=true).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { after, before, describe } from 'node:test'
import pg from 'pg'
import mysql from 'mysql2/promise'
import type { DialectName } from '../../src/dialects/dialect.js'

export type TestDialect = DialectName

export const PG_ADMIN_URL = process.env.STRATA_TEST_PG ?? 'postgresql://postgres@127.0.0.1:5432/test'
export const MYSQL_ADMIN_URL = process.env.STRATA_TEST_MYSQL ?? 'mysql://root@127.0.0.1:3306/test'

export interface TestDatabase {
  dialect: TestDialect
  /** A strata URL for this database. */
  url: string
  /** SQLite only: the database file. */
  file?: string
  /** A scratch folder that lives as long as the database. */
  dir: string
  drop(): Promise<void>
}

/** How tests reach one dialect's server: a check that it answers, and a fresh database for a test file. */
interface TestServer {
  /** Resolves when the server answers (absent: nothing to reach, as for SQLite files). */
  connect?: () => Promise<void>
  create(label: string, dir: string, cleanupDir: () => void): Promise<TestDatabase>
}

function uniqueName(label: string): string {
  const safe = label.toLowerCase().replace(/[^a-z0-9]+/g, '_').slice(0, 30)
  return `strata_t_${safe}_${randomBytes(4).toString('hex')}`
}

/** The admin URL with another database name. */
const withDatabase = (admin: string, name: string) => admin.replace(/\/[^/?]*(\?.*)?$/, `/${name}$1`).replace(/undefined$/, '')

/** One entry per dialect: a new dialect in DialectName is a type error here until its test server exists. */
const testServers: Record<DialectName, TestServer> = {
  sqlite: {
    async create(_label, dir, cleanupDir) {
      const file = join(dir, 'test.sqlite')
      return { dialect: 'sqlite', url: `sqlite:///${file}`, file, dir, drop: async () => cleanupDir() }
    },
  },
  postgres: {
    async connect() {
      const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 5000 })
      await client.connect()
      await client.end()
    },
    async create(label, dir, cleanupDir) {
      const name = uniqueName(label)
      const admin = new pg.Client({ connectionString: PG_ADMIN_URL })
      await admin.connect()
      await admin.query(`CREATE DATABASE "${name}"`)
      await admin.end()
      const drop = async () => {
        const c = new pg.Client({ connectionString: PG_ADMIN_URL })
        await c.connect()
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)
        await c.end()
        cleanupDir()
      }
      return { dialect: 'postgres', url: withDatabase(PG_ADMIN_URL, name), dir, drop }
    },
  },
  mysql: {
    async connect() {
      const conn = await mysql.createConnection({ uri: MYSQL_ADMIN_URL, connectTimeout: 5000 })
      await conn.end()
    },
    async create(label, dir, cleanupDir) {
      const name = uniqueName(label)
      const admin = await mysql.createConnection({ uri: MYSQL_ADMIN_URL })
      await admin.query(`CREATE DATABASE \`${name}\``)
      await admin.end()
      const drop = async () => {
        const c = await mysql.createConnection({ uri: MYSQL_ADMIN_URL })
        await c.query(`DROP DATABASE IF EXISTS \`${name}\``)
        await c.end()
        cleanupDir()
      }
      return { dialect: 'mysql', url: withDatabase(MYSQL_ADMIN_URL, name), dir, drop }
    },
  },
}

/** Dialects to run: STRATA_TEST_DIALECTS=sqlite,postgres narrows the matrix. */
export function dialectsUnderTest(): TestDialect[] {
  const wanted = process.env.STRATA_TEST_DIALECTS
  const all = Object.keys(testServers) as TestDialect[]
  return wanted ? all.filter((d) => wanted.split(',').includes(d)) : all
}

const reachable = new Map<TestDialect, Promise<string | null>>()

/**
 * null when reachable, else the reason. Tries three times: a test file's synchronous work (a subprocess run with
 * spawnSync) can hold the event loop long enough for one attempt's timer to fire before its connection is read.
 */
function probe(dialect: TestDialect): Promise<string | null> {
  const connect = testServers[dialect].connect
  if (!connect) return Promise.resolve(null)
  let p = reachable.get(dialect)
  if (!p) {
    p = (async () => {
      let reason = ''
      for (let attempt = 0; attempt < 3; attempt++) {
        try {
          await connect()
          return null
        } catch (error) {
          reason = (error as Error).message
          await new Promise((r) => setTimeout(r, 500))
        }
      }
      return reason
    })()
    reachable.set(dialect, p)
  }
  return p
}

export async function createTestDatabase(dialect: TestDialect, label: string): Promise<TestDatabase> {
  const dir = mkdtempSync(join(tmpdir(), `strata-${dialect}-`))
  return testServers[dialect].create(label, dir, () => rmSync(dir, { recursive: true, force: true }))
}

/**
 * `describe` once per dialect under test, with a fresh database for the block. Unreachable servers skip with a
 * visible line, except under CI=true where they fail.
 */
export function describeEachDialect(title: string, body: (ctx: { dialect: TestDialect; db: () => TestDatabase }) => void): void {
  for (const dialect of dialectsUnderTest()) describeDialect(dialect, title, body)
}

/** `describe` on one dialect (when it is under test), with a fresh database for the block. */
export function describeDialect(dialect: TestDialect, title: string, body: (ctx: { dialect: TestDialect; db: () => TestDatabase }) => void): void {
  if (!dialectsUnderTest().includes(dialect)) return
  describe(`${title} [${dialect}]`, async () => {
    const reason = await probe(dialect)
    if (reason) {
      if (process.env.CI === 'true') throw new Error(`${dialect} server unreachable in CI: ${reason}`)
      console.log(`# SKIP ${dialect}: server unreachable (${reason})`)
      return
    }
    let database: TestDatabase | undefined
    before(async () => {
      database = await createTestDatabase(dialect, title)
    })
    after(async () => {
      await database?.drop()
    })
    body({
      dialect,
      db: () => {
        if (!database) throw new Error('database not ready')
        return database
      },
    })
  })
}
