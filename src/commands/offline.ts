import { UsageError } from '../config/errors.js'
import type { TransactionMode } from '../config/define-config.js'
import { type ResolvedConfig, databaseUrl } from '../config/load-config.js'
import type { Dialect, DialectName } from '../dialects/dialect.js'
import { dialectForScheme, schemeList } from '../dialects/registry.js'
import { loadDialect } from '../runtime/dialects.js'
import { type OfflineOptions, offlineScript, offlineStampScript } from '../runtime/offline.js'
import { type ConfigInput, loadGraph, resolveProject } from './project.js'

export interface ScriptOptions {
  /** The script's dialect (`sqlite`, `postgresql`, `mysql`…); default: the URL's, which is parsed, never connected to. */
  dialect?: string
  /** Override the config's URL (and DATABASE_URL). */
  url?: string
  /** Override the config's transaction mode (upgrade and downgrade scripts). */
  transactionMode?: TransactionMode
  /** `--ddl-lock-timeout` over the config's `ddlLockTimeout` (ms; 0: none in this script). */
  ddlLockTimeoutMs?: number
}


/** The dialect a `--dialect` word names (`sqlite`, `postgres`, `mariadb`…); a usage error for an unknown one. */
export function dialectNamed(word: string): DialectName {
  const named = dialectForScheme(word)
  if (!named) throw new UsageError(`unknown --dialect '${word}': use ${schemeList()}`)
  return named
}

async function scriptDialect(config: ResolvedConfig, options: ScriptOptions): Promise<Dialect> {
  return loadDialect(options.dialect === undefined ? databaseUrl(config, options.url).dialect : dialectNamed(options.dialect))
}

async function script(config: ConfigInput, options: ScriptOptions, write: (config: ResolvedConfig, dialect: Dialect) => Promise<string>): Promise<string> {
  const resolved = await resolveProject(config)
  return write(resolved, await scriptDialect(resolved, options))
}

function modeOf(options: ScriptOptions): OfflineOptions {
  return {
    ...(options.transactionMode ? { transactionMode: options.transactionMode } : {}),
    ...(options.ddlLockTimeoutMs !== undefined ? { ddlLockTimeoutMs: options.ddlLockTimeoutMs } : {}),
  }
}

/** `strata upgrade RANGE --sql`: the SQL script for `FROM:TO` (or `TO`, from an empty database), without connecting. */
export function upgradeSql(config: ConfigInput, range = 'head', options: ScriptOptions = {}): Promise<string> {
  return script(config, options, (resolved, dialect) => offlineScript(resolved, dialect, loadGraph(resolved), 'up', range, modeOf(options)))
}

/** `strata downgrade FROM:TO --sql`: the SQL script of a downgrade, without connecting. */
export function downgradeSql(config: ConfigInput, range: string, options: ScriptOptions = {}): Promise<string> {
  return script(config, options, (resolved, dialect) => offlineScript(resolved, dialect, loadGraph(resolved), 'down', range, modeOf(options)))
}

/** `strata stamp REVS --sql`: the version-table statements, without connecting. */
export function stampSql(config: ConfigInput, targets: string[], options: ScriptOptions & { purge?: boolean } = {}): Promise<string> {
  return script(config, options, (resolved, dialect) => offlineStampScript(resolved, dialect, loadGraph(resolved), targets, options.purge ?? false))
}
