/**
 * What the run loop (run-loop.ts) takes and gives: its options and state, where a run resumes, a step's result and
 * a step's failure.
 */
import type { TransactionMode } from '../config/define-config.js'
import type { MigrationStep } from '../revisions/index.js'
import type { NamingConvention } from '../schema/naming.js'
import type { LockRetry } from './lock-retry.js'
import type { HistoryRow } from './version-store.js'

export interface ResumePoint {
  /** Statements of the first step known to be done. */
  skip: number
  /** The first step stopped without a record of how its next statement ended (the process died). */
  uncertain: boolean
  message?: string
}

/** What one step's run keeps while it goes. */
export interface StepState {
  /** Its strata_history row, once written (0 before). */
  historyId: number
  /** Statements committed by an op.autocommit block of a step whose progress is not recorded (offline scripts). */
  autocommitted: number
  /** A DDL statement was running outside a transaction: if the connection is lost, it may have taken effect. */
  uncertain: boolean
  /** Where the step is relative to its op.autocommit blocks, for a transactional step that records its progress. */
  block: 'none' | 'inside' | 'after'
}

export interface LoopState {
  heads: string[]
  /** strata's tables that do not exist yet (created at the first write). */
  missing: { version: boolean; history: boolean }
  /** 'running' rows of runs that died, marked 'interrupted' at the first write. */
  staleRunning: HistoryRow[]
}

export interface LoopOptions {
  mode: TransactionMode
  naming: NamingConvention | undefined
  resume: ResumePoint
  /** What to assume about an uncertain statement whose effect cannot be read from the schema. */
  resumeChoice?: 'skip' | 'redo' | undefined
  /** Live runs with a DDL lock timeout: migration statements are bounded and retried (lock-retry.ts). */
  lockRetry?: LockRetry | undefined
  log: (line: string) => void
  /**
   * Writes out the lines `log` holds back, if it batches them. Called on a connection that blocks this thread,
   * before each migration statement that may take long: a finished step's line must be out before a long statement
   * starts, and no timer can write it while the statement runs.
   */
  flushLog?: (() => void) | undefined
}

export interface StepResult {
  revision: string
  direction: 'up' | 'down'
  ms: number
}

/**
 * A StepResult made by a constructor, not an object literal. Every step's result lives until the run ends, so V8
 * soon decides to allocate a literal's objects in the old generation, and that decision deoptimizes `runStep`
 * mid-run (Node 20: TurboFan then compiles it again). A constructor call has no such allocation site.
 */
export class StepOutcome implements StepResult {
  constructor(
    readonly revision: string,
    readonly direction: 'up' | 'down',
    public ms: number,
  ) {}
}

/** A step that failed, with what the loop knows of its effects (for the message and the failure record). */
export class StepFailure extends Error {
  constructor(
    readonly step: MigrationStep,
    override readonly cause: unknown,
    /** Statements of the step whose effect is committed. */
    readonly statementsDone: number,
    /** True when the step's statements committed one by one (else its transaction was rolled back). */
    readonly progressive: boolean,
    /** Statements committed by an op.autocommit block inside a transactional step. */
    readonly autocommitted: number,
    /** The version rows as committed. null: nothing was committed in this run. */
    readonly committedHeads: string[] | null,
    /** The failing statement may have taken effect (the connection was lost while it ran). */
    readonly uncertain: boolean,
    readonly historyId: number,
  ) {
    super((cause as Error)?.message ?? String(cause))
  }
}
