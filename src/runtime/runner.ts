import type { TransactionMode } from '../config/define-config.js'
import { type ResolvedConfig, connectOptions } from '../config/load-config.js'
import { overrideDdlLock } from '../config/ddl-lock.js'
import type { Dialect } from '../dialects/dialect.js'
import { LockLostError, StrataError } from '../errors.js'
import { type MigrationStep, type RevisionGraph, applyVersionChanges, planDowngrade, planStamp, planUpgrade } from '../revisions/index.js'
import { LockRetry } from './lock-retry.js'
import { MigrationModules } from './migration-module.js'
import { RunLoop, formatStep } from './run-loop.js'
import { StepFailure } from './run-loop-types.js'
import { RunSession, connect, maskSecret } from './run-session.js'
import { LiveTarget } from './run-target.js'
import { checksumOrNull, describeAftermath, describeStepError, failedStatus, refuseAroundUnfinished, resumePoint, unfinishedRow } from './step-failure.js'
import type { DatabaseUrl } from './url.js'
import { type HistoryRow, VersionStore } from './version-store.js'
import { verifyChecksums } from './verify.js'

export { connect, maskSecret, formatStep, applyVersionChanges }

export interface RunEnvironment {
  config: ResolvedConfig
  url: DatabaseUrl
  dialect: Dialect
  graph: RevisionGraph
  log: (line: string) => void
  /** Writes out the lines `log` holds back (see LoopOptions). */
  flushLog?: () => void
}

export interface RunOptions {
  transactionMode?: TransactionMode
  lockTimeoutSeconds?: number
  /** Run even though an applied file changed since it ran. */
  allowChanged?: boolean
  /** Redo a step that stopped part-way from its first statement instead of resuming after its last done one. */
  restartStep?: boolean
  /** After an interrupted run, what to assume about the statement that was running when it stopped. */
  resumeChoice?: 'skip' | 'redo'
  /** `--ddl-lock-timeout` (ms; 0: off for this run) and `--ddl-lock-retries`, over the config's. */
  ddlLockTimeoutMs?: number
  ddlLockRetries?: number
}

export interface RunResult {
  steps: Array<{ revision: string; direction: 'up' | 'down'; ms: number }>
  heads: string[]
}

/**
 * One locked run: take the lock, read the version rows again, plan, load every file, then hand the steps to the
 * run loop (docs/design/run-loop.md). strata's own tables are created at the first write, so a run that fails
 * before writing anything leaves the database untouched.
 */
export async function runMigrations(env: RunEnvironment, direction: 'up' | 'down', target: string, options: RunOptions = {}): Promise<RunResult> {
  const { dialect, config, url, graph, log } = env
  const store = new VersionStore(dialect, config.versionTable, config.historyTable)
  const session = await RunSession.open(dialect, url, options.lockTimeoutSeconds ?? config.lockTimeoutSeconds, { mode: config.lock, leaseSeconds: config.lockLeaseSeconds, log: env.log }, connectOptions(config))
  const { connection } = session
  const live = new LiveTarget(dialect, connection, session.lock, session.openedTransaction)
  let loader: MigrationModules | undefined
  try {
    const lockRetry = await boundLockWaits(env, live, options)
    // Read the state only now that the lock is held: another process may just have moved it.
    const versions = await store.readVersions(connection)
    const history = await store.readHistory(connection)
    const heads = versions ?? []
    const steps = direction === 'up' ? planUpgrade(graph, heads, target) : planDowngrade(graph, heads, target)
    await acceptChangedFiles(env, store, live, heads, history, options)
    refuseAroundUnfinished(history, steps[0])
    if (steps.length === 0) {
      log(direction === 'up' ? `Already at ${target === 'heads' || target === 'head' ? 'head' : target}: nothing to upgrade` : 'Already there: nothing to downgrade')
      return { steps: [], heads }
    }
    // Every module the plan needs, loaded before anything is written: a broken file stops the run untouched.
    loader = new MigrationModules(steps.map((step) => step.revision))
    const modules = await loader.all()
    const resume = resumePoint(history, steps[0]!, modules[0]!.checksum, options.restartStep === true)
    if (resume.message) log(resume.message)
    const mode: TransactionMode = options.transactionMode ?? config.transactionMode ?? (dialect.transactionalDDL ? 'all' : 'each')
    const loop = new RunLoop(
      dialect,
      store,
      live,
      { heads, missing: { version: versions === null, history: history === null }, staleRunning: (history ?? []).filter((row) => row.status === 'running') },
      { mode, naming: config.naming, resume, resumeChoice: options.resumeChoice, lockRetry, log, flushLog: env.flushLog },
    )
    try {
      return await loop.run(steps, modules)
    } catch (error) {
      if (!(error instanceof StepFailure)) throw error
      throw await reportFailure(env, store, live, error)
    }
  } finally {
    await live.rollback()
    await session.close()
    // After the run: the compiled-revision cache then also holds the functions that ran.
    loader?.close()
  }
}

/**
 * The DDL lock timeout of the run, when configured and the database has one: set for the session (before any
 * migration statement), and the retries the run loop uses. SQLite has none (its busy timeout is another thing).
 */
async function boundLockWaits(env: RunEnvironment, live: LiveTarget, options: RunOptions): Promise<LockRetry | undefined> {
  const policy = overrideDdlLock(env.config.ddlLock, { timeoutMs: options.ddlLockTimeoutMs, retries: options.ddlLockRetries })
  const bound = env.dialect.lockWaitBound
  if (!policy || !bound) return undefined
  const retry = new LockRetry(bound, policy, live, env.log)
  for (const sql of retry.sessionSql()) await live.execute(sql)
  return retry
}

/** Applied files edited since they ran stop both directions, unless accepted with --allow-changed (recorded). */
async function acceptChangedFiles(env: RunEnvironment, store: VersionStore, live: LiveTarget, heads: string[], history: Awaited<ReturnType<VersionStore['readHistory']>>, options: RunOptions) {
  const changed = history ? verifyChecksums(env.graph, heads, history) : []
  if (changed.length === 0) return
  if (!options.allowChanged)
    throw new StrataError(
      `${changed.map((c) => `${c.path} (${c.revision})`).join(', ')} changed after it was applied; review the change, then rerun with --allow-changed ('strata verify' lists every changed file)`,
      { code: 'changed-file' },
    )
  // Record that the new content was accepted, so that verify and later runs compare against it.
  await live.begin()
  for (const c of changed) {
    env.log(`Accepting the changed file of ${c.revision} (--allow-changed): ${c.path}`)
    const now = new Date().toISOString()
    await live.execute(
      store.historyInsert({ revision: c.revision, direction: 'up', checksum: c.now, message: 'changed file accepted with --allow-changed', started_at: now, finished_at: now, duration_ms: null, status: 'accepted', statements_done: 0, error: null }),
    )
  }
  await live.commit()
}

/** The one-line message of a failed step, recorded in the history too (unless the lock was lost: then nothing is written). */
async function reportFailure(env: RunEnvironment, store: VersionStore, live: LiveTarget, failure: StepFailure): Promise<StrataError> {
  const { step } = failure
  if (failure.cause instanceof LockLostError) return failure.cause
  let message = describeStepError(step, failure.cause, env.url)
  message += `; ${describeAftermath(failure)}`
  await recordFailure(store, live, step, failure.historyId, failure.statementsDone, message, failedStatus(failure)).catch(() => undefined)
  const code = failure.cause instanceof StrataError && failure.cause.code !== 'error' && failure.cause.code !== 'database' ? failure.cause.code : 'step-failed'
  return new StrataError(message, { code, cause: failure.cause })
}

/** Writes the failure into the history: the step's own row when it has one, else a new row (if the table exists). */
async function recordFailure(store: VersionStore, live: LiveTarget, step: MigrationStep, historyId: number, done: number, message: string, status: 'failed' | 'interrupted') {
  const now = new Date().toISOString()
  if (historyId !== 0) {
    await live.execute(store.historyUpdate(historyId, { status, statements_done: done, finished_at: now, error: message.slice(0, 2000) }))
    return
  }
  await live.execute(
    store.historyInsert({
      revision: step.revision.revision,
      direction: step.direction,
      checksum: checksumOrNull(step.revision.path),
      message: step.revision.message.slice(0, 255),
      started_at: now,
      finished_at: now,
      duration_ms: null,
      status,
      statements_done: done,
      error: message.slice(0, 2000),
    }),
  )
}

/**
 * Stamping after a step was left part-way says the user settled it by hand: an 'accepted' row closes it, so that
 * runs no longer resume or refuse over it (`history --applied` keeps both rows).
 */
async function settleUnfinished(store: VersionStore, live: LiveTarget, history: HistoryRow[] | null): Promise<void> {
  const row = unfinishedRow(history)
  if (!row) return
  const now = new Date().toISOString()
  const message = `settled by 'strata stamp' after the step stopped at statement ${row.statements_done + 1}`
  await live.execute(
    store.historyInsert({ revision: row.revision, direction: row.direction, checksum: null, message, started_at: now, finished_at: now, duration_ms: null, status: 'accepted', statements_done: row.statements_done, error: null }),
  )
}

/** Sets the version rows to `targets` without running migrations (under the lock, in one transaction). */
export async function stampVersions(env: RunEnvironment, targets: string[], purge: boolean, options: RunOptions = {}): Promise<string[]> {
  const { dialect, config, url, graph } = env
  const store = new VersionStore(dialect, config.versionTable, config.historyTable)
  const session = await RunSession.open(dialect, url, options.lockTimeoutSeconds ?? config.lockTimeoutSeconds, { mode: config.lock, leaseSeconds: config.lockLeaseSeconds, log: env.log }, connectOptions(config))
  const live = new LiveTarget(dialect, session.connection, session.lock, session.openedTransaction)
  try {
    const versions = await store.readVersions(session.connection)
    const history = await store.readHistory(session.connection)
    const current = purge ? [] : (versions ?? [])
    const changes = planStamp(graph, current, targets, purge)
    await live.begin()
    for (const statement of await store.createStatements({ version: versions === null, history: history === null })) await live.execute(statement)
    if (purge && versions && versions.length > 0) await live.execute(`DELETE FROM ${dialect.quoteIdentifier(config.versionTable)}`)
    for (const change of changes) await store.applyChange(session.connection, change)
    await settleUnfinished(store, live, history)
    await live.commit()
    return applyVersionChanges(current, changes)
  } finally {
    await live.rollback()
    await session.close()
  }
}
