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

export type TestDialect = 'sqlite' | 'postgres' | 'mysql'

export const PG_ADMIN_URL = process.env.STRATA_TEST_PG ?? 'postgresql://postgres@127.0.0.1:5432/test'
export const MYSQL_ADMIN_URL = process.env.STRATA_TEST_MYSQL ?? 'mysql://root@127.0.0.1:3306/test'

/** Dialects to run: STRATA_TEST_DIALECTS=sqlite,postgres narrows the matrix. */
export function dialectsUnderTest(): TestDialect[] {
  const wanted = process.env.STRATA_TEST_DIALECTS
  const all: TestDialect[] = ['sqlite', 'postgres', 'mysql']
  return wanted ? all.filter((d) => wanted.split(',').includes(d)) : all
}

const reachable = new Map<TestDialect, Promise<string | null>>()

async function connectOnce(dialect: TestDialect): Promise<void> {
  if (dialect === 'postgres') {
    const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 5000 })
    await client.connect()
    await client.end()
  } else {
    const conn = await mysql.createConnection({ uri: MYSQL_ADMIN_URL, connectTimeout: 5000 })
    await conn.end()
  }
}

/**
 * null when reachable, else the reason. Tries three times: a test file's synchronous work (a subprocess run with
 * spawnSync) can hold the event loop long enough for one attempt's timer to fire before its connection is read.
 */
export function probe(dialect: TestDialect): Promise<string | null> {
  if (dialect === 'sqlite') return Promise.resolve(null)
  let p = reachable.get(dialect)
  if (!p) {
    p = (async () => {
      let reason = ''
      for (let attempt = 0; attempt < 3; attempt++) {
        try {
          await connectOnce(dialect)
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

function uniqueName(label: string): string {
  const safe = label.toLowerCase().replace(/[^a-z0-9]+/g, '_').slice(0, 30)
  return `strata_t_${safe}_${randomBytes(4).toString('hex')}`
}

export async function createTestDatabase(dialect: TestDialect, label: string): Promise<TestDatabase> {
  const dir = mkdtempSync(join(tmpdir(), `strata-${dialect}-`))
  const cleanupDir = () => rmSync(dir, { recursive: true, force: true })
  if (dialect === 'sqlite') {
    const file = join(dir, 'test.sqlite')
    return { dialect, url: `sqlite:///${file}`, file, dir, drop: async () => cleanupDir() }
  }
  const name = uniqueName(label)
  if (dialect === 'postgres') {
    const admin = new pg.Client({ connectionString: PG_ADMIN_URL })
    await admin.connect()
    await admin.query(`CREATE DATABASE "${name}"`)
    await admin.end()
    const url = PG_ADMIN_URL.replace(/\/[^/?]*(\?.*)?$/, `/${name}$1`).replace(/undefined$/, '')
    return {
      dialect,
      url,
      dir,
      drop: async () => {
        const c = new pg.Client({ connectionString: PG_ADMIN_URL })
        await c.connect()
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)
        await c.end()
        cleanupDir()
      },
    }
  }
  const admin = await mysql.createConnection({ uri: MYSQL_ADMIN_URL })
  await admin.query(`CREATE DATABASE \`${name}\``)
  await admin.end()
  const url = MYSQL_ADMIN_URL.replace(/\/[^/?]*(\?.*)?$/, `/${name}$1`).replace(/undefined$/, '')
  return {
    dialect,
    url,
    dir,
    drop: async () => {
      const c = await mysql.createConnection({ uri: MYSQL_ADMIN_URL })
      await c.query(`DROP DATABASE IF EXISTS \`${name}\``)
      await c.end()
      cleanupDir()
    },
  }
}

/**
 * `describe` once per dialect under test, with a fresh database for the block. Unreachable servers skip with a
 * visible line, except under CI=true where they fail.
 */
export function describeEachDialect(title: string, body: (ctx: { dialect: TestDialect; db: () => TestDatabase }) => void): void {
  for (const dialect of dialectsUnderTest()) {
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
}
