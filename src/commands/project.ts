import { StrataError } from '../config/errors.js'
import { type ResolvedConfig, databaseUrl, loadConfig } from '../config/load-config.js'
import type { Dialect } from '../dialects/dialect.js'
import { type LoadRevisionsOptions, type RevisionGraph, loadRevisionGraph } from '../revisions/index.js'
import { loadDialect } from '../runtime/dialects.js'
import type { RunEnvironment } from '../runtime/runner.js'
import type { DatabaseUrl } from '../runtime/url.js'

/** A config path, or a config already loaded with `loadConfig()`. */
export type ConfigInput = string | ResolvedConfig | undefined

export interface ProjectOptions {
  /** Override the config's URL (and DATABASE_URL). */
  url?: string
  /** Where each line of output goes (default: nowhere). */
  log?: (line: string) => void
  /** Writes out the lines `log` holds back, if it batches them (before a statement that blocks this thread). */
  flushLog?: () => void
}

export async function resolveProject(input: ConfigInput): Promise<ResolvedConfig> {
  if (input && typeof input === 'object') return input
  return loadConfig(input ? { configPath: input } : {})
}

export function loadGraph(config: ResolvedConfig, options: LoadRevisionsOptions = {}): RevisionGraph {
  try {
    return loadRevisionGraph(config.versionsDir, options)
  } catch (error) {
    if (error instanceof StrataError) throw error
    throw new StrataError((error as Error).message, { code: 'graph' })
  }
}

export async function databaseOf(config: ResolvedConfig, options: ProjectOptions = {}): Promise<{ url: DatabaseUrl; dialect: Dialect }> {
  const url = databaseUrl(config, options.url)
  return { url, dialect: await loadDialect(url.dialect) }
}

export async function runEnvironment(config: ResolvedConfig, options: ProjectOptions = {}): Promise<RunEnvironment> {
  // A run hashes and compiles the files it reads for the graph: keep their bytes rather than read them twice.
  const graph = loadGraph(config, { keepBytes: true })
  const { url, dialect } = await databaseOf(config, options)
  return { config, url, dialect, graph, log: options.log ?? (() => undefined), ...(options.flushLog ? { flushLog: options.flushLog } : {}) }
}
