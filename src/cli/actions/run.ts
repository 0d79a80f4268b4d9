import { parseDuration } from '../../config/ddl-lock.js'
import { UsageError } from '../../config/errors.js'
import type { ScriptOptions } from '../../commands/offline.js'
import type { RunOptions } from '../../runtime/runner.js'
import { type GlobalOptions, batchedOut, stdout } from '../output.js'

export function runOptions(options: Record<string, unknown>): RunOptions & { url?: string } {
  const result: RunOptions & { url?: string } = {}
  if (typeof options.transactionMode === 'string') result.transactionMode = options.transactionMode as RunOptions['transactionMode']
  if (options.lockTimeout !== undefined) {
    const seconds = Number(options.lockTimeout)
    if (!Number.isFinite(seconds) || seconds < 0) throw new UsageError(`--lock-timeout must be a number of seconds, got '${String(options.lockTimeout)}'`)
    result.lockTimeoutSeconds = seconds
  }
  if (options.ddlLockTimeout !== undefined) {
    const ms = parseDuration(options.ddlLockTimeout)
    if (ms === undefined) throw new UsageError(`--ddl-lock-timeout must be milliseconds or a duration such as '500ms' or '2s', got '${String(options.ddlLockTimeout)}'`)
    result.ddlLockTimeoutMs = ms
  }
  if (options.ddlLockRetries !== undefined) {
    const retries = Number(options.ddlLockRetries)
    if (!Number.isInteger(retries) || retries < 0) throw new UsageError(`--ddl-lock-retries must be a whole number (0 or more), got '${String(options.ddlLockRetries)}'`)
    result.ddlLockRetries = retries
  }
  if (options.allowChanged) result.allowChanged = true
  if (options.restartStep) result.restartStep = true
  if (options.resumeSkip && options.resumeRedo) throw new UsageError(`--resume-skip and --resume-redo contradict each other: pick the one that matches the database`)
  if (options.resumeSkip) result.resumeChoice = 'skip'
  if (options.resumeRedo) result.resumeChoice = 'redo'
  if (typeof options.url === 'string') result.url = options.url
  return result
}

/** The --dialect, --url and --transaction-mode of an offline (--sql) command. */
export function scriptOptions(options: Record<string, unknown>): ScriptOptions {
  const { transactionMode, ddlLockTimeoutMs } = runOptions(options)
  return {
    ...(typeof options.dialect === 'string' ? { dialect: options.dialect } : {}),
    ...(typeof options.url === 'string' ? { url: options.url } : {}),
    ...(transactionMode ? { transactionMode } : {}),
    ...(ddlLockTimeoutMs !== undefined ? { ddlLockTimeoutMs } : {}),
  }
}

export function actionFor(direction: 'upgrade' | 'downgrade') {
  return async (args: string[], options: Record<string, unknown>, globals: GlobalOptions): Promise<number> => {
    const target = args[0] ?? 'head'
    // The offline script writer, the fleet and the run loop are loaded only by the path that uses them: a plain
    // `upgrade head` with nothing to do should not pay for the other two.
    if (options.sql) {
      const { upgradeSql, downgradeSql } = await import('../../commands/offline.js')
      const write = direction === 'upgrade' ? upgradeSql : downgradeSql
      stdout().write(await write(globals.config, target, scriptOptions(options)))
      return 0
    }
    if (target.includes(':')) throw new UsageError(`a FROM:TO range is only valid with --sql`)
    if (options.all) return (await import('./fleet.js')).fleetAction(globals, target, options)
    const { upgrade, downgrade } = await import('../../commands/run.js')
    const run = direction === 'upgrade' ? upgrade : downgrade
    const progress = batchedOut()
    try {
      await run(globals.config, target, { ...runOptions(options), log: progress.log, flushLog: progress.flush })
    } finally {
      progress.flush()
    }
    return 0
  }
}
