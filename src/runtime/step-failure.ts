/**
 * What a failed step tells the user (revision, operation, statement, the database's words, and the state it left),
 * and where the next run resumes a step that stopped part-way.
 */
import { stackLocation } from '../config/errors.js'
import { LockLostError, StrataError } from '../errors.js'
import type { MigrationStep } from '../revisions/index.js'
import type { ResumePoint, StepFailure } from './run-loop-types.js'
import { StatementError } from './step-sink.js'
import { fileChecksum } from './migration-module.js'
import type { DatabaseUrl } from './url.js'
import { maskSecret } from './run-session.js'
import { type HistoryRow, leftPartWay } from './version-store.js'

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
    const others = error.batchSize - 1
    const together = others > 0 ? ` and ${others} more operation${others === 1 ? '' : 's'} compiled with it` : ''
    const what = error.operation ? `${error.operation.kind} (${error.operation.describe()})${together}` : 'a statement'
    // The statement is masked too: it is printed and stored in the history table, and may spell the URL's password.
    const statement = maskSecret(oneLine(error.statement ?? ''), url)
    return `${verb} ${rev} failed in ${what} at statement ${error.statementIndex}: ${statement}: ${dbMessage}`
  }
  if (error instanceof StrataError) return `${verb} ${rev} failed: ${maskSecret(error.message, url)}`
  const message = maskSecret((error as Error)?.message ?? String(error), url).split('\n')[0]
  const where = stackLocation(error, step.revision.path) ?? step.revision.path
  return `${verb} ${rev} (${where}) failed: ${message}`
}

/** The run stopped because strata could not tell whether an interrupted statement took effect (nothing ran). */
export function undecided(failure: StepFailure): boolean {
  return failure.cause instanceof StrataError && failure.cause.code === 'uncertain-statement'
}

/**
 * The status a failed step's row keeps: 'interrupted' while whether its next statement took effect is unknown
 * (the connection was lost while it ran, or a rerun could not tell), so that the next run checks it again rather
 * than resume as after a plain failure and run it a second time.
 */
export function failedStatus(failure: StepFailure): 'failed' | 'interrupted' {
  return failure.progressive && (failure.uncertain || undecided(failure)) ? 'interrupted' : 'failed'
}

/** What the database holds after the failure, and what to do next; every claim comes from what the loop recorded. */
export function describeAftermath(failure: StepFailure): string {
  const { step } = failure
  const verb = step.direction === 'up' ? 'upgrade' : 'downgrade'
  if (!failure.progressive) {
    const at = failure.committedHeads === null ? 'as it was before this run' : `at its last commit (${failure.committedHeads.join(', ') || 'base'})`
    const kept =
      failure.autocommitted > 0
        ? `, except the first ${failure.autocommitted} statement(s) of this step, committed by its op.autocommit block: undo them by hand before rerunning`
        : ''
    return `rolled back; the database is ${at}${kept}`
  }
  const n = failure.statementsDone
  const held = n === 0 ? 'none of its statements took effect before it' : `the database holds the effect of its first ${n} statement(s)`
  // The refusal itself says what to check and which flag to rerun with.
  if (undecided(failure)) return `${held}; the record stays 'interrupted', so every rerun asks again until one of those flags is given`
  const next = failure.uncertain
    ? `statement ${n + 1} was running when the connection was lost and may have taken effect: the next 'strata ${verb}' checks the schema before resuming`
    : `statement ${n + 1} did not take effect`
  return `${held}; ${next}; fix the cause and rerun 'strata ${verb}' to resume at statement ${n + 1} (or undo them by hand and rerun with --restart-step)`
}

/** The last history row, when it is a step left part-way with its statements kept (failed after some, or died). */
export function unfinishedRow(history: HistoryRow[] | null): HistoryRow | undefined {
  const last = history?.at(-1)
  return last && leftPartWay(last) ? last : undefined
}

/**
 * A run that would not start with the step the last run left part-way: refused, whatever it plans (nothing at all
 * included: "already at head" over a half-done downgrade would hide a broken schema behind exit 0).
 */
export function refuseAroundUnfinished(history: HistoryRow[] | null, first: MigrationStep | undefined): void {
  const row = unfinishedRow(history)
  if (!row || (first && row.revision === first.revision.revision && row.direction === first.direction)) return
  const verb = row.direction === 'up' ? 'upgrade' : 'downgrade'
  const how = row.status === 'failed' ? 'failed' : 'stopped'
  throw new StrataError(
    `${verb} ${row.revision} ${how} after ${row.statements_done} statement(s) last time and the database holds their effect, but this run would ${first ? `start with ${first.direction === 'up' ? 'upgrade' : 'downgrade'} ${first.revision.revision}` : 'do nothing'}: finish that step first ('strata ${verb} ${row.direction === 'up' ? '+1' : '-1'}' resumes it), or undo its statements by hand and settle it with 'strata stamp <revision the database is at>'`,
    { code: 'unfinished-step' },
  )
}

/**
 * Where the first step starts. The last recorded row of a step that stopped part-way (failed or interrupted,
 * outside a transaction, so its statements stayed) lets the run resume after them when the file is unchanged. A
 * row still 'running' (or marked 'interrupted') means the process died: the statement after the recorded ones
 * may or may not have run, and the loop checks it.
 */
export function resumePoint(history: HistoryRow[] | null, first: MigrationStep, checksum: string, restartStep: boolean): ResumePoint {
  if (!history || history.length === 0) return { skip: 0, uncertain: false }
  const last = history[history.length - 1]!
  if (last.status === 'done' || last.status === 'accepted' || last.revision !== first.revision.revision || last.direction !== first.direction) return { skip: 0, uncertain: false }
  const done = last.statements_done
  const died = last.status === 'running' || last.status === 'interrupted'
  const how = last.status === 'failed' ? 'failed' : 'stopped'
  if (restartStep) return { skip: 0, uncertain: false, message: `Revision ${last.revision} ${how} after ${done} statement(s) last time; restarting it from its first statement (--restart-step)` }
  if (done === 0 && !died) return { skip: 0, uncertain: false }
  if (checksum !== last.checksum)
    throw new StrataError(
      `revision ${last.revision} ${how} after ${done} statement(s) last time and its file ${first.revision.path} has changed since, so strata cannot tell which statements are done; the database holds their effect: undo it by hand and rerun with --restart-step, or restore the file to resume`,
      { code: 'changed-file' },
    )
  return { skip: done, uncertain: died, message: `Revision ${last.revision} ${how} after ${done} statement(s) last time; resuming at statement ${done + 1}` }
}
/** The failed-row checksum when the module could not even be loaded. */
export function checksumOrNull(path: string): string | null {
  try {
    return fileChecksum(path)
  } catch {
    return null
  }
}

/** The error for a failed COMMIT: what was rolled back and where the database is, or that the outcome is unknown. */
export function commitFailure(error: unknown, connectionLost: boolean, uncommitted: string[], committedHeads: string[] | null): StrataError {
  if (error instanceof LockLostError) return error
  const effects = uncommitted.length === 1 ? uncommitted[0] : `${uncommitted[0]}..${uncommitted.at(-1)} (${uncommitted.length} revisions)`
  const reason = ((error as Error)?.message ?? String(error)).split('\n')[0]
  if (connectionLost) {
    const what = uncommitted.length > 0 ? `whether the effects of ${effects} committed` : 'whether it committed'
    return new StrataError(`COMMIT failed: ${reason}; the connection was lost, so ${what} is unknown: 'strata current' and 'strata history --applied' tell, and a rerun goes on from there`, { code: 'commit', cause: error })
  }
  const revisions = uncommitted.length > 0 ? `the effects of ${effects} were rolled back` : 'nothing was committed'
  const at = committedHeads === null ? 'as it was before this run' : `at ${committedHeads.join(', ') || 'base'}`
  return new StrataError(`COMMIT failed: ${reason}; ${revisions}; the database is ${at}`, { code: 'commit', cause: error })
}
