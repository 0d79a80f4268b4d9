import { UsageError } from '../config/errors.js'
import type { TransactionMode } from '../config/define-config.js'
import { type ResolvedConfig, databaseUrl } from '../config/load-config.js'
import type { Dialect } from '../dialects/dialect.js'
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
}


async function scriptDialect(config: ResolvedConfig, options: ScriptOptions): Promise<Dialect> {
  if (options.dialect === undefined) return loadDialect(databaseUrl(config, options.url).dialect)
  const named = dialectForScheme(options.dialect)
  if (!named) throw new UsageError(`unknown --dialect '${options.dialect}': use ${schemeList()}`)
  return loadDialect(named)
}

async function script(config: ConfigInput, options: ScriptOptions, write: (config: ResolvedConfig, dialect: Dialect) => Promise<string>): Promise<string> {
  const resolved = await resolveProject(config)
  return write(resolved, await scriptDialect(resolved, options))
}

function modeOf(options: ScriptOptions): OfflineOptions {
  return options.transactionMode ? { transactionMode: options.transactionMode } : {}
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
