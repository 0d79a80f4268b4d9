/**
 * The PostgreSQL connection: one `pg.Client` per run (strata never pools), errors rewrapped so that no password
 * can reach a message, and a count of statements run (the introspection benchmark checks it stays fixed).
 */
import { readFileSync } from 'node:fs'
import type pg from 'pg'
import type { ConnectionOptions } from 'node:tls'
import type { Connection } from '../dialect.js'
import { importDriver } from '../../runtime/drivers.js'
import { type DatabaseUrl, maskPasswords } from '../../runtime/url.js'

export const DEFAULT_APPLICATION_NAME = 'strata'

/** A server or driver error with the password masked; `code` is the SQLSTATE when the server sent one. */
export class PostgresError extends Error {
  code?: string
  detail?: string
  hint?: string
  /** The statement that failed (never holds a password: strata does not put credentials in SQL). */
  sql?: string
  constructor(message: string) {
    super(message)
    this.name = 'PostgresError'
  }
}

function maskSecret(text: string, secret: string | undefined): string {
  let out = maskPasswords(text)
  if (secret) out = out.split(secret).join('***')
  return out
}

export function wrapPostgresError(error: unknown, url: Pick<DatabaseUrl, 'password'>, sql?: string): PostgresError {
  const source = error as { message?: string; code?: string; detail?: string; hint?: string }
  const wrapped = new PostgresError(maskSecret(source?.message ?? String(error), url.password))
  if (typeof source?.code === 'string') wrapped.code = source.code
  if (typeof source?.detail === 'string') wrapped.detail = maskSecret(source.detail, url.password)
  if (typeof source?.hint === 'string') wrapped.hint = maskSecret(source.hint, url.password)
  if (sql !== undefined) wrapped.sql = sql
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
        throw new Error(`unknown sslmode '${params.sslmode}': use disable, allow, prefer, require, verify-ca or verify-full`)
    }
  } else if (params.ssl !== undefined) {
    const flag = params.ssl.toLowerCase()
    if (flag === 'true' || flag === '1') ssl = true
    else if (flag === 'false' || flag === '0') ssl = false
    else throw new Error(`unknown ssl value '${params.ssl}': use true or false`)
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

/** The node-postgres client configuration for a parsed URL. */
export function clientConfig(url: DatabaseUrl): pg.ClientConfig {
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
  if (params.options) config.options = params.options
  if (params.host) config.host = params.host
  return config
}

/** A live session. `queryCount` counts statements sent, for benchmarks and tests. */
export class PostgresConnection implements Connection {
  readonly dialect = 'postgres' as const
  queryCount = 0
  private broken: PostgresError | undefined

  constructor(private readonly client: pg.Client, private readonly url: DatabaseUrl) {
    // A dropped connection emits 'error' on the client; keep it for the next call instead of crashing the process.
    client.on('error', (error) => {
      this.broken = wrapPostgresError(error, url)
    })
  }

  private async run(sql: string, params?: unknown[]): Promise<pg.QueryResult> {
    if (this.broken) throw this.broken
    this.queryCount++
    try {
      return await this.client.query(sql, params as unknown[] | undefined)
    } catch (error) {
      throw wrapPostgresError(error, this.url, sql)
    }
  }

  async query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]> {
    const result = await this.run(sql, params)
    // A multi-statement string yields one result per statement: the rows of the last one are the answer.
    const last = Array.isArray(result) ? (result as pg.QueryResult[])[(result as pg.QueryResult[]).length - 1] : result
    return (last?.rows ?? []) as T[]
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
    try {
      await this.client.end()
    } catch (error) {
      throw wrapPostgresError(error, this.url)
    }
  }
}

export async function connectPostgres(url: DatabaseUrl): Promise<PostgresConnection> {
  let config: pg.ClientConfig
  try {
    config = clientConfig(url)
  } catch (error) {
    throw wrapPostgresError(error, url)
  }
  const { default: driver } = await importDriver('postgres', () => import('pg'))
  const client = new driver.Client(config)
  try {
    await client.connect()
  } catch (error) {
    client.end().catch(() => undefined)
    const wrapped = wrapPostgresError(error, url)
    wrapped.message = `cannot connect to ${url.display}: ${wrapped.message}`
    throw wrapped
  }
  return new PostgresConnection(client, url)
}

/** True when the server answers and the database exists; false on 'database does not exist' (3D000). */
export async function postgresDatabaseExists(url: DatabaseUrl): Promise<boolean> {
  let connection: PostgresConnection
  try {
    connection = await connectPostgres(url)
  } catch (error) {
    if ((error as PostgresError).code === '3D000') return false
    throw error
  }
  await connection.close()
  return true
}
