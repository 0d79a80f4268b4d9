/**
 * The one run loop of online and offline runs (docs/design/run-loop.md): steps, transaction boundaries, commit
 * points, the version rows and the history rows. Where SQL goes is the target's business (run-target.ts).
 */
import type { Dialect, TransactionBudget } from '../dialects/dialect.js'
import { LockLostError, StrataError } from '../errors.js'
import { Operations } from '../operations/api.js'
import type { MigrationStep } from '../revisions/index.js'
import { HeadMaintainer } from './head-maintainer.js'
import type { MigrationModule } from './migration-module.js'
import type { LiveTarget, RunTarget } from './run-target.js'
import { interruptedStatementDone, isDataStatement } from './statement-effect.js'
import { type StatementInfo, StatementError, StepSink } from './step-sink.js'
import { type InFlightFailure, StatementPipeline } from './statement-pipeline.js'
import { commitFailure, oneLine } from './step-failure.js'
import type { HistoryRow, VersionStore } from './version-store.js'
import { type LoopOptions, type LoopState, type ResumePoint, StepFailure, StepOutcome, type StepResult, type StepState } from './run-loop-types.js'

/** `Running upgrade a -> b, message`: the step line of online runs and offline scripts. */
export function formatStep(step: MigrationStep): string {
  const rev = step.revision
  const parents = rev.downRevision === null ? [] : Array.isArray(rev.downRevision) ? rev.downRevision : [rev.downRevision]
  return step.direction === 'up'
    ? `Running upgrade ${parents.join(', ')} -> ${rev.revision}, ${rev.message}`
    : `Running downgrade ${rev.revision} -> ${parents.join(', ')}, ${rev.message}`
}

let lastIso = { ms: 0, text: '' }
/** The current time as ISO text; steps finishing within the same millisecond share one Date (5,000 steps: ~10 ms). */
function isoNow(): string {
  const ms = Date.now()
  if (ms !== lastIso.ms) lastIso = { ms, text: new Date(ms).toISOString() }
  return lastIso.text
}

/** Whether a statement's operations (all of them, when compiled together) read and write no existing rows. */
function touchesNoRows(info: StatementInfo): boolean {
  return info.batch ? info.batch.every((operation) => operation.touchesNoRows) : info.operation.touchesNoRows
}

function formatMs(ms: number): string {
  return ms < 1000 ? `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`
}

/** A statement's failure as a StatementError (one the lock retries raised already is one). */
function statementError(info: StatementInfo, error: unknown): StatementError {
  return error instanceof StatementError ? error : new StatementError(info.operation, info.sql, info.number, error, { batchSize: info.batch?.length })
}

/** Statements between two looks at the transaction's lock count (each look is one catalog query). */
const BUDGET_CHECK_EVERY = 200

export class RunLoop {
  private readonly heads: HeadMaintainer
  private committedHeads: string[] | null = null
  /** The version rows as the database holds them after its last commit. */
  private committedRows: string[]
  private readonly pendingHistory: Array<Omit<HistoryRow, 'id'>> = []
  private missing: LoopState['missing']
  private readonly staleRunning: HistoryRow[]
  private budget: TransactionBudget | null = null
  private statementsSinceBudgetCheck = 0
  /** Revisions whose effects the open transaction holds (for a COMMIT failure's message). */
  private uncommitted: string[] = []
  /** Migration statements sent inside a transaction before the earlier ones answered (statement-pipeline.ts). */
  private readonly pipeline = new StatementPipeline()
  private readonly pipelining: boolean
  /** When the last step's work (its statements included) was done: steps in flight overlap. */
  private lastStepDone = 0

  constructor(
    private readonly dialect: Dialect,
    private readonly store: VersionStore,
    private readonly target: RunTarget,
    state: LoopState,
    private readonly options: LoopOptions,
  ) {
    this.heads = new HeadMaintainer(state.heads)
    this.committedRows = [...state.heads]
    this.missing = { ...state.missing }
    this.staleRunning = [...state.staleRunning]
    // Lock retries need each statement's answer before the next (a savepoint each); so do databases whose DDL commits.
    const connection = (target as Partial<LiveTarget>).connection
    this.pipelining = target.live && dialect.transactionalDDL && !options.lockRetry && connection?.queuesStatements === true
  }

  async run(steps: MigrationStep[], modules: MigrationModule[]): Promise<{ steps: StepResult[]; heads: string[] }> {
    const { mode } = this.options
    const live = this.target as Partial<LiveTarget>
    if (this.target.live && mode === 'all' && this.dialect.transactionBudget && live.connection)
      this.budget = await this.dialect.transactionBudget(live.connection)
    // A script creates strata's tables before its first step, as a reader expects (a live run: at its first write).
    if (!this.target.live && (this.missing.version || this.missing.history)) {
      await this.target.begin()
      await this.createTables()
    }
    if (mode === 'none') await this.commitPoint()
    const results: StepResult[] = []
    for (const [index, step] of steps.entries()) {
      const module = modules[index]!
      const resume: ResumePoint = index === 0 ? this.options.resume : { skip: 0, uncertain: false }
      results.push(await this.runStep(step, module, resume))
      if (mode === 'each') await this.commitPoint()
      await this.budgetCommit(step)
    }
    await this.commitPoint()
    return { steps: results, heads: this.heads.heads }
  }

  /** Whether the step's statements commit one by one, each with a progress record. */
  private progressive(module: MigrationModule): boolean {
    const inTransaction = this.options.mode !== 'none' && module.transaction
    return this.target.live && (!this.dialect.transactionalDDL || !inTransaction)
  }

  private async runStep(step: MigrationStep, module: MigrationModule, resume: ResumePoint): Promise<StepResult> {
    const inTransaction = this.options.mode !== 'none' && module.transaction
    const progressive = this.progressive(module)
    if (!this.target.live) this.target.comment(formatStep(step))
    if (!inTransaction || progressive) await this.commitPoint()
    // Most steps find the run's transaction open already: no await for them.
    if (inTransaction && !this.target.inTransaction) await this.target.begin()
    const row = this.historyRow(step, module, resume.skip)
    // `block`: inside an op.autocommit block of a transactional step, which from there records its progress.
    const state: StepState = { historyId: 0, autocommitted: 0, uncertain: false, block: 'none' }
    if (progressive) state.historyId = await this.startRow(row)
    else if (resume.skip > 0 && this.recordsBlocks(inTransaction)) {
      // Resumed after statements an earlier run committed (its op.autocommit block): recorded from the start, so a
      // failure before the block keeps the record of them instead of a row that says none are done.
      state.historyId = await this.startRow(row)
      state.block = 'after'
      await this.target.begin()
    }
    const recorded = () => progressive || state.block !== 'none'
    const sink: StepSink = new StepSink(
      this.dialect,
      this.target.compileContext,
      {
        statement: async (info) => {
          if (progressive) return this.progressStatement(info, state.historyId, resume, state, inTransaction)
          if (state.block === 'inside') return this.progressStatement(info, state.historyId, resume, state, false)
          if (state.block === 'after') return this.awaitedStatement(info)
          await this.plainStatement(info, step, state.autocommitted)
          if (!this.target.inTransaction) state.autocommitted = info.number
        },
        setAutocommit: async (on) => {
          if (progressive) return
          if (!on) {
            if (state.block === 'inside') state.block = 'after'
            return inTransaction ? this.target.begin() : undefined
          }
          if (this.recordsBlocks(inTransaction)) return this.enterAutocommitBlock(row, sink.statementsDone, state)
          await this.commitPoint()
        },
        query: (sql, params) => this.target.query(sql, params),
      },
      resume.skip,
      this.target.replay,
      this.target.explainCompileError,
    )
    const t0 = performance.now()
    try {
      const op = new Operations(sink, this.options.naming)
      const body = step.direction === 'up' ? module.upgrade : module.downgrade
      await body({ op, dialect: this.dialect.name, offline: !this.target.live })
      await op.drain()
      if (sink.holding) await sink.flush()
      this.heads.advance(step.versionChanges)
    } catch (error) {
      if (error instanceof StepFailure) throw error
      // A statement still in flight from this or an earlier step may have failed first: that failure is the one.
      const earlier = await this.pipeline.settle()
      throw earlier ? await this.inFlightFailure(earlier) : await this.failure(step, error, recorded(), sink.statementsDone, state)
    }
    const ms = performance.now() - t0
    const done = { status: 'done' as const, finished_at: isoNow(), duration_ms: this.target.live ? Math.round(ms) : null, statements_done: sink.statementsDone }
    const result: StepResult = new StepOutcome(step.revision.revision, step.direction, ms)
    this.uncommitted.push(step.revision.revision)
    this.statementsSinceBudgetCheck += sink.statementsDone
    if (recorded()) {
      // The step's row and the version rows change together, in one transaction (the step's own, where open).
      await this.target.begin()
      await this.target.execute(this.store.historyUpdate(state.historyId, done))
      await this.commitPoint()
    }
    const history = recorded() ? null : { ...row, ...done }
    if (history) this.pendingHistory.push(history)
    // A script states each step's version change right after it, as Alembic's do (a live run only at commit points).
    if (!this.target.live) {
      if (this.target.inTransaction) await this.writeState()
      else await this.commitPoint()
    }
    if (this.target.live) this.stepDone(step, t0, result, history)
    return result
  }

  /** The step's line and timing: now, or once its statements in flight have answered (never if one fails). */
  private stepDone(step: MigrationStep, t0: number, result: StepResult, history: Pick<HistoryRow, 'finished_at' | 'duration_ms'> | null): void {
    const report = (at: number) => {
      result.ms = at - Math.max(t0, this.lastStepDone)
      this.lastStepDone = at
      if (history) Object.assign(history, { finished_at: isoNow(), duration_ms: Math.round(result.ms) })
      this.options.log(`${formatStep(step)} (${formatMs(result.ms)})`)
    }
    if (this.pipeline.idle) report(performance.now())
    else this.pipeline.whenDone(report)
  }

  private async plainStatement(info: StatementInfo, step: MigrationStep, autocommitted: number): Promise<void> {
    // strata's tables come first, at the run's first write (a run that fails before writing leaves nothing).
    if (this.missing.version || this.missing.history) await this.createTables()
    if (this.pipelining && this.target.inTransaction) {
      await this.pipeline.send({ step, info, autocommitted }, () => this.target.execute(info.sql))
      // Stop running migration code as soon as a failure is known (the step's catch reports the right one).
      if (this.pipeline.failure) throw this.pipeline.failure.error
      return
    }
    try {
      await this.migrationStatement(info)
    } catch (error) {
      throw statementError(info, error)
    }
  }

  /**
   * The start of an op.autocommit block in a transactional step: what the step did so far commits here, with a
   * history row saying how many of its statements that is. From here on the step records its progress (each
   * statement of the block, then the rest of the step in a new transaction), so a run that stops later, here or in
   * a later step, resumes after what was committed instead of running it again.
   */
  private async enterAutocommitBlock(row: Omit<HistoryRow, 'id'>, statementsDone: number, state: StepState): Promise<void> {
    // A resumed run skips what an earlier one committed: the record never goes back below that.
    const done = Math.max(statementsDone, row.statements_done)
    if (state.historyId === 0) state.historyId = await this.startRow({ ...row, statements_done: done })
    else {
      await this.target.execute(this.store.historyUpdate(state.historyId, { statements_done: done }))
      await this.commitPoint()
    }
    state.block = 'inside'
  }

  /** A transactional step on a live database with transactional DDL: its op.autocommit blocks make it recorded. */
  private recordsBlocks(inTransaction: boolean): boolean {
    return this.target.live && inTransaction && this.dialect.transactionalDDL
  }

  /** A statement after a recorded step's autocommit block: in its transaction, its answer awaited (never in flight). */
  private async awaitedStatement(info: StatementInfo): Promise<void> {
    try {
      await this.migrationStatement(info)
    } catch (error) {
      throw statementError(info, error)
    }
  }

  /** Waits for the statements in flight (before anything that reads, writes strata's rows or commits). */
  private async settleInFlight(): Promise<void> {
    if (this.pipeline.idle) return
    const failed = await this.pipeline.settle()
    if (failed) throw await this.inFlightFailure(failed)
  }

  private inFlightFailure(failed: InFlightFailure): Promise<StepFailure> {
    return this.failure(failed.step, statementError(failed.info, failed.error), false, 0, { historyId: 0, autocommitted: failed.autocommitted, uncertain: false })
  }

  /** One statement of a migration: with lock-timeout retries where configured (live runs only). */
  private async migrationStatement(info: StatementInfo): Promise<void> {
    // Before a statement whose time depends on the data: it may be long, and hold this thread all along. Not
    // before each new table: one write per step would cost a long chain of them a tenth of its time.
    if (this.target.blocksThread && !touchesNoRows(info)) this.options.flushLog?.()
    const retry = this.options.lockRetry
    if (retry && this.target.live) await retry.execute(info)
    else await this.target.execute(info.sql)
  }

  /**
   * A statement of a step whose statements commit as they go, with its progress record. Data changes share a
   * transaction with their records: the step's own (MySQL, which commits it implicitly at the next DDL statement:
   * strata commits it explicitly just before), or one each where the migration asked for none. DDL is followed by
   * its record; the first statement after an interrupted attempt is checked against the schema before it runs.
   */
  private async progressStatement(info: StatementInfo, historyId: number, resume: ResumePoint, state: { uncertain: boolean }, grouped: boolean): Promise<void> {
    if (!grouped && info.count > 1 && this.dialect.features.atomicOperations) return this.atomicOperationStatement(info, historyId)
    const data = isDataStatement(info.sql)
    const progress = this.store.historyUpdate(historyId, { statements_done: info.number })
    if (!data && resume.uncertain && info.number === resume.skip + 1 && (await this.alreadyDone(info))) {
      await this.target.execute(progress)
      return
    }
    const live = this.target as LiveTarget
    try {
      if (data) await this.target.begin()
      else {
        // What the step's transaction holds commits here, with its records, not implicitly inside the DDL.
        if (this.target.inTransaction) await this.target.commit()
        await live.verifyLock()
      }
      state.uncertain = !data
      await this.migrationStatement(info)
    } catch (error) {
      await this.target.rollback()
      if (error instanceof LockLostError) throw error
      throw statementError(info, error)
    }
    await this.target.execute(progress)
    state.uncertain = false
    if (data && !grouped) await this.target.commit()
    if (!data && grouped) await this.target.begin()
  }

  /**
   * One statement of an operation compiled to several, where the dialect runs them in a transaction of their own:
   * it opens at the first, the progress record joins the last, and it commits there. A run that stops half-way
   * leaves none of them, and a resume starts at the operation's first statement, compiled from the same table.
   */
  private async atomicOperationStatement(info: StatementInfo, historyId: number): Promise<void> {
    // No effect check on a resume: the record commits with the operation, so it says exactly what is done.
    try {
      if (info.index === 0) {
        await (this.target as LiveTarget).verifyLock()
        await this.target.begin()
      }
      await this.migrationStatement(info)
      if (info.index === info.count - 1) {
        await this.target.execute(this.store.historyUpdate(historyId, { statements_done: info.number }))
        await this.target.commit()
      }
    } catch (error) {
      await this.target.rollback()
      if (error instanceof LockLostError) throw error
      throw statementError(info, error)
    }
  }

  /** Whether an uncertain DDL statement took effect; stops the run where the schema cannot tell. */
  private alreadyDone(info: StatementInfo): Promise<boolean> {
    return interruptedStatementDone(info, this.dialect, (this.target as LiveTarget).connection, this.options)
  }

  /** The step's history row, written and committed before its first statement (resumes start from it). */
  private async startRow(row: Omit<HistoryRow, 'id'>): Promise<number> {
    await this.target.begin()
    await this.writeState()
    await this.target.execute(this.store.historyInsert(row))
    const id = await this.store.lastHistoryId((this.target as LiveTarget).connection)
    await this.commitPoint()
    return id
  }

  private async createTables(): Promise<void> {
    for (const sql of await this.store.createStatements(this.missing)) await this.target.execute(sql)
    this.missing = { version: false, history: false }
  }

  /** strata's tables, stale rows, version rows and pending history rows, inside the open transaction. */
  private async writeState(): Promise<void> {
    if (this.missing.version || this.missing.history) await this.createTables()
    for (const row of this.staleRunning.splice(0))
      await this.target.execute(this.store.historyUpdate(row.id, { status: 'interrupted', error: 'the run stopped before this step finished (killed, or the connection was lost)' }))
    for (const change of this.heads.pending()) {
      const { sql, expectOne } = this.store.changeStatement(change)
      const changed = await this.target.execute(sql)
      if (expectOne && changed !== 1)
        throw new StrataError(`version table: '${sql}' changed ${changed} rows instead of 1; another process may have changed it`, { code: 'version-table' })
    }
    this.heads.markWritten()
    for (const sql of this.store.historyInsertMany(this.pendingHistory.splice(0))) await this.target.execute(sql)
  }

  /**
   * A commit point: the version rows and history rows join the open transaction (one is opened for them when
   * none is), the lock is verified, and it commits.
   */
  private async commitPoint(): Promise<void> {
    await this.settleInFlight()
    const needsWrite = this.missing.version || this.missing.history || this.staleRunning.length > 0 || this.heads.pending().length > 0 || this.pendingHistory.length > 0
    if (!this.target.inTransaction && !needsWrite) return
    if (needsWrite) {
      await this.target.begin()
      await this.writeState()
    }
    try {
      await this.target.commit()
    } catch (error) {
      // A connection lost at COMMIT leaves its outcome unknown: the server may have committed before it went.
      const lost = this.target.live && (await this.target.query('SELECT 1').then(() => false, () => true))
      throw commitFailure(error, lost, this.uncommitted, this.committedHeads)
    }
    this.committedHeads = this.heads.heads
    this.committedRows = this.heads.heads
    this.uncommitted = []
  }

  /** PostgreSQL: commit at a step boundary before one transaction outgrows the server's lock table. */
  private async budgetCommit(step: MigrationStep): Promise<void> {
    if (!this.budget || this.statementsSinceBudgetCheck < BUDGET_CHECK_EVERY || !this.target.inTransaction) return
    this.statementsSinceBudgetCheck = 0
    await this.settleInFlight()
    const held = await this.budget.held((this.target as LiveTarget).connection)
    if (held < this.budget.limit) return
    this.options.log(`Committing after ${step.revision.revision}: ${this.budget.reason}; the run commits in several steps, each one atomic`)
    this.budget = { ...this.budget, reason: 'the lock table is filling again' }
    await this.commitPoint()
  }

  private historyRow(step: MigrationStep, module: MigrationModule, skip: number): Omit<HistoryRow, 'id'> {
    return {
      revision: step.revision.revision,
      direction: step.direction,
      checksum: module.checksum,
      message: step.revision.message.slice(0, 255),
      started_at: isoNow(),
      finished_at: null,
      duration_ms: null,
      status: 'running',
      statements_done: skip,
      error: null,
    }
  }

  private async failure(step: MigrationStep, error: unknown, progressive: boolean, statementsDone: number, state: Pick<StepState, 'historyId' | 'autocommitted' | 'uncertain'>): Promise<StepFailure> {
    await this.target.rollback()
    this.pipeline.clear()
    this.heads.resetTo(this.committedRows)
    this.pendingHistory.length = 0
    let done = 0
    if (progressive && state.historyId !== 0) done = (await this.readStatementsDone(state.historyId)) ?? statementsDone
    else if (progressive) done = Math.min(statementsDone, this.options.resume.skip)
    // A DDL statement whose connection is gone (lost, timed out) may have run; one the database answered with an
    // error did not. The connection itself tells which, whatever the driver's error codes.
    const uncertain = state.uncertain && (await this.target.query('SELECT 1').then(
      () => false,
      () => true,
    ))
    return new StepFailure(step, error, done, progressive, state.autocommitted, this.committedHeads, uncertain, state.historyId)
  }

  private async readStatementsDone(historyId: number): Promise<number | null> {
    const rows = await this.store.readHistory((this.target as LiveTarget).connection).catch(() => null)
    return rows?.find((r) => r.id === historyId)?.statements_done ?? null
  }
}
