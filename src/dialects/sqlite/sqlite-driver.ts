import { existsSync, mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import type Database from 'better-sqlite3'
import type { Connection } from '../dialect.js'
import { importDriver } from '../../runtime/drivers.js'
import { maskPasswords, type DatabaseUrl } from '../../runtime/url.js'

/** How long a statement waits for another connection's lock before failing with SQLITE_BUSY. */
export const BUSY_TIMEOUT_MS = 5000

/** A driver error with the SQLite result code (`SQLITE_BUSY`, `SQLITE_CONSTRAINT_CHECK`, …) and the statement. */
export class SqliteError extends Error {
  constructor(message: string, readonly code: string | undefined, readonly statement?: string) {
    super(maskPasswords(message))
    this.name = 'SqliteError'
  }
}

/** Statements the connection treats as assertions: they fail when SQLite reports any violation. */
const FOREIGN_KEY_CHECK = /^\s*PRAGMA\s+(?:"?main"?\s*\.\s*)?foreign_key_check\b/i

/** CREATE, ALTER and DROP statements. */
const SCHEMA_CHANGE = /^\s*(?:CREATE|ALTER|DROP)\s/i

function toSqliteError(error: unknown, statement?: string): SqliteError {
  if (error instanceof SqliteError) return error
  const e = error as { message?: string; code?: string }
  return new SqliteError(e?.message ?? String(error), e?.code, statement)
}

/** better-sqlite3 binds numbers, strings, bigints, buffers and null; the rest is converted the way strata stores it. */
function bindable(value: unknown): unknown {
  if (value === undefined) return null
  if (typeof value === 'boolean') return value ? 1 : 0
  if (value instanceof Date) return value.toISOString()
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return value
  if (value instanceof Uint8Array) return Buffer.from(value)
  return JSON.stringify(value)
}

function describeViolations(rows: Record<string, unknown>[]): string {
  const shown = rows.slice(0, 5).map((r) => `row ${String(r.rowid)} of "${String(r.table)}" has no parent in "${String(r.parent)}"`)
  const more = rows.length > shown.length ? ` (and ${rows.length - shown.length} more)` : ''
  return `foreign key check failed: ${shown.join('; ')}${more}`
}

/**
 * A Connection over better-sqlite3's synchronous API. One statement per call; a string holding several
 * statements (a raw `op.execute` script) runs as a script when it has no parameters.
 */
export class SqliteConnection implements Connection {
  readonly dialect = 'sqlite' as const

  constructor(private readonly db: Database.Database, readonly filename: string) {}

  /** True while a transaction is open (BEGIN … COMMIT/ROLLBACK). */
  get inTransaction(): boolean {
    return this.db.open && this.db.inTransaction
  }

  private prepare(sql: string): Database.Statement | null {
    try {
      return this.db.prepare(sql)
    } catch (error) {
      const message = (error as Error).message ?? ''
      // Several statements (or only comments): run as a script.
      if (/more than one statement|contains no statements/i.test(message)) return null
      throw toSqliteError(error, sql)
    }
  }

  async query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    const statement = this.prepare(sql)
    try {
      if (!statement) {
        this.runScript(sql, params)
        return []
      }
      const args = params.map(bindable)
      if (statement.reader) return statement.all(...args) as T[]
      statement.run(...args)
      return []
    } catch (error) {
      throw toSqliteError(error, sql)
    }
  }

  async execute(sql: string, params: unknown[] = []): Promise<{ rowCount: number }> {
    if (params.length === 0 && SCHEMA_CHANGE.test(sql)) {
      // DDL changes no rows and returns none: run it directly (cheaper than prepare + run on long upgrades).
      try {
        this.db.exec(sql)
      } catch (error) {
        throw toSqliteError(error, sql)
      }
      return { rowCount: 0 }
    }
    const statement = this.prepare(sql)
    try {
      if (!statement) {
        this.runScript(sql, params)
        return { rowCount: 0 }
      }
      const args = params.map(bindable)
      if (statement.reader) {
        const rows = statement.all(...args) as Record<string, unknown>[]
        // `PRAGMA foreign_key_check` only reports; after a table rebuild a violation must stop the migration.
        if (FOREIGN_KEY_CHECK.test(sql) && rows.length > 0) throw new SqliteError(describeViolations(rows), 'SQLITE_CONSTRAINT_FOREIGNKEY', sql)
        return { rowCount: rows.length }
      }
      return { rowCount: statement.run(...args).changes }
    } catch (error) {
      throw toSqliteError(error, sql)
    }
  }

  private runScript(sql: string, params: unknown[]): void {
    if (params.length) throw new SqliteError('parameters can only be bound to a single statement', undefined, sql)
    this.db.exec(sql)
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close()
  }
}

/**
 * Opens the database file (creating its folder: `sqlite:///./data/app.sqlite` works before `data/` exists).
 * Foreign key enforcement is switched off (better-sqlite3 turns it on by default): a table rebuild drops and
 * recreates a parent table, which with enforcement on would cascade deletes into its children. Rebuilds verify
 * with `PRAGMA foreign_key_check` instead.
 */
export async function connectSqlite(url: DatabaseUrl): Promise<SqliteConnection> {
  const filename = url.filename
  if (!filename) throw new SqliteError(`SQLite URL '${url.display}' names no file`, undefined)
  const { default: SqliteDatabase } = await importDriver('sqlite', () => import('better-sqlite3'))
  try {
    if (filename !== ':memory:') mkdirSync(dirname(filename), { recursive: true })
    const db = new SqliteDatabase(filename)
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`)
    db.pragma('foreign_keys = OFF')
    return new SqliteConnection(db, filename)
  } catch (error) {
    const e = toSqliteError(error)
    throw new SqliteError(`cannot open SQLite database ${url.display}: ${e.message}`, e.code)
  }
}

/** The file exists (never creates it); an in-memory database always exists. */
export async function sqliteDatabaseExists(url: DatabaseUrl): Promise<boolean> {
  if (!url.filename) return false
  return url.filename === ':memory:' || existsSync(url.filename)
}
