/**
 * One error model for all of strata. A leaf module: every folder may import it, it imports nothing.
 *
 * Every error meant for the user is a `StrataError` with a stable `code` (docs/errors.md lists them). The CLI
 * prints its message as one line (exit `exitCode`), and `--json` prints `{ "error": { "code", "message" } }`.
 * Code branches on `code` or on the class, never on message text.
 */

/** Stable error codes. Add new ones here (and to docs/errors.md); never rename one. */
export type StrataErrorCode =
  // anything without a more specific code
  | 'error'
  // the command line and the project
  | 'usage'
  | 'aborted'
  | 'init'
  | 'config'
  | 'schema'
  | 'unmanaged-schema'
  // reaching the database
  | 'url'
  | 'driver-missing'
  | 'connect'
  | 'no-database'
  | 'connect-timeout'
  | 'statement-timeout'
  // the migration lock
  | 'lock-timeout'
  | 'lock-lost'
  | 'lock'
  // the database's own errors, and running steps
  | 'database'
  | 'commit'
  | 'step-failed'
  | 'unfinished-step'
  | 'uncertain-statement'
  | 'ddl-lock-timeout'
  // revision files and the revision graph
  | 'migration-file'
  | 'changed-file'
  | 'missing-file'
  | 'changed-id'
  | 'header'
  | 'graph'
  | 'revision'
  | 'unknown-revision'
  | 'ambiguous'
  | 'relative'
  | 'not-ancestor'
  | 'unknown-current'
  | 'not-up-to-date'
  | 'range'
  | 'version-table'
  // offline scripts, reversibility, lint, pull
  | 'offline'
  | 'not-reversible'
  | 'lint'
  | 'pull'

export interface StrataErrorOptions {
  code?: StrataErrorCode
  exitCode?: number
  cause?: unknown
}

/**
 * An error meant for the user: one line saying what is wrong and what to do. `exitCode` is 1 by default (2 for
 * usage errors).
 */
export class StrataError extends Error {
  readonly code: StrataErrorCode
  readonly exitCode: number

  constructor(message: string, options: StrataErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'StrataError'
    this.code = options.code ?? 'error'
    this.exitCode = options.exitCode ?? 1
  }
}

/** Wrong command-line usage: exit code 2. */
export class UsageError extends StrataError {
  constructor(message: string) {
    super(message, { code: 'usage', exitCode: 2 })
    this.name = 'UsageError'
  }
}

/** The migration lock could not be taken in time. Every lock kind (advisory, GET_LOCK, file, lease) throws this. */
export class LockTimeoutError extends StrataError {
  constructor(message: string) {
    super(message, { code: 'lock-timeout' })
    this.name = 'LockTimeoutError'
  }
}

/** The lock was held and is gone (its session was closed by the server, its lease expired or was stolen). */
export class LockLostError extends StrataError {
  constructor(message: string) {
    super(message, { code: 'lock-lost' })
    this.name = 'LockLostError'
  }
}

/** What a driver knows about a database error (all optional: a connection failure has no statement). */
export interface DatabaseErrorDetails {
  /** The SQLSTATE the server sent (PostgreSQL, MySQL). */
  sqlState?: string
  /** The server's numeric error (MySQL `ER_NO_SUCH_TABLE` is 1146). */
  errno?: number
  /** The driver's symbolic code (`ER_NO_SUCH_TABLE`, `SQLITE_BUSY`, `ECONNREFUSED`). */
  driverCode?: string
  statement?: string
  /** `connect` when the connection could not be opened; `ddl-lock-timeout` when lock retries ran out; `database` (the default) otherwise. */
  code?: Extract<StrataErrorCode, 'database' | 'connect' | 'ddl-lock-timeout'>
  cause?: unknown
}

/**
 * An error the database raised. Every driver wraps its errors in a subclass of this; the message never holds a
 * password. `sqlState`/`errno`/`driverCode` are the server's and the driver's own codes (for `isMissingTable` and
 * friends: never the message text), `statement` the SQL that failed, `revision` the revision that ran it (set by
 * the run loop).
 */
export class DatabaseError extends StrataError {
  sqlState?: string
  errno?: number
  driverCode?: string
  statement?: string
  revision?: string

  constructor(message: string, details: DatabaseErrorDetails = {}) {
    super(message, { code: details.code ?? 'database', cause: details.cause })
    this.name = 'DatabaseError'
    if (details.sqlState !== undefined) this.sqlState = details.sqlState
    if (details.errno !== undefined) this.errno = details.errno
    if (details.driverCode !== undefined) this.driverCode = details.driverCode
    if (details.statement !== undefined) this.statement = details.statement
  }
}

/** A connection or a statement took longer than its configured bound (`connectTimeout`, `statementTimeout`). */
export class TimeoutError extends StrataError {
  constructor(message: string, code: 'connect-timeout' | 'statement-timeout') {
    super(message, { code })
    this.name = 'TimeoutError'
  }
}

/** The `--json` form of a failure. */
export function errorJson(error: unknown, message: string): { error: { code: StrataErrorCode; message: string } } {
  return { error: { code: error instanceof StrataError ? error.code : 'error', message } }
}
