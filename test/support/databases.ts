/**
 * Real databases for tests: every test file makes its own database (a temp SQLite file, or a fresh
 * PostgreSQL / MariaDB database) and drops it. A server that cannot be reached skips that dialect with one visible
 * line on a developer machine, and fails the run in CI (CI=true). Outside CI, an unreachable PostgreSQL server is
 * stood in for by PGlite (a `pglite://` folder database per test file), except for the suites that say they need
 * a real server (several sessions at once, roles, killed processes…): those still skip visibly.
 * STRATA_TEST_POSTGRES=pglite asks for the stand-in even when the server is there.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { after, before, describe } from 'node:test'
import pg from 'pg'
import mysql from 'mysql2/promise'
import type { DialectName } from '../../src/dialects/dialect.js'

/**
 * Variant dialects and the family they belong to. The shared matrix (describeEachDialect) runs the families; a
 * variant has test files of its own (describeVariant), and its TestDatabase says the family as `dialect`.
 */
export const VARIANTS = { libsql: 'sqlite', pglite: 'postgres' } as const satisfies Partial<Record<DialectName, DialectName>>
export type VariantDialect = keyof typeof VARIANTS

export type TestDialect = Exclude<DialectName, VariantDialect>

export const PG_ADMIN_URL = process.env.STRATA_TEST_PG ?? 'postgresql://postgres@127.0.0.1:5432/test'
export const MYSQL_ADMIN_URL = process.env.STRATA_TEST_MYSQL ?? 'mysql://root@127.0.0.1:3306/test'

export interface TestDatabase {
  dialect: TestDialect
  /** A strata URL for this database. */
  url: string
  /** SQLite (and libSQL) only: the database file. */
  file?: string
  /** The variant this database runs on (its `url` names the variant's scheme), when not the family itself. */
  variant?: VariantDialect
  /** A scratch folder that lives as long as the database. */
  dir: string
  drop(): Promise<void>
}

/** How tests reach one dialect's server: a check that it answers, and a fresh database for a test file. */
interface TestServer {
  /** Resolves when the server answers (absent: nothing to reach, as for SQLite files). */
  connect?: () => Promise<void>
  create(label: string, dir: string, cleanupDir: () => void): Promise<TestDatabase>
  /** In-process databases used instead when the server cannot be reached outside CI (or when `forced`). */
  standIn?: { name: string; forced: boolean; create: TestServer['create'] }
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
  libsql: {
    async create(_label, dir, cleanupDir) {
      const file = join(dir, 'test.db')
      return { dialect: 'sqlite', variant: 'libsql', url: `libsql:${file}`, file, dir, drop: async () => cleanupDir() }
    },
  },
  pglite: {
    async create(_label, dir, cleanupDir) {
      return { dialect: 'postgres', variant: 'pglite', url: 'pglite::memory:', dir, drop: async () => cleanupDir() }
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
    standIn: {
      name: 'PGlite',
      forced: process.env.STRATA_TEST_POSTGRES === 'pglite',
      // A folder, not memory: the CLI runs as subprocesses, and each must see the same database.
      async create(_label, dir, cleanupDir) {
        return { dialect: 'postgres', variant: 'pglite', url: `pglite:${join(dir, 'pgdata')}`, dir, drop: async () => cleanupDir() }
      },
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
  const all = (Object.keys(testServers) as DialectName[]).filter((d): d is TestDialect => !(d in VARIANTS))
  return wanted ? all.filter((d) => wanted.split(',').includes(d)) : all
}

const reachable = new Map<DialectName, Promise<string | null>>()
/** Dialects whose tests run on their stand-in in this process (see TestServer.standIn). */
const standingIn = new Set<DialectName>()

/** The stand-in's name when `dialect`'s tests run on it (decided by probe), else undefined. */
export function standInFor(dialect: DialectName): string | undefined {
  return standingIn.has(dialect) ? testServers[dialect].standIn?.name : undefined
}

/**
 * null when reachable, else the reason. Tries three times: a test file's synchronous work (a subprocess run with
 * spawnSync) can hold the event loop long enough for one attempt's timer to fire before its connection is read.
 * Outside CI, a server with a stand-in is never unreachable: the stand-in serves (one visible line says so).
 */
export function probe(dialect: DialectName): Promise<string | null> {
  const { connect, standIn } = testServers[dialect]
  if (!connect) return Promise.resolve(null)
  let p = reachable.get(dialect)
  if (!p) {
    p = (async () => {
      const reason = standIn?.forced && process.env.CI !== 'true' ? 'STRATA_TEST_POSTGRES=pglite' : await tryConnect(connect)
      if (reason === null || !standIn || process.env.CI === 'true') return reason
      standingIn.add(dialect)
      console.log(`# ${dialect} server not reachable (${reason}): running the ${dialect} tests on ${standIn.name}`)
      return null
    })()
    reachable.set(dialect, p)
  }
  return p
}

async function tryConnect(connect: () => Promise<void>): Promise<string | null> {
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
}

export async function createTestDatabase(dialect: DialectName, label: string): Promise<TestDatabase> {
  const dir = mkdtempSync(join(tmpdir(), `strata-${dialect}-`))
  const server = testServers[dialect]
  const create = standingIn.has(dialect) && server.standIn ? server.standIn.create : server.create
  return create(label, dir, () => rmSync(dir, { recursive: true, force: true }))
}

/**
 * `describe` once per dialect under test, with a fresh database for the block. Unreachable servers skip with a
 * visible line, except under CI=true where they fail.
 */
export function describeEachDialect(title: string, body: (ctx: { dialect: TestDialect; db: () => TestDatabase }) => void, options: SuiteOptions = {}): void {
  for (const dialect of dialectsUnderTest()) describeDialect(dialect, title, body, options)
}

export interface SuiteOptions {
  /**
   * Why this suite needs the real server, not its stand-in (e.g. 'several sessions at once'): on a stand-in it
   * skips with this reason. Absent: the stand-in serves it.
   */
  needsServer?: string
}

/** `describe` on one dialect (when it is under test), with a fresh database for the block. */
export function describeDialect(dialect: TestDialect, title: string, body: (ctx: { dialect: TestDialect; db: () => TestDatabase }) => void, options: SuiteOptions = {}): void {
  if (!dialectsUnderTest().includes(dialect)) return
  describeOn(dialect, dialect, title, body, options)
}

/**
 * `describe` on a variant (libSQL), with a fresh database of it; `dialect` is its family. Runs unless
 * STRATA_TEST_DIALECTS is set without naming it.
 */
export function describeVariant(variant: VariantDialect, title: string, body: (ctx: { dialect: TestDialect; db: () => TestDatabase }) => void): void {
  const wanted = process.env.STRATA_TEST_DIALECTS
  if (wanted && !wanted.split(',').includes(variant)) return
  describeOn(variant, VARIANTS[variant], title, body)
}

function describeOn(dialect: DialectName, family: TestDialect, title: string, body: (ctx: { dialect: TestDialect; db: () => TestDatabase }) => void, options: SuiteOptions = {}): void {
  describe(`${title} [${dialect}]`, async () => {
    const reason = await probe(dialect)
    if (reason) {
      if (process.env.CI === 'true') throw new Error(`${dialect} server unreachable in CI: ${reason}`)
      console.log(`# SKIP ${dialect}: server unreachable (${reason})`)
      return
    }
    const standIn = standInFor(dialect)
    if (standIn && options.needsServer) {
      console.log(`# SKIP ${dialect} on ${standIn}: '${title}' needs a real server (${options.needsServer})`)
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
      dialect: family,
      db: () => {
        if (!database) throw new Error('database not ready')
        return database
      },
    })
  })
}
