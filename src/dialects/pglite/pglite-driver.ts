import { existsSync, mkdirSync } from 'node:fs'
import type { PGlite } from '@electric-sql/pglite'
import type { Connection } from '../dialect.js'
import { importDriver } from '../../runtime/drivers.js'
import type { DatabaseUrl } from '../../runtime/url.js'
import { wrapPostgresError } from '../postgres/postgres-driver.js'
import { importExternal } from '../../runtime/external-import.js'

/** PostgreSQL type oids node-postgres leaves as strings, which strata's PostgreSQL code expects. */
const INT8_OID = 20
const NUMERIC_OID = 1700

/**
 * In-memory databases live as long as the process, one per URL: every connection of a run (and of several
 * commands called from one program) sees the same database. A folder database is opened once per connection.
 */
const memoryDatabases = new Map<string, Promise<PGlite>>()

async function openPglite(url: DatabaseUrl): Promise<PGlite> {
  const { PGlite: Pglite } = await importDriver('pglite', () => importExternal<typeof import('@electric-sql/pglite')>('@electric-sql/pglite'))
  const options = { parsers: { [INT8_OID]: (value: string) => value, [NUMERIC_OID]: (value: string) => value } }
  if (url.filename === ':memory:') return Pglite.create(options)
  mkdirSync(url.filename!, { recursive: true })
  return Pglite.create(url.filename!, options)
}

/** A Connection over PGlite: one in-process session, the PostgreSQL dialect's SQL and errors. */
export class PgliteConnection implements Connection {
  readonly dialect = 'pglite' as const
  // The database runs in this process: a statement holds the event loop until it returns.
  readonly blocksThread = true

  constructor(
    private readonly db: PGlite,
    private readonly url: DatabaseUrl,
    /** Memory databases stay open for the process (see memoryDatabases). */
    private readonly shared: boolean,
  ) {}

  async query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    try {
      if (params.length) return (await this.db.query<T>(sql, params)).rows
      // Without parameters a string may hold several statements (op.execute scripts): the last one's rows answer.
      const results = await this.db.exec(sql)
      return (results.at(-1)?.rows ?? []) as T[]
    } catch (error) {
      throw wrapPostgresError(error, this.url, sql)
    }
  }

  async execute(sql: string, params: unknown[] = []): Promise<{ rowCount: number }> {
    try {
      if (params.length) return { rowCount: (await this.db.query(sql, params)).affectedRows ?? 0 }
      const results = await this.db.exec(sql)
      return { rowCount: results.reduce((sum, r) => sum + (r.affectedRows ?? 0), 0) }
    } catch (error) {
      throw wrapPostgresError(error, this.url, sql)
    }
  }

  async close(): Promise<void> {
    if (this.shared) {
      // The next connection must not inherit an open transaction of a failed run.
      if (this.db.isInTransaction?.()) await this.db.exec('ROLLBACK').catch(() => undefined)
      return
    }
    await this.db.close()
  }
}

export async function connectPglite(url: DatabaseUrl): Promise<PgliteConnection> {
  try {
    if (url.filename === ':memory:') {
      let db = memoryDatabases.get(url.display)
      if (!db) memoryDatabases.set(url.display, (db = openPglite(url)))
      return new PgliteConnection(await db, url, true)
    }
    return new PgliteConnection(await openPglite(url), url, false)
  } catch (error) {
    throw wrapPostgresError(error, url, undefined, { connecting: url.display })
  }
}

/** A folder database exists once its folder holds PostgreSQL's files; memory always exists. */
export async function pgliteDatabaseExists(url: DatabaseUrl): Promise<boolean> {
  return url.filename === ':memory:' || existsSync(`${url.filename}/PG_VERSION`)
}
