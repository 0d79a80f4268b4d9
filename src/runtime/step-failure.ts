/**
 * What a failed step tells the user (revision, operation, statement, the database's words, and the state it left),
 * and where the next run resumes a step that stopped part-way.
 */
import { StrataError, stackLocation } from '../config/errors.js'
import type { MigrationStep } from '../revisions/index.js'
import { StatementError } from './database-sink.js'
import { fileChecksum } from './migration-module.js'
import type { DatabaseUrl } from './url.js'
import { maskSecret } from './run-session.js'
import type { HistoryRow } from './version-store.js'

export function oneLine(sql: string, max = 300): string {
  const flat = sql.replace(/\s+/g, ' ').trim()
  return flat.length > max ? `${flat.slice(0, max - 3)}...` : flat
}

/** The first line of the error: what failed, where, and the database's message. */
export function describeStepError(step: MigrationStep, error: unknown, url: DatabaseUrl): string {
  const rev = step.revision.revision
  const verb = step.direction === 'up' ? 'upgrade' : 'downgrade'
  if (error instanceof StatementError) {
    const dbMessage = maskSecret(error.message.split('\n')[0] ?? '', url)
    const what = error.operation ? `${error.operation.kind} (${error.operation.describe()})` : 'a statement'
    return `${verb} ${rev} failed in ${what} at statement ${error.statementIndex}: ${oneLine(error.statement)}: ${dbMessage}`
  }
  if (error instanceof StrataError) return `${verb} ${rev} failed: ${maskSecret(error.message, url)}`
  const message = maskSecret((error as Error)?.message ?? String(error), url).split('\n')[0]
  const where = stackLocation(error, step.revision.path) ?? step.revision.path
  return `${verb} ${rev} (${where}) failed: ${message}`
}

/** What the database holds after the failure, and what to do next. */
export function describeAftermath(options: {
  transactional: boolean
  committedHeads: string[] | null
  statementsDone: number
  /** Statements of the failed step committed by an op.autocommit block (they stay). */
  autocommitted: number
  step: MigrationStep
}): string {
  if (options.transactional) {
    const at = options.committedHeads === null ? 'as it was before this run' : `at its last commit (${options.committedHeads.join(', ') || 'base'})`
    const kept =
      options.autocommitted > 0
        ? `, except the first ${options.autocommitted} statement(s) of this step, committed by its op.autocommit block: undo them by hand before rerunning`
        : ''
    return `rolled back; the database is ${at}${kept}`
  }
  if (options.statementsDone === 0) return 'none of its statements took effect'
  const n = options.statementsDone
  return `the database holds the effect of its first ${n} statement(s): fix the cause and rerun 'strata ${options.step.direction === 'up' ? 'upgrade' : 'downgrade'}' to resume at statement ${n + 1} (or undo them by hand and rerun with --restart-step)`
}

export interface ResumePoint {
  /** Statements of the first step to skip. */
  skip: number
  message?: string
}

/**
 * Where the first step starts. The last recorded row of a step that stopped part-way (failed or interrupted,
 * outside a transaction, so its statements stayed) lets the run resume after them when the file is unchanged.
 */
export function resumePoint(history: HistoryRow[] | null, first: MigrationStep, checksum: string, restartStep: boolean): ResumePoint {
  if (!history || history.length === 0) return { skip: 0 }
  const last = history[history.length - 1]!
  if (last.status === 'done' || last.revision !== first.revision.revision || last.direction !== first.direction) return { skip: 0 }
  const done = last.statements_done
  if (done === 0) return { skip: 0 }
  const how = last.status === 'failed' ? 'failed' : 'stopped'
  if (restartStep) return { skip: 0, message: `Revision ${last.revision} ${how} after ${done} statement(s) last time; restarting it from its first statement (--restart-step)` }
  if (checksum !== last.checksum)
    throw new StrataError(
      `revision ${last.revision} ${how} after ${done} statement(s) last time and its file ${first.revision.path} has changed since, so strata cannot tell which statements are done; the database holds their effect: undo it by hand and rerun with --restart-step, or restore the file to resume`,
    )
  return { skip: done, message: `Revision ${last.revision} ${how} after ${done} statement(s) last time; resuming at statement ${done + 1}` }
}

/** The failed-row checksum when the module could not even be loaded. */
export function checksumOrNull(path: string): string | null {
  try {
    return fileChecksum(path)
  } catch {
    return null
  }
}
