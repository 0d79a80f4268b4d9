import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs'
import { dirname } from 'node:path'
import type Database from 'better-sqlite3'
import type { ConnectOptions, Connection } from '../dialect.js'
import { DatabaseError, type DatabaseErrorDetails } from '../../errors.js'
import { missingFolders, removeEmptyFolders } from '../../runtime/created-folders.js'
import { importDriver } from '../../runtime/drivers.js'
import { maskPasswords, type DatabaseUrl } from '../../runtime/url.js'
import { importCommonJs } from '../../runtime/external-import.js'

/**
 * How long a statement waits for another connection's lock before failing with SQLITE_BUSY, when no
 * `statementTimeout` is set. There is no server to freeze: a lock held by another process is the only wait.
 */
export const BUSY_TIMEOUT_MS = 5000

/**
 * A driver error with the SQLite result code as `driverCode` (`SQLITE_BUSY`, `SQLITE_CONSTRAINT_CHECK`, …: SQLite
 * has no SQLSTATE) and the statement.
 */
export class SqliteError extends DatabaseError {
  constructor(message: string, details: DatabaseErrorDetails = {}) {
    super(maskPasswords(message), details)
    this.name = 'SqliteError'
  }
}

/**
 * "no such table": better-sqlite3 reports it as plain SQLITE_ERROR, so the message is the only sign. The one
 * message test strata makes, on purpose here in the SQLite folder (a last resort: SQLite has no finer code).
 */
export function isSqliteMissingTable(error: unknown): boolean {
  return error instanceof SqliteError && error.driverCode === 'SQLITE_ERROR' && /^no such table\b/.test(error.message)
}

/** Statements the connection treats as assertions: they fail when SQLite reports any violation. */
export const FOREIGN_KEY_CHECK = /^\s*PRAGMA\s+(?:"?main"?\s*\.\s*)?foreign_key_check\b/i

/** CREATE, ALTER and DROP statements. */
const SCHEMA_CHANGE = /^\s*(?:CREATE|ALTER|DROP)\s/i

function toSqliteError(error: unknown, statement?: string): SqliteError {
  if (error instanceof SqliteError) return error
  const e = error as { message?: string; code?: unknown }
  return new SqliteError(e?.message ?? String(error), { ...(typeof e?.code === 'string' ? { driverCode: e.code } : {}), ...(statement === undefined ? {} : { statement }) })
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

export function describeViolations(rows: Record<string, unknown>[]): string {
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
  // The database runs in this process: a statement holds the event loop until it returns.
  readonly blocksThread = true

  constructor(
    private db: Database.Database,
    readonly filename: string,
    /** The database file and the folders that opening it created, deepest first (see removeIfUntouched). */
    private created: string[] = [],
    /** The busy timeout statements run with (`statementTimeout`, else BUSY_TIMEOUT_MS). */
    readonly busyTimeoutMs = BUSY_TIMEOUT_MS,
    /** better-sqlite3's constructor, loaded on first connect. */
    private readonly driver?: SqliteDriver,
    private readonly foreignKeys = false,
  ) {
    this.inode = inodeOf(filename)
  }

  private inode: number | undefined

  /**
   * Opens the file at `filename` again, when it is no longer the one this connection opened (isStillAtPath).
   * Only between runs' locks: the run that removed it held the lock, and this one has not written yet.
   */
  reopen(): void {
    if (this.db.open) this.db.close()
    if (!this.driver) throw new SqliteError(`cannot reopen ${this.filename}: no driver`)
    const reopened = openDatabase(this.driver, this.filename, this.busyTimeoutMs, this.foreignKeys)
    this.db = reopened.db
    this.created = reopened.created
    this.inode = inodeOf(this.filename)
  }

  /**
   * False when the file at `filename` is no longer the one this connection opened: another run removed the
   * empty file it had created (removeIfUntouched) while this one waited for the lock.
   */
  isStillAtPath(): boolean {
    return this.inode === undefined || inodeOf(this.filename) === this.inode
  }

  /**
   * Removes the database file this connection created when nothing was ever written to it (it is still empty),
   * and at `close` the folders created for it: a command that failed, or had nothing to do, leaves no trace.
   * Called by the lock while the run still holds it, so no other strata run can be using the file. Returns true
   * when it removed the file.
   */
  removeIfUntouched(): boolean {
    const [file, ...folders] = this.created
    if (!file || this.db.inTransaction) return false
    try {
      if (statSync(file).size !== 0 || [`${file}-journal`, `${file}-wal`].some((f) => existsSync(f))) return false
      // Removed while open (POSIX allows it): the connection stays usable until the run closes it.
      rmSync(file, { force: true })
      rmSync(`${file}-shm`, { force: true })
    } catch {
      // A file that cannot be removed (Windows keeps open files): leave it.
      return false
    }
    // The folders go at close, after the run's lock file next to the database has gone too.
    this.foldersToRemove = folders
    return true
  }

  private foldersToRemove: string[] = []

  /** True while a transaction is open (BEGIN … COMMIT/ROLLBACK). */
  get inTransaction(): boolean {
    return this.db.open && this.db.inTransaction
  }

  private prepare(sql: string): Database.Statement | null {
    try {
      return this.db.prepare(sql)
    } catch (error) {
      const message = (error as Error).message ?? ''
      // Several statements (or only comments): run as a script. better-sqlite3 says so only in a plain RangeError's
      // message (no result code), so the message is tested: a documented last resort, kept inside the sqlite folder.
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
        if (FOREIGN_KEY_CHECK.test(sql) && rows.length > 0) throw new SqliteError(describeViolations(rows), { driverCode: 'SQLITE_CONSTRAINT_FOREIGNKEY', statement: sql })
        return { rowCount: rows.length }
      }
      return { rowCount: statement.run(...args).changes }
    } catch (error) {
      throw toSqliteError(error, sql)
    }
  }

  private runScript(sql: string, params: unknown[]): void {
    if (params.length) throw new SqliteError('parameters can only be bound to a single statement', { statement: sql })
    this.db.exec(sql)
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close()
    removeEmptyFolders(this.foldersToRemove.splice(0))
  }
}

/**
 * Opens the database file (creating its folder: `sqlite:///./data/app.sqlite` works before `data/` exists).
 * Foreign key enforcement is switched off (better-sqlite3 turns it on by default): a table rebuild drops and
 * recreates a parent table, which with enforcement on would cascade deletes into its children. Rebuilds verify
 * with `PRAGMA foreign_key_check` instead.
 */
export async function connectSqlite(url: DatabaseUrl, options: ConnectOptions = {}): Promise<SqliteConnection> {
  const filename = url.filename
  if (!filename) throw new SqliteError(`SQLite URL '${url.display}' names no file`, { code: 'connect' })
  // Loaded on first connect: `current` on a database not created yet never loads the native driver.
  const { default: driver } = await importDriver('sqlite', () => importCommonJs<typeof import('better-sqlite3')>('better-sqlite3'))
  try {
    const busyTimeoutMs = options.statementTimeoutMs || BUSY_TIMEOUT_MS
    // `?foreign_keys=on` keeps enforcement on, as engines that ignore the pragma do (Cloudflare D1): rebuilds then
    // defer checks and refuse what would cascade (sqlite-rebuild.ts).
    const foreignKeys = url.params.foreign_keys?.toLowerCase() === 'on'
    const { db, created } = openDatabase(driver, filename, busyTimeoutMs, foreignKeys)
    return new SqliteConnection(db, filename, created, busyTimeoutMs, driver, foreignKeys)
  } catch (error) {
    const e = toSqliteError(error)
    throw new SqliteError(`cannot open SQLite database ${url.display}: ${e.message}`, { ...(e.driverCode ? { driverCode: e.driverCode } : {}), code: 'connect' })
  }
}

/** Opens (or creates) the file; `created` lists the file and folders this created, for removeIfUntouched. */
type SqliteDriver = typeof import('better-sqlite3')

function openDatabase(SqliteDatabase: SqliteDriver, filename: string, busyTimeoutMs: number, foreignKeys: boolean): { db: Database.Database; created: string[] } {
  const created = filename === ':memory:' || existsSync(filename) ? [] : [filename, ...missingFolders(dirname(filename))]
  try {
    if (filename !== ':memory:') mkdirSync(dirname(filename), { recursive: true })
    const db = new SqliteDatabase(filename)
    db.pragma(`busy_timeout = ${busyTimeoutMs}`)
    db.pragma(`foreign_keys = ${foreignKeys ? 'ON' : 'OFF'}`)
    return { db, created }
  } catch (error) {
    // Opening failed: take back any folder made for it.
    removeEmptyFolders(created.slice(1))
    throw error
  }
}

function inodeOf(filename: string): number | undefined {
  if (filename === ':memory:') return undefined
  try {
    return statSync(filename).ino
  } catch {
    return undefined
  }
}

/** The file exists (never creates it); an in-memory database always exists. */
export async function sqliteDatabaseExists(url: DatabaseUrl): Promise<boolean> {
  if (!url.filename) return false
  return url.filename === ':memory:' || existsSync(url.filename)
}
