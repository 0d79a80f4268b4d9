import { existsSync, mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import type { Client, InStatement, ResultSet, Transaction } from '@libsql/client'
import type { ConnectOptions, Connection } from '../dialect.js'
import { importDriver } from '../../runtime/drivers.js'
import type { DatabaseUrl } from '../../runtime/url.js'
import { BUSY_TIMEOUT_MS, FOREIGN_KEY_CHECK, SqliteError, describeViolations } from '../sqlite/sqlite-driver.js'
import { tokenize } from '../sqlite/sqlite-parser.js'
import { importExternal } from '../../runtime/external-import.js'

/**
 * A Connection over @libsql/client. The client pools connections and rolls back any transaction a borrowed one
 * left open, so strata's BEGIN/COMMIT/ROLLBACK statements map onto its transaction API: BEGIN opens a
 * `client.transaction()` that owns one connection until COMMIT or ROLLBACK, and every statement in between runs
 * on it. Outside a transaction the client has one connection (`concurrency: 1`); a transaction takes that
 * connection away and the client opens a new one after it, so the session's pragmas are set again before each.
 *
 * A local file migrates with foreign keys off, as SQLite does (a table rebuild then never fires ON DELETE in its
 * children); `?foreign_keys=on` keeps them on. A remote database (Turso) keeps them on whatever is asked, as D1
 * does: table rebuilds then take the enforced-foreign-keys path of sqlite-rebuild.ts.
 */
export class LibsqlConnection implements Connection {
  readonly dialect = 'libsql' as const
  // The database runs in this process: a statement holds the event loop until it returns.
  readonly blocksThread = true
  private transaction: Transaction | undefined

  constructor(
    private readonly client: Client,
    readonly filename: string | undefined,
    /** Set on every connection the client opens (see above). */
    private readonly sessionPragmas: string[] = [],
  ) {}

  /** The session's pragmas on the client's current connection (outside any transaction). */
  async applySession(): Promise<void> {
    for (const pragma of this.sessionPragmas) await this.client.execute(pragma)
  }

  /** True while a transaction opened by BEGIN is open. */
  get inTransaction(): boolean {
    return this.transaction !== undefined && !this.transaction.closed
  }

  async query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    const result = await this.run(sql, params)
    return result ? (plainRows(result) as T[]) : []
  }

  async execute(sql: string, params: unknown[] = []): Promise<{ rowCount: number }> {
    const result = await this.run(sql, params)
    if (!result) return { rowCount: 0 }
    if (FOREIGN_KEY_CHECK.test(sql) && result.rows.length > 0)
      throw new SqliteError(describeViolations(plainRows(result)), { driverCode: 'SQLITE_CONSTRAINT_FOREIGNKEY', statement: sql })
    return { rowCount: result.columns.length > 0 ? result.rows.length : result.rowsAffected }
  }

  /** One statement, a transaction boundary, or a script (executeMultiple: it returns no rows). */
  private async run(sql: string, params: unknown[]): Promise<ResultSet | undefined> {
    try {
      const boundary = transactionBoundary(sql)
      if (boundary) {
        await this.boundary(boundary)
        return undefined
      }
      const target = this.inTransaction ? this.transaction! : this.client
      const statements = statementCount(sql)
      if (statements === 0) return undefined
      if (statements > 1) {
        if (params.length) throw new SqliteError('parameters can only be bound to a single statement', { statement: sql })
        await target.executeMultiple(sql)
        return undefined
      }
      return await target.execute({ sql, args: params.map(bindable) } as InStatement)
    } catch (error) {
      throw toSqliteError(error, sql)
    }
  }

  private async boundary(kind: 'begin' | 'begin-write' | 'commit' | 'rollback'): Promise<void> {
    if (kind === 'begin' || kind === 'begin-write') {
      if (this.inTransaction) throw new SqliteError('cannot start a transaction within a transaction', { driverCode: 'SQLITE_ERROR' })
      // PRAGMA foreign_keys is a no-op inside a transaction: set before it, on the connection it will take.
      await this.applySession()
      this.transaction = await this.client.transaction(kind === 'begin-write' ? 'write' : 'deferred')
      return
    }
    const open = this.transaction
    this.transaction = undefined
    if (!open || open.closed) {
      if (kind === 'commit') throw new SqliteError('cannot commit - no transaction is active', { driverCode: 'SQLITE_ERROR' })
      return
    }
    if (kind === 'commit') await open.commit()
    else await open.rollback()
  }

  async close(): Promise<void> {
    this.transaction?.close()
    this.transaction = undefined
    this.client.close()
  }
}

const BOUNDARIES: [RegExp, 'begin' | 'begin-write' | 'commit' | 'rollback'][] = [
  [/^\s*BEGIN\s+(?:IMMEDIATE|EXCLUSIVE)(?:\s+TRANSACTION)?\s*;?\s*$/i, 'begin-write'],
  [/^\s*BEGIN(?:\s+DEFERRED)?(?:\s+TRANSACTION)?\s*;?\s*$/i, 'begin'],
  [/^\s*(?:COMMIT|END)(?:\s+TRANSACTION)?\s*;?\s*$/i, 'commit'],
  [/^\s*ROLLBACK(?:\s+TRANSACTION)?\s*;?\s*$/i, 'rollback'],
]

function transactionBoundary(sql: string): 'begin' | 'begin-write' | 'commit' | 'rollback' | undefined {
  return BOUNDARIES.find(([pattern]) => pattern.test(sql))?.[1]
}

/**
 * How many statements `sql` holds (comments and empty statements do not count). The client runs only the first
 * statement of a string given to `execute`, silently, so scripts must be told apart.
 */
function statementCount(sql: string): number {
  let count = 0
  let inStatement = false
  for (const token of tokenize(sql)) {
    if (token.kind === 'punct' && token.text === ';') inStatement = false
    else if (!inStatement) {
      inStatement = true
      count++
    }
  }
  return count
}

/** Plain objects keyed by column name, blobs as Buffers (what better-sqlite3 returns, and strata reads). */
function plainRows(result: ResultSet): Record<string, unknown>[] {
  return result.rows.map((row) => {
    const plain: Record<string, unknown> = {}
    result.columns.forEach((column, i) => {
      const value = row[i]
      plain[column] = value instanceof ArrayBuffer ? Buffer.from(value) : value
    })
    return plain
  })
}

function bindable(value: unknown): unknown {
  if (value === undefined) return null
  if (typeof value === 'boolean') return value ? 1 : 0
  if (value instanceof Date) return value.toISOString()
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array || value instanceof ArrayBuffer) return value
  return JSON.stringify(value)
}

/** LibsqlError → SqliteError: its extended result code as `driverCode`, its message without the code prefix. */
function toSqliteError(error: unknown, statement?: string): SqliteError {
  if (error instanceof SqliteError) return error
  const e = error as { message?: string; code?: unknown; extendedCode?: unknown }
  const code = typeof e?.extendedCode === 'string' ? e.extendedCode : typeof e?.code === 'string' ? e.code : undefined
  const message = (e?.message ?? String(error)).replace(/^SQLITE_[A-Z_0-9]+:\s*/, '')
  return new SqliteError(message, { ...(code ? { driverCode: code } : {}), ...(statement === undefined ? {} : { statement }) })
}

/** The client URL for a strata libSQL URL: a local file, memory, or the remote server with its auth token. */
function clientConfig(url: DatabaseUrl): { url: string; authToken?: string } {
  if (url.filename) return { url: url.filename === ':memory:' ? ':memory:' : `file:${url.filename}` }
  const port = url.port ? `:${url.port}` : ''
  const query = new URLSearchParams(Object.entries(url.params).filter(([k]) => k !== 'authToken')).toString()
  return { url: `libsql://${url.host}${port}${query ? `?${query}` : ''}`, ...(url.password ? { authToken: url.password } : {}) }
}

/** Opens the database (a local file is created with its folder, as for SQLite). */
export async function connectLibsql(url: DatabaseUrl, options: ConnectOptions = {}): Promise<LibsqlConnection> {
  const { createClient } = await importDriver('libsql', () => importExternal<typeof import('@libsql/client')>('@libsql/client'))
  try {
    if (url.filename && url.filename !== ':memory:') mkdirSync(dirname(url.filename), { recursive: true })
    const client = createClient({ ...clientConfig(url), concurrency: 1, intMode: 'number' })
    const pragmas: string[] = []
    if (url.filename) pragmas.push(`PRAGMA busy_timeout = ${options.statementTimeoutMs || BUSY_TIMEOUT_MS}`)
    if (url.filename && url.params.foreign_keys?.toLowerCase() !== 'on') pragmas.push('PRAGMA foreign_keys = OFF')
    const connection = new LibsqlConnection(client, url.filename, pragmas)
    await connection.applySession()
    return connection
  } catch (error) {
    const e = toSqliteError(error)
    throw new SqliteError(`cannot open libSQL database ${url.display}: ${e.message}`, { ...(e.driverCode ? { driverCode: e.driverCode } : {}), code: 'connect' })
  }
}

/** A local file exists (never creates it); memory always does; a remote database is asked by connecting. */
export async function libsqlDatabaseExists(url: DatabaseUrl): Promise<boolean> {
  if (url.filename) return url.filename === ':memory:' || existsSync(url.filename)
  return true
}
