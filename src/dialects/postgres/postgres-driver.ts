/**
 * The PostgreSQL connection: one `pg.Client` per run (strata never pools), errors rewrapped so that no password
 * can reach a message, and a count of statements run (the introspection benchmark checks it stays fixed).
 */
import { readFileSync } from 'node:fs'
import type pg from 'pg'
import type { ConnectionOptions } from 'node:tls'
import type { ConnectOptions, Connection, ReadStatement } from '../dialect.js'
import { connectTimeoutError, statementTimeoutError, within } from '../timeouts.js'
import { DatabaseError, type DatabaseErrorDetails, StrataError, TimeoutError } from '../../errors.js'
import { importDriver } from '../../runtime/drivers.js'
import type { DatabaseUrl } from '../../runtime/url.js'
import { maskSecret } from '../shared/secrets.js'
import { importCommonJs } from '../../runtime/external-import.js'

export const DEFAULT_APPLICATION_NAME = 'strata'

/**
 * A server or driver error with the password masked: `sqlState` is the SQLSTATE when the server sent one,
 * `driverCode` the socket error (`ECONNREFUSED`) otherwise, `statement` the SQL that failed.
 */
export class PostgresError extends DatabaseError {
  detail?: string
  hint?: string
  constructor(message: string, details: DatabaseErrorDetails = {}) {
    super(message, details)
    this.name = 'PostgresError'
  }
}

/** A SQLSTATE is five digits or capital letters; node's socket errors (`ECONNREFUSED`) are not. */
const SQLSTATE = /^[0-9A-Z]{5}$/

export function wrapPostgresError(error: unknown, url: Pick<DatabaseUrl, 'password'>, sql?: string, options: { connecting?: string } = {}): PostgresError {
  const source = error as { message?: string; code?: unknown; detail?: string; hint?: string }
  const code = typeof source?.code === 'string' ? source.code : undefined
  const message = maskSecret(source?.message ?? String(error), url.password)
  const wrapped = new PostgresError(options.connecting ? `cannot connect to ${options.connecting}: ${message}` : message, {
    ...(code === undefined ? {} : SQLSTATE.test(code) ? { sqlState: code } : { driverCode: code }),
    ...(sql === undefined ? {} : { statement: sql }),
    ...(options.connecting ? { code: 'connect' as const } : {}),
  })
  if (typeof source?.detail === 'string') wrapped.detail = maskSecret(source.detail, url.password)
  if (typeof source?.hint === 'string') wrapped.hint = maskSecret(source.hint, url.password)
  return wrapped
}

/**
 * TLS from libpq-style parameters: `sslmode=disable|allow|prefer` → no TLS (node-postgres cannot fall back, so
 * prefer/allow mean plain), `require` → TLS without certificate checks (libpq's meaning), `verify-ca` → the chain is
 * checked but not the host name, `verify-full` → both; `ssl=true|1` → TLS with node's default checks, `ssl=false|0`
 * → none. `sslrootcert`, `sslcert`, `sslkey` name PEM files.
 */
export function sslOption(params: Record<string, string>): boolean | ConnectionOptions {
  const mode = params.sslmode?.toLowerCase()
  let ssl: boolean | ConnectionOptions = false
  if (mode !== undefined) {
    switch (mode) {
      case 'disable':
      case 'allow':
      case 'prefer':
        ssl = false
        break
      case 'require':
      case 'no-verify':
        ssl = { rejectUnauthorized: false }
        break
      case 'verify-ca':
        ssl = { rejectUnauthorized: true, checkServerIdentity: () => undefined }
        break
      case 'verify-full':
        ssl = { rejectUnauthorized: true }
        break
      default:
        throw new StrataError(`unknown sslmode '${params.sslmode}': use disable, allow, prefer, require, verify-ca or verify-full`, { code: 'url' })
    }
  } else if (params.ssl !== undefined) {
    const flag = params.ssl.toLowerCase()
    if (flag === 'true' || flag === '1') ssl = true
    else if (flag === 'false' || flag === '0') ssl = false
    else throw new StrataError(`unknown ssl value '${params.ssl}': use true or false`, { code: 'url' })
  }
  const files: Array<[string, 'ca' | 'cert' | 'key']> = [
    ['sslrootcert', 'ca'],
    ['sslcert', 'cert'],
    ['sslkey', 'key'],
  ]
  for (const [param, key] of files) {
    const path = params[param]
    if (!path || ssl === false) continue
    const options: ConnectionOptions = ssl === true ? {} : ssl
    options[key] = readFileSync(path, 'utf8')
    ssl = options
  }
  return ssl
}

/** SQLSTATE 57014 (query_canceled): what the server sends when its statement_timeout cancels a statement. */
const QUERY_CANCELED = '57014'

/**
 * The client waits this much longer than the server's own `statement_timeout`: a live server cancels the statement
 * itself (the session stays usable for ROLLBACK); the client's timer only ends the wait on one that stopped answering.
 */
const CLIENT_GRACE_MS = 1000

/** The node-postgres client configuration for a parsed URL. */
export function clientConfig(url: DatabaseUrl, options: ConnectOptions = {}): pg.ClientConfig {
  const params = url.params
  const config: pg.ClientConfig = {
    host: url.host,
    port: url.port ?? 5432,
    user: url.user,
    password: url.password,
    database: url.database,
    ssl: sslOption(params),
    application_name: params.application_name ?? DEFAULT_APPLICATION_NAME,
  }
  if (params.connect_timeout) config.connectionTimeoutMillis = Number(params.connect_timeout) * 1000
  // `connectTimeout` is enforced by connectPostgres's own timer (one error for every driver), not by pg's.
  if (options.statementTimeoutMs) config.statement_timeout = options.statementTimeoutMs
  // A host that vanished (not merely a frozen process) is noticed by TCP keepalive even with no bound set.
  config.keepAlive = true
  config.keepAliveInitialDelayMillis = 10_000
  if (params.options) config.options = params.options
  if (params.host) config.host = params.host
  return config
}

/** Ends a session at once, without the goodbye a frozen server would never acknowledge. */
function destroySocket(client: pg.Client): void {
  ;(client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy()
}

/** A live session. `queryCount` counts statements sent and `roundTrips` the messages carrying them, for benchmarks and tests. */
export class PostgresConnection implements Connection {
  readonly dialect = 'postgres' as const
  queryCount = 0
  roundTrips = 0
  readonly queuesStatements = true
  private broken: Error | undefined
  /** The statement sent last: the next one starts when it has answered (so its timer runs only while it runs). */
  private last: Promise<unknown> = Promise.resolve()

  constructor(
    private readonly client: pg.Client,
    private readonly url: DatabaseUrl,
    private readonly statementTimeoutMs = 0,
  ) {
    // A dropped connection emits 'error' on the client; keep it for the next call instead of crashing the process.
    client.on('error', (error) => {
      this.broken = wrapPostgresError(error, url)
    })
  }

  /** `statements`: how many a multi-statement string holds (the server bounds each; the client waits for all). */
  private run(sql: string, params?: unknown[], statements = 1): Promise<pg.QueryResult> {
    const result = this.last.then(() => this.runNow(sql, params, statements))
    this.last = result.catch(() => undefined)
    return result
  }

  private async runNow(sql: string, params: unknown[] | undefined, statements: number): Promise<pg.QueryResult> {
    if (this.broken) throw this.broken
    this.queryCount += statements
    this.roundTrips++
    const bound = this.statementTimeoutMs
    try {
      return await within(this.client.query(sql, params as unknown[] | undefined), bound && bound * statements + CLIENT_GRACE_MS, () => this.abandon(sql))
    } catch (error) {
      if (error instanceof TimeoutError) throw error
      const wrapped = wrapPostgresError(error, this.url, sql)
      if (bound && wrapped.sqlState === QUERY_CANCELED) throw statementTimeoutError(this.url, bound, sql)
      throw wrapped
    }
  }

  /** The server stopped answering: drop the socket (every later call fails at once) and say so. */
  private abandon(sql: string): TimeoutError {
    const error = statementTimeoutError(this.url, this.statementTimeoutMs, sql)
    this.broken = error
    this.destroySocket()
    return error
  }

  private destroySocket(): void {
    destroySocket(this.client)
  }

  async query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]> {
    const result = await this.run(sql, params)
    // A multi-statement string yields one result per statement: the rows of the last one are the answer.
    const last = Array.isArray(result) ? (result as pg.QueryResult[])[(result as pg.QueryResult[]).length - 1] : result
    return (last?.rows ?? []) as T[]
  }

  /**
   * Read statements without parameters as one multi-statement string (the simple protocol takes several): the
   * server runs them back to back. Statements with parameters go one at a time.
   */
  async queryBatch(statements: ReadStatement[]): Promise<unknown[][]> {
    if (statements.some((s) => s.params && s.params.length > 0)) return Promise.all(statements.map((s) => this.query(s.sql, s.params)))
    const result = await this.run(statements.map((s) => s.sql).join(';\n'), undefined, statements.length)
    const results = Array.isArray(result) ? (result as pg.QueryResult[]) : [result]
    if (results.length !== statements.length) throw new StrataError(`expected ${statements.length} results from one batch of catalog reads, got ${results.length}`, { code: 'database' })
    return results.map((r) => r.rows ?? [])
  }

  async execute(sql: string, params?: unknown[]): Promise<{ rowCount: number }> {
    const result = await this.run(sql, params)
    const results = Array.isArray(result) ? (result as pg.QueryResult[]) : [result]
    return { rowCount: results.reduce((sum, r) => sum + (r.rowCount ?? 0), 0) }
  }

  /** The server process id of this session (what pg_locks and pg_stat_activity show). */
  get processId(): number | undefined {
    return (this.client as unknown as { processID?: number }).processID
  }

  async close(): Promise<void> {
    // A session that stopped answering would never acknowledge a goodbye.
    if (this.broken instanceof TimeoutError) return this.destroySocket()
    try {
      await this.client.end()
    } catch (error) {
      throw wrapPostgresError(error, this.url)
    }
  }
}

/**
 * pg decides when it loads whether it runs on Cloudflare Workers. Without a global `navigator` (Node 20 has none) it
 * builds a fetch `Response` to find out, which makes Node load its whole fetch implementation (undici): about 20 ms
 * of every PostgreSQL command. A `navigator` naming Node.js, defined only while pg loads, answers it directly.
 */
async function importPg(): Promise<{ default: typeof import('pg') }> {
  if ('navigator' in globalThis) return importCommonJs<typeof import('pg')>('pg')
  Object.defineProperty(globalThis, 'navigator', { value: { userAgent: 'Node.js' }, configurable: true })
  try {
    return await importCommonJs<typeof import('pg')>('pg')
  } finally {
    delete (globalThis as { navigator?: unknown }).navigator
  }
}

export async function connectPostgres(url: DatabaseUrl, options: ConnectOptions = {}): Promise<PostgresConnection> {
  let config: pg.ClientConfig
  try {
    config = clientConfig(url, options)
  } catch (error) {
    if (error instanceof StrataError) throw error
    throw wrapPostgresError(error, url)
  }
  const { default: driver } = await importDriver('postgres', importPg)
  const client = new driver.Client(config)
  client.on('error', () => undefined)
  const bound = options.connectTimeoutMs
  try {
    await within(client.connect(), bound, () => connectTimeoutError(url, bound ?? 0))
  } catch (error) {
    destroySocket(client)
    if (error instanceof TimeoutError) throw error
    throw wrapPostgresError(error, url, undefined, { connecting: url.display })
  }
  return new PostgresConnection(client, url, options.statementTimeoutMs)
}

/** True when the server answers and the database exists; false on 'database does not exist' (3D000). */
export async function postgresDatabaseExists(url: DatabaseUrl, options: ConnectOptions = {}): Promise<boolean> {
  let connection: PostgresConnection
  try {
    connection = await connectPostgres(url, options)
  } catch (error) {
    if ((error as PostgresError).sqlState === '3D000') return false
    throw error
  }
  await connection.close()
  return true
}
