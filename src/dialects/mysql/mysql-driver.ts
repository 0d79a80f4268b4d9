/**
 * The Connection over mysql2: one session, no pool, text protocol (`query`, never prepared statements, so that
 * DDL works), date and big-number values as strings, errors wrapped with any password masked.
 */
import { readFileSync } from 'node:fs'
import type mysql from 'mysql2/promise'
import type { ConnectOptions, Connection, ReadStatement } from '../dialect.js'
import { connectTimeoutError, statementTimeoutError, within } from '../timeouts.js'
import { DatabaseError, type DatabaseErrorDetails, StrataError, TimeoutError } from '../../errors.js'
import { importDriver } from '../../runtime/drivers.js'
import type { DatabaseUrl } from '../../runtime/url.js'
import { maskSecret } from '../shared/secrets.js'
import { importCommonJs } from '../../runtime/external-import.js'

/** What kind of server is on the other end: the SQL differs between MariaDB and MySQL in places. */
export interface MysqlServerInfo {
  mariadb: boolean
  version: string
  major: number
  minor: number
  patch: number
}

export function parseServerVersion(version: string): MysqlServerInfo {
  const [major = 0, minor = 0, patch = 0] = (/^(\d+)\.(\d+)\.(\d+)/.exec(version) ?? []).slice(1).map(Number)
  return { mariadb: /mariadb/i.test(version), version, major, minor, patch }
}

/** True when the server is at least `major.minor.patch`. */
export function serverAtLeast(server: MysqlServerInfo, major: number, minor = 0, patch = 0): boolean {
  if (server.major !== major) return server.major > major
  if (server.minor !== minor) return server.minor > minor
  return server.patch >= patch
}

/**
 * A driver error with the server's codes (`errno` 1146, `driverCode` ER_NO_SUCH_TABLE, `sqlState` 42S02) or the
 * socket's (`driverCode` ECONNREFUSED); the message never holds a password.
 */
export class MysqlDriverError extends DatabaseError {
  constructor(message: string, details: DatabaseErrorDetails = {}) {
    super(message, details)
    this.name = 'MysqlDriverError'
  }
}

/** `connecting`: the (password-free) URL a connection to it failed; the error then has the code `connect`. */
export function wrapMysqlError(error: unknown, password: string | undefined, options: { connecting?: string; statement?: string } = {}): MysqlDriverError {
  const e = error as { message?: string; code?: unknown; errno?: unknown; sqlState?: unknown }
  const context = options.connecting ? `cannot connect to ${options.connecting}: ` : ''
  const message = maskSecret(`${context}${e?.message ?? String(error)}`, password)
  return new MysqlDriverError(message, {
    ...(typeof e?.code === 'string' ? { driverCode: e.code } : {}),
    ...(typeof e?.errno === 'number' && e.errno > 0 ? { errno: e.errno } : {}),
    ...(typeof e?.sqlState === 'string' && e.sqlState ? { sqlState: e.sqlState } : {}),
    ...(options.statement === undefined ? {} : { statement: options.statement }),
    ...(options.connecting ? { code: 'connect' as const } : {}),
  })
}

const TRUE_WORDS = new Set(['1', 'true', 'yes', 'on'])

/** TLS from URL parameters: `ssl=true`, `ssl-mode=REQUIRED|VERIFY_CA|VERIFY_IDENTITY|DISABLED`, `sslmode=require|verify-full|disable`, `ssl-ca=/path`. */
function sslOptions(params: Record<string, string>): mysql.SslOptions | undefined {
  const mode = (params['ssl-mode'] ?? params['sslmode'] ?? params['ssl_mode'] ?? '').toLowerCase().replaceAll('_', '-')
  const caPath = params['ssl-ca'] ?? params['sslca'] ?? params['sslrootcert']
  const ca = caPath ? readFileSync(caPath, 'utf8') : undefined
  let ssl: mysql.SslOptions | undefined
  if (mode === 'disabled' || mode === 'disable') return undefined
  if (mode === 'required' || mode === 'require' || mode === 'preferred' || mode === 'prefer') ssl = { rejectUnauthorized: false }
  else if (mode.startsWith('verify')) ssl = { rejectUnauthorized: true }
  else if (params['ssl'] !== undefined && TRUE_WORDS.has(params['ssl'].toLowerCase())) ssl = {}
  if (ca) ssl = { ...(ssl ?? {}), ca }
  return ssl
}

/** mysql2 connection options for a parsed URL; `withDatabase: false` connects to the server only. */
export function mysqlConnectionOptions(url: DatabaseUrl, withDatabase = true, bounds: ConnectOptions = {}): mysql.ConnectionOptions {
  const options: mysql.ConnectionOptions = {
    host: url.host ?? '127.0.0.1',
    port: url.port ?? 3306,
    user: url.user ?? 'root',
    multipleStatements: bounds.readBatches === true,
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
    charset: 'UTF8MB4_UNICODE_CI',
  }
  if (url.password !== undefined) options.password = url.password
  if (withDatabase && url.database) options.database = url.database
  const timeout = url.params['connect_timeout'] ?? url.params['connectTimeout']
  if (timeout && Number.isFinite(Number(timeout))) options.connectTimeout = Number(timeout) * (url.params['connect_timeout'] ? 1000 : 1)
  if (bounds.connectTimeoutMs) options.connectTimeout = bounds.connectTimeoutMs
  const ssl = sslOptions(url.params)
  if (ssl) options.ssl = ssl
  return options
}

export class MysqlConnection implements Connection {
  readonly dialect = 'mysql' as const
  private closed = false
  private timedOut: TimeoutError | undefined

  constructor(
    private readonly raw: mysql.Connection,
    readonly server: MysqlServerInfo,
    private readonly url: DatabaseUrl,
    private readonly statementTimeoutMs = 0,
    readBatches = false,
  ) {
    if (readBatches) this.queryBatch = (statements) => this.runBatch(statements)
  }

  /**
   * One statement, bounded by `statementTimeout` on the client: MySQL has no server-side bound for DDL, and a
   * server that stopped answering never sends one anyway. On timeout the socket is dropped and later calls fail.
   */
  private async run(sql: string, params?: unknown[]): Promise<unknown> {
    if (this.timedOut) throw this.timedOut
    try {
      const [result] = await within(this.raw.query(sql, params), this.statementTimeoutMs, () => {
        this.timedOut = statementTimeoutError(this.url, this.statementTimeoutMs, sql)
        this.raw.destroy()
        return this.timedOut
      })
      return result
    } catch (error) {
      if (error instanceof TimeoutError) throw error
      throw wrapMysqlError(error, this.url.password, { statement: sql })
    }
  }

  async query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]> {
    const rows = await this.run(sql, params)
    return (Array.isArray(rows) ? rows : []) as T[]
  }

  /** Set on a session opened with `readBatches` (mysql2's `multipleStatements`), which runs only strata's reads. */
  queryBatch?: (statements: ReadStatement[]) => Promise<unknown[][]>

  /** The statements as one multi-statement text (`?` placeholders filled by mysql2, in order): a result set each. */
  private async runBatch(statements: ReadStatement[]): Promise<unknown[][]> {
    const results = await this.run(statements.map((s) => s.sql).join(';\n'), statements.flatMap((s) => s.params ?? []))
    if (!Array.isArray(results) || results.length !== statements.length) throw new StrataError(`expected ${statements.length} result sets from one batch of catalog reads`, { code: 'database' })
    return results.map((rows) => (Array.isArray(rows) ? rows : []))
  }

  async execute(sql: string, params?: unknown[]): Promise<{ rowCount: number }> {
    const result = await this.run(sql, params)
    const header = result as { affectedRows?: number }
    return { rowCount: Array.isArray(result) ? result.length : (header.affectedRows ?? 0) }
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    if (this.timedOut) return
    try {
      await this.raw.end()
    } catch {
      this.raw.destroy()
    }
  }
}

/**
 * Opens a session. mysql2's own `connectTimeout` covers the handshake; the first query (the server version) is
 * part of connecting too, so the same bound covers it on the client side.
 */
async function openRaw(url: DatabaseUrl, withDatabase: boolean, bounds: ConnectOptions): Promise<{ raw: mysql.Connection; version: string }> {
  const bound = bounds.connectTimeoutMs
  const { default: driver } = await importDriver('mysql', () => importCommonJs<typeof import('mysql2/promise')>('mysql2/promise'))
  let opened: mysql.Connection | undefined
  const open = async () => {
    opened = await driver.createConnection(mysqlConnectionOptions(url, withDatabase, bounds))
    // A server that drops the session emits 'error' outside any query; the next query reports it instead.
    opened.on('error', () => undefined)
    const [rows] = await opened.query('SELECT VERSION() AS version')
    return { raw: opened, version: String((rows as Array<{ version: string }>)[0]?.version ?? '') }
  }
  try {
    return await within(open(), bound, () => connectTimeoutError(url, bound ?? 0))
  } catch (error) {
    opened?.destroy()
    if (error instanceof TimeoutError) throw error
    // mysql2's own timer may fire first: the same bound, the same error.
    if ((error as { code?: string })?.code === 'ETIMEDOUT' && bound) throw connectTimeoutError(url, bound)
    throw wrapMysqlError(error, url.password, { connecting: url.display })
  }
}

export async function connectMysql(url: DatabaseUrl, options: ConnectOptions = {}): Promise<MysqlConnection> {
  const { raw, version } = await openRaw(url, true, options)
  return new MysqlConnection(raw, parseServerVersion(version), url, options.statementTimeoutMs, options.readBatches)
}

export async function mysqlDatabaseExists(url: DatabaseUrl, options: ConnectOptions = {}): Promise<boolean> {
  const { raw } = await openRaw(url, false, options)
  try {
    const [rows] = await raw.query('SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [url.database ?? ''])
    return (rows as unknown[]).length > 0
  } catch (error) {
    throw wrapMysqlError(error, url.password)
  } finally {
    await raw.end().catch(() => raw.destroy())
  }
}

const serverCache = new WeakMap<Connection, Promise<MysqlServerInfo>>()

/** The server behind a Connection: known on strata's own connections, asked once (and cached) otherwise. */
export function mysqlServerOf(connection: Connection): Promise<MysqlServerInfo> {
  if (connection instanceof MysqlConnection) return Promise.resolve(connection.server)
  let info = serverCache.get(connection)
  if (!info) {
    info = connection.query<{ version: string }>('SELECT VERSION() AS version').then((rows) => parseServerVersion(String(rows[0]?.version ?? '')))
    serverCache.set(connection, info)
    info.catch(() => serverCache.delete(connection))
  }
  return info
}
