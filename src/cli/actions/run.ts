import { UsageError } from '../../config/errors.js'
import { type ResolvedConfig, databaseUrl } from '../../config/load-config.js'
import { downgrade, upgrade } from '../../commands/run.js'
import { loadGraph, resolveProject } from '../../commands/project.js'
import type { DialectName } from '../../dialects/dialect.js'
import { loadDialect } from '../../runtime/dialects.js'
import { offlineScript } from '../../runtime/offline.js'
import type { RunOptions } from '../../runtime/runner.js'
import { type GlobalOptions, batchedOut } from '../output.js'

const DIALECT_NAMES: Record<string, DialectName> = { sqlite: 'sqlite', postgresql: 'postgres', postgres: 'postgres', mysql: 'mysql', mariadb: 'mysql' }

export function runOptions(options: Record<string, unknown>): RunOptions & { url?: string } {
  const result: RunOptions & { url?: string } = {}
  if (typeof options.transactionMode === 'string') result.transactionMode = options.transactionMode as RunOptions['transactionMode']
  if (options.lockTimeout !== undefined) {
    const seconds = Number(options.lockTimeout)
    if (!Number.isFinite(seconds) || seconds < 0) throw new UsageError(`--lock-timeout must be a number of seconds, got '${String(options.lockTimeout)}'`)
    result.lockTimeoutSeconds = seconds
  }
  if (options.allowChanged) result.allowChanged = true
  if (options.restartStep) result.restartStep = true
  if (options.resumeSkip && options.resumeRedo) throw new UsageError(`--resume-skip and --resume-redo contradict each other: pick the one that matches the database`)
  if (options.resumeSkip) result.resumeChoice = 'skip'
  if (options.resumeRedo) result.resumeChoice = 'redo'
  if (typeof options.url === 'string') result.url = options.url
  return result
}

/** The dialect an offline script is written for: --dialect, else the URL's (which is parsed, never connected to). */
export function dialectForScript(config: ResolvedConfig, options: Record<string, unknown>): DialectName {
  if (typeof options.dialect === 'string') {
    const named = DIALECT_NAMES[options.dialect.toLowerCase()]
    if (!named) throw new UsageError(`unknown --dialect '${options.dialect}': use sqlite, postgresql or mysql`)
    return named
  }
  return databaseUrl(config, typeof options.url === 'string' ? options.url : undefined).dialect
}

export function actionFor(direction: 'upgrade' | 'downgrade') {
  return async (args: string[], options: Record<string, unknown>, globals: GlobalOptions): Promise<number> => {
    const target = args[0] ?? 'head'
    if (options.sql) {
      const config = await resolveProject(globals.config)
      const dialect = await loadDialect(dialectForScript(config, options))
      const { transactionMode } = runOptions(options)
      const script = await offlineScript(config, dialect, loadGraph(config), direction === 'upgrade' ? 'up' : 'down', target, transactionMode ? { transactionMode } : {})
      process.stdout.write(script)
      return 0
    }
    if (target.includes(':')) throw new UsageError(`a FROM:TO range is only valid with --sql`)
    const run = direction === 'upgrade' ? upgrade : downgrade
    const progress = batchedOut()
    try {
      await run(globals.config, target, { ...runOptions(options), log: progress.log })
    } finally {
      progress.flush()
    }
    return 0
  }
}
