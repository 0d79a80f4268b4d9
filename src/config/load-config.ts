import { existsSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import type { ConnectOptions } from '../dialects/dialect.js'
import { type DatabaseUrl, parseDatabaseUrl } from '../runtime/url.js'
import { type NamingConvention, isNamingPreset, namingPresets, resolveNaming } from '../schema/naming.js'
import { type DdlLockPolicy, resolveDdlLock } from './ddl-lock.js'
import type { StrataConfig, TransactionMode } from './define-config.js'
import { StrataError, describeLoadError } from './errors.js'
import { importConfigModule } from './module-loader.js'

export const CONFIG_FILE_NAMES = ['strata.config.ts', 'strata.config.mts', 'strata.config.js', 'strata.config.mjs']

/** A loaded config with every path made absolute and every default filled in. */
export interface ResolvedConfig {
  file: string
  dir: string
  config: StrataConfig
  migrationsDir: string
  versionsDir: string
  schemaPatterns: string[]
  versionTable: string
  historyTable: string
  transactionMode?: TransactionMode
  lockTimeoutSeconds: number
  /** 0: no bound. */
  connectTimeoutSeconds: number
  /** 0: no bound. */
  statementTimeoutSeconds: number
  lock: 'advisory' | 'table' | 'none'
  lockLeaseSeconds: number
  /** How long a migration statement may wait for a table lock, and its retries; null: no bound (the default). */
  ddlLock: DdlLockPolicy | null
  naming: NamingConvention
  fileTemplate: string
  /** The URL string chosen (config `url`, else DATABASE_URL), unparsed; undefined when neither is set. */
  urlText?: string
}

export interface LoadConfigOptions {
  /** `--config PATH`; else STRATA_CONFIG; else strata.config.ts in cwd. */
  configPath?: string
  cwd?: string
}

export function findConfigFile(options: LoadConfigOptions = {}): string {
  const cwd = options.cwd ?? process.cwd()
  const explicit = options.configPath ?? process.env.STRATA_CONFIG
  if (explicit) {
    const file = resolve(cwd, explicit)
    if (!existsSync(file)) throw new StrataError(`config file not found: ${file}`, { code: 'config' })
    return file
  }
  for (const name of CONFIG_FILE_NAMES) {
    const file = resolve(cwd, name)
    if (existsSync(file)) return file
  }
  throw new StrataError(`no strata.config.ts in ${cwd}: run 'strata init' to create one, or pass --config PATH`, { code: 'config' })
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null
}

export async function loadConfig(options: LoadConfigOptions = {}): Promise<ResolvedConfig> {
  const file = findConfigFile(options)
  let module: Record<string, unknown>
  try {
    module = await importConfigModule(file)
  } catch (error) {
    throw new StrataError(`cannot load config ${file}: ${describeLoadError(error)}`, { code: 'config' })
  }
  const config = (module.default ?? module.config) as StrataConfig | undefined
  if (!isRecord(config)) throw new StrataError(`invalid config ${file}: it must 'export default defineConfig({ … })'`, { code: 'config' })
  return resolveConfig(config, file)
}

const DEFAULT_CONNECT_TIMEOUT_SECONDS = 10

/** Environment variables that override the config's timeouts (the CLI's --connect-timeout and --statement-timeout set them). */
export const TIMEOUT_VARIABLES = { connectTimeout: 'STRATA_CONNECT_TIMEOUT', statementTimeout: 'STRATA_STATEMENT_TIMEOUT' } as const

function isSeconds(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0
}

function secondsFromEnvironment(name: string): number | undefined {
  const text = process.env[name]
  if (text === undefined || text === '') return undefined
  const value = Number(text)
  if (!isSeconds(value)) throw new StrataError(`${name} must be a number of seconds, got '${text}'`)
  return value
}

/** The driver bounds of a config (a run that takes the lock narrows the connect bound to the lock timeout). */
export function connectOptions(resolved: ResolvedConfig): ConnectOptions {
  return { connectTimeoutMs: Math.round(resolved.connectTimeoutSeconds * 1000), statementTimeoutMs: Math.round(resolved.statementTimeoutSeconds * 1000) }
}

/** Validates a config object and fills in defaults; `file` anchors relative paths. */
/** Every key of StrataConfig: a misspelled one (`migrashuns`, `lockTimout`) is refused rather than ignored. */
const CONFIG_KEYS = [
  'url', 'schema', 'migrations', 'versionTable', 'historyTable', 'schemas', 'transactionMode', 'lockTimeout', 'connectTimeout',
  'statementTimeout', 'ddlLockTimeout', 'ddlLockRetries', 'ddlLockRetryDelay', 'ddlLockRetryMaxDelay', 'lock', 'lockLease',
  'databases', 'tenantSchemas', 'include', 'exclude', 'includeObject', 'naming', 'fileTemplate', 'prettier', 'safe', 'lint',
] as const satisfies readonly (keyof StrataConfig)[]
// A key added to StrataConfig but not listed above fails to compile here.
const everyKeyListed: Exclude<keyof StrataConfig, (typeof CONFIG_KEYS)[number]> extends never ? true : never = true
void everyKeyListed

export function resolveConfig(config: StrataConfig, file: string): ResolvedConfig {
  const dir = dirname(file)
  const fail = (what: string) => new StrataError(`invalid config ${file}: ${what}`, { code: 'config' })
  const known: readonly string[] = CONFIG_KEYS
  for (const key of Object.keys(config)) if (!known.includes(key)) throw fail(`unknown key '${key}' (the keys are ${CONFIG_KEYS.join(', ')})`)
  if (config.url !== undefined && typeof config.url !== 'string') throw fail(`'url' must be a string`)
  const schema = config.schema
  if (schema === undefined) throw fail(`'schema' is required (the file that exports your tables)`)
  if (typeof schema !== 'string' && !(Array.isArray(schema) && schema.every((s) => typeof s === 'string')))
    throw fail(`'schema' must be a path or a list of paths`)
  const mode = config.transactionMode
  if (mode !== undefined && !['all', 'each', 'none'].includes(mode)) throw fail(`'transactionMode' must be 'all', 'each' or 'none'`)
  for (const key of ['lockTimeout', 'connectTimeout', 'statementTimeout'] as const) {
    const value = config[key]
    if (value !== undefined && !isSeconds(value)) throw fail(`'${key}' must be a number of seconds`)
  }
  const { databases, tenantSchemas } = config
  if (databases !== undefined && typeof databases !== 'function' && !(isRecord(databases) && Object.values(databases).every((u) => typeof u === 'string')))
    throw fail(`'databases' must map names to URL strings, or be a function returning that`)
  if (tenantSchemas !== undefined && typeof tenantSchemas !== 'function' && !(Array.isArray(tenantSchemas) && tenantSchemas.every((s) => typeof s === 'string' && s.length > 0)))
    throw fail(`'tenantSchemas' must be a list of schema names, or a function returning one`)
  if (config.lock !== undefined && !['advisory', 'table', 'none'].includes(config.lock)) throw fail(`'lock' must be 'advisory', 'table' or 'none'`)
  if (config.lockLease !== undefined && (typeof config.lockLease !== 'number' || !(config.lockLease >= 1)))
    throw fail(`'lockLease' must be a number of seconds (at least 1)`)
  const naming = config.naming
  if (naming !== undefined && !isNamingPreset(naming) && (typeof naming !== 'object' || naming === null))
    throw fail(`'naming' must be one of ${Object.keys(namingPresets).map((p) => `'${p}'`).join(', ')} or an object of templates`)
  const migrationsDir = resolve(dir, config.migrations ?? './migrations')
  const resolved: ResolvedConfig = {
    file,
    dir,
    config,
    migrationsDir,
    versionsDir: resolve(migrationsDir, 'versions'),
    schemaPatterns: (Array.isArray(schema) ? schema : [schema]).map((p) => resolve(dir, p)),
    versionTable: config.versionTable ?? 'strata_version',
    historyTable: config.historyTable ?? 'strata_history',
    lockTimeoutSeconds: config.lockTimeout ?? 60,
    connectTimeoutSeconds: secondsFromEnvironment(TIMEOUT_VARIABLES.connectTimeout) ?? config.connectTimeout ?? DEFAULT_CONNECT_TIMEOUT_SECONDS,
    statementTimeoutSeconds: secondsFromEnvironment(TIMEOUT_VARIABLES.statementTimeout) ?? config.statementTimeout ?? 0,
    lock: config.lock ?? 'advisory',
    lockLeaseSeconds: config.lockLease ?? 30,
    ddlLock: resolveDdlLock({ timeout: config.ddlLockTimeout, retries: config.ddlLockRetries, delay: config.ddlLockRetryDelay, maxDelay: config.ddlLockRetryMaxDelay }, fail),
    naming: resolveNaming(naming),
    fileTemplate: config.fileTemplate ?? '{rev}_{slug}',
  }
  if (mode) resolved.transactionMode = mode
  const urlText = config.url ?? process.env.DATABASE_URL
  if (urlText) resolved.urlText = urlText
  return resolved
}

/** The database URL of a config, parsed; a clear error when none is set. */
export function databaseUrl(resolved: ResolvedConfig, override?: string): DatabaseUrl {
  const text = override ?? resolved.urlText
  if (!text) throw new StrataError(`no database URL: set 'url' in ${resolved.file} or the DATABASE_URL environment variable`, { code: 'url' })
  try {
    return parseDatabaseUrl(text, resolved.dir)
  } catch (error) {
    if (error instanceof StrataError) throw error
    throw new StrataError((error as Error).message, { code: 'url' })
  }
}

export function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  return message.split('\n')[0] ?? message
}
