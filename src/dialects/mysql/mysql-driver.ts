/**
 * The Connection over mysql2: one session, no pool, text protocol (`query`, never prepared statements, so that
 * DDL works), date and big-number values as strings, errors wrapped with any password masked.
 */
import { readFileSync } from 'node:fs'
import type mysql from 'mysql2/promise'
import type { Connection } from '../dialect.js'
import { type DatabaseUrl, maskPasswords } from '../../runtime/url.js'
import { importDriver } from '../../runtime/drivers.js'

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

/** A driver error with the server's error code; the message never holds a password. */
export class MysqlDriverError extends Error {
  readonly code?: string
  readonly errno?: number
  readonly sqlState?: string
  constructor(message: string, details: { code?: string; errno?: number; sqlState?: string } = {}) {
    super(message)
    this.name = 'MysqlDriverError'
    if (details.code) this.code = details.code
    if (details.errno) this.errno = details.errno
    if (details.sqlState) this.sqlState = details.sqlState
  }
}

export function maskSecret(text: string, password: string | undefined): string {
  let masked = maskPasswords(text)
  if (password) masked = masked.replaceAll(password, '***')
  return masked
}

export function wrapMysqlError(error: unknown, password: string | undefined, context?: string): MysqlDriverError {
  const e = error as { message?: string; code?: string; errno?: number; sqlState?: string }
  const message = maskSecret(`${context ? `${context}: ` : ''}${e?.message ?? String(error)}`, password)
  return new MysqlDriverError(message, { code: e?.code, errno: e?.errno, sqlState: e?.sqlState })
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
export function mysqlConnectionOptions(url: DatabaseUrl, withDatabase = true): mysql.ConnectionOptions {
  const options: mysql.ConnectionOptions = {
    host: url.host ?? '127.0.0.1',
    port: url.port ?? 3306,
    user: url.user ?? 'root',
    multipleStatements: false,
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
    charset: 'UTF8MB4_UNICODE_CI',
  }
  if (url.password !== undefined) options.password = url.password
  if (withDatabase && url.database) options.database = url.database
  const timeout = url.params['connect_timeout'] ?? url.params['connectTimeout']
  if (timeout && Number.isFinite(Number(timeout))) options.connectTimeout = Number(timeout) * (url.params['connect_timeout'] ? 1000 : 1)
  const ssl = sslOptions(url.params)
  if (ssl) options.ssl = ssl
  return options
}

export class MysqlConnection implements Connection {
  readonly dialect = 'mysql' as const
  private closed = false

  constructor(
    private readonly raw: mysql.Connection,
    readonly server: MysqlServerInfo,
    private readonly password: string | undefined,
  ) {}

  async query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]> {
    try {
      const [rows] = await this.raw.query(sql, params)
      return (Array.isArray(rows) ? rows : []) as T[]
    } catch (error) {
      throw wrapMysqlError(error, this.password)
    }
  }

  async execute(sql: string, params?: unknown[]): Promise<{ rowCount: number }> {
    try {
      const [result] = await this.raw.query(sql, params)
      const header = result as { affectedRows?: number }
      return { rowCount: Array.isArray(result) ? result.length : (header.affectedRows ?? 0) }
    } catch (error) {
      throw wrapMysqlError(error, this.password)
    }
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    try {
      await this.raw.end()
    } catch {
      this.raw.destroy()
    }
  }
}

async function openRaw(url: DatabaseUrl, withDatabase: boolean): Promise<mysql.Connection> {
  try {
    const { default: driver } = await importDriver('mysql', () => import('mysql2/promise'))
    const raw = await driver.createConnection(mysqlConnectionOptions(url, withDatabase))
    // A server that drops the session emits 'error' outside any query; the next query reports it instead.
    raw.on('error', () => undefined)
    return raw
  } catch (error) {
    throw wrapMysqlError(error, url.password, `cannot connect to ${url.display}`)
  }
}

export async function connectMysql(url: DatabaseUrl): Promise<MysqlConnection> {
  const raw = await openRaw(url, true)
  try {
    const [rows] = await raw.query('SELECT VERSION() AS version')
    const version = String((rows as Array<{ version: string }>)[0]?.version ?? '')
    return new MysqlConnection(raw, parseServerVersion(version), url.password)
  } catch (error) {
    raw.destroy()
    throw wrapMysqlError(error, url.password)
  }
}

export async function mysqlDatabaseExists(url: DatabaseUrl): Promise<boolean> {
  const raw = await openRaw(url, false)
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
