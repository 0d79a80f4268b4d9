import { StrataError } from '../config/errors.js'
import type { TransactionMode } from '../config/define-config.js'
import type { ResolvedConfig } from '../config/load-config.js'
import type { Dialect } from '../dialects/dialect.js'
import { Operations } from '../operations/api.js'
import { type MigrationStep, type RevisionGraph, type VersionChange, planDowngrade, planStamp, planUpgrade } from '../revisions/index.js'
import { DatabaseSink } from './database-sink.js'
import { MigrationModules } from './migration-module.js'
import { RunSession, connect, maskSecret } from './run-session.js'
import { checksumOrNull, describeAftermath, describeStepError, resumePoint } from './step-failure.js'
import type { DatabaseUrl } from './url.js'
import { type HistoryRow, VersionStore } from './version-store.js'
import { verifyChecksums } from './verify.js'

export { connect, maskSecret }

export interface RunEnvironment {
  config: ResolvedConfig
  url: DatabaseUrl
  dialect: Dialect
  graph: RevisionGraph
  log: (line: string) => void
}

export interface RunOptions {
  transactionMode?: TransactionMode
  lockTimeoutSeconds?: number
  /** Run even though an applied file changed since it ran. */
  allowChanged?: boolean
  /** Redo a step that stopped part-way from its first statement instead of resuming after its last done one. */
  restartStep?: boolean
}

export interface RunResult {
  steps: Array<{ revision: string; direction: 'up' | 'down'; ms: number }>
  heads: string[]
}

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

function formatMs(ms: number): string {
  return ms < 1000 ? `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`
}

/**
 * One locked run: take the lock, read the version rows again, plan, load every file, then run the steps with the
 * chosen transaction mode. Version and history rows are written at each commit point: after every step outside a
 * single-transaction run, once at the end of one (where intermediate states are invisible anyway, and a
 * 5,000-step run saves 10,000 statements). Where a step's statements commit one by one (MySQL DDL, or a step
 * outside any transaction) its history row is written as it goes, so a failure or a kill leaves an exact record
 * to resume from. strata's own tables are created at the first write, so a run that fails before writing
 * anything leaves the database untouched.
 */
export async function runMigrations(env: RunEnvironment, direction: 'up' | 'down', target: string, options: RunOptions = {}): Promise<RunResult> {
  const { dialect, config, url, graph, log } = env
  const store = new VersionStore(dialect, config.versionTable, config.historyTable)
  const session = await RunSession.open(dialect, url, options.lockTimeoutSeconds ?? config.lockTimeoutSeconds, { mode: config.lock, leaseSeconds: config.lockLeaseSeconds, log: env.log })
  const { connection } = session
  let loader: MigrationModules | undefined
  try {
    // Read the state only now that the lock is held: another process may just have moved it.
    const versions = await store.readVersions(connection)
    const history = await store.readHistory(connection)
    const heads = versions ?? []
    const steps = direction === 'up' ? planUpgrade(graph, heads, target) : planDowngrade(graph, heads, target)

    const changed = direction === 'up' && history ? verifyChecksums(graph, heads, history) : []
    if (changed.length > 0 && !options.allowChanged)
      throw new StrataError(
        `${changed.map((c) => `${c.path} (${c.revision})`).join(', ')} changed after it was applied; review the change, then rerun with --allow-changed ('strata verify' lists every changed file)`,
      )
    if (changed.length > 0) {
      // Record that the new content was accepted, so that verify and later runs compare against it.
      await session.begin()
      for (const c of changed) {
        log(`Accepting the changed file of ${c.revision} (--allow-changed): ${c.path}`)
        const now = new Date().toISOString()
        await connection.execute(
          store.historyInsert({ revision: c.revision, direction: 'up', checksum: c.now, message: 'changed file accepted with --allow-changed', started_at: now, finished_at: now, duration_ms: null, status: 'accepted', statements_done: 0, error: null }),
        )
      }
      await session.commit()
    }
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

    // Version rows as last written, and as they are after the steps run so far; null until the first commit.
    let written = [...heads]
    let current = [...heads]
    let committedHeads: string[] | null = null
    let missing = { version: versions === null, history: history === null }
    const staleRunning = (history ?? []).filter((row) => row.status === 'running')
    const pendingHistory: Array<Omit<HistoryRow, 'id'>> = []
    const ensureTables = async () => {
      if (missing.version || missing.history) for (const sql of await store.createStatements(missing)) await connection.execute(sql)
      missing = { version: false, history: false }
      // A 'running' row seen under the lock belongs to a run that died; say so before adding rows.
      for (const row of staleRunning.splice(0)) await connection.execute(store.historyUpdate(row.id, { status: 'interrupted', error: 'the run stopped before this step finished (killed, or the connection was lost)' }))
    }
    const flush = async () => {
      await ensureTables()
      for (const row of written) if (!current.includes(row)) await store.applyChange(connection, { kind: 'delete', revision: row })
      for (const row of current) if (!written.includes(row)) await store.applyChange(connection, { kind: 'insert', revision: row })
      written = [...current]
      for (const sql of store.historyInsertMany(pendingHistory.splice(0))) await connection.execute(sql)
    }
    const commit = async () => {
      await flush()
      await session.commit()
      committedHeads = [...current]
    }

    if (mode !== 'none') await session.begin()
    const result: RunResult = { steps: [], heads: current }
    for (const [index, step] of steps.entries()) {
      const module = modules[index]!
      const useTransaction = mode !== 'none' && module.transaction
      if (useTransaction) await session.begin()
      else await commit()
      const row: Omit<HistoryRow, 'id'> = {
        revision: step.revision.revision,
        direction: step.direction,
        checksum: module.checksum,
        message: step.revision.message.slice(0, 255),
        started_at: isoNow(),
        finished_at: null,
        duration_ms: null,
        status: 'running',
        statements_done: index === 0 ? resume.skip : 0,
        error: null,
      }
      // Where statements commit one by one, the step's row records them as they run (resumes start from it).
      const progress = !dialect.transactionalDDL || !useTransaction
      let historyId = 0
      // Statements of this step that are committed already (by or inside an op.autocommit block).
      let committedInStep = 0
      const startRow = async () => {
        if (!progress || historyId !== 0) return
        // Written outside the step's transaction, so that a rolled-back DML statement cannot take the row with it.
        const reopen = session.inTransaction
        if (reopen) await commit()
        await flush()
        await connection.execute(store.historyInsert(row))
        historyId = await store.lastHistoryId(connection)
        if (reopen) await session.begin()
      }
      const skip = index === 0 ? resume.skip : 0
      const sink = new DatabaseSink(
        dialect,
        connection,
        {
          beforeStatement: async () => {
            await ensureTables()
            await startRow()
          },
          afterStatement: async (n) => {
            if (!session.inTransaction) committedInStep = n
            if (progress) await connection.execute(store.historyUpdate(historyId, { statements_done: n }))
          },
          setAutocommit: async (on) => {
            if (!on) return useTransaction ? session.begin() : undefined
            await commit()
            committedInStep = sink.statementsDone
          },
        },
        skip,
      )
      const op = new Operations(sink, config.naming)
      const t0 = performance.now()
      try {
        const body = step.direction === 'up' ? module.upgrade : module.downgrade
        await body({ op, dialect: dialect.name, offline: false })
        await op.drain()
        current = applyVersionChanges(current, step.versionChanges)
      } catch (error) {
        const transactional = dialect.transactionalDDL && useTransaction
        await session.rollback()
        pendingHistory.length = 0
        const done = historyId !== 0 ? await readStatementsDone(store, connection, historyId) : Math.min(sink.statementsDone, skip)
        let message = describeStepError(step, error, url)
        message += `; ${describeAftermath({ transactional, committedHeads, statementsDone: done, autocommitted: committedInStep, step })}`
        await recordFailure(store, connection, step, historyId, done, message).catch(() => undefined)
        throw new StrataError(message)
      }
      const ms = performance.now() - t0
      const done = { status: 'done' as const, finished_at: isoNow(), duration_ms: Math.round(ms), statements_done: sink.statementsDone }
      if (progress) {
        if (historyId === 0) await startRow()
        // The step's row and the version rows change together (MySQL's DDL has committed by now; this is DML).
        await commit()
        await session.begin()
        await connection.execute(store.historyUpdate(historyId, done))
        await commit()
      } else pendingHistory.push({ ...row, ...done })
      if (mode === 'each') await commit()
      log(`${formatStep(step)} (${formatMs(ms)})`)
      result.steps.push({ revision: step.revision.revision, direction: step.direction, ms })
    }
    await commit()
    result.heads = current
    return result
  } finally {
    await session.close()
    // After the run: the compiled-revision cache then also holds the functions that ran.
    loader?.close()
  }
}

/** After a rollback, the statement count the database really kept (a rolled-back update took its count with it). */
async function readStatementsDone(store: VersionStore, connection: RunSession['connection'], historyId: number): Promise<number> {
  const rows = await store.readHistory(connection).catch(() => null)
  return rows?.find((r) => r.id === historyId)?.statements_done ?? 0
}

/** Writes the failure into the history: the step's own row when it has one, else a new row (if the table exists). */
async function recordFailure(store: VersionStore, connection: RunSession['connection'], step: MigrationStep, historyId: number, done: number, message: string) {
  const now = new Date().toISOString()
  if (historyId !== 0) {
    await connection.execute(store.historyUpdate(historyId, { status: 'failed', statements_done: done, finished_at: now, error: message.slice(0, 2000) }))
    return
  }
  await connection.execute(
    store.historyInsert({
      revision: step.revision.revision,
      direction: step.direction,
      checksum: checksumOrNull(step.revision.path),
      message: step.revision.message.slice(0, 255),
      started_at: now,
      finished_at: now,
      duration_ms: null,
      status: 'failed',
      statements_done: done,
      error: message.slice(0, 2000),
    }),
  )
}

/** Applies version changes to rows in memory, failing exactly where the database would change no row or several. */
export function applyVersionChanges(rows: string[], changes: VersionChange[]): string[] {
  const next = [...rows]
  for (const change of changes) {
    if (change.kind === 'insert') {
      if (next.includes(change.revision)) throw new StrataError(`version table: revision ${change.revision} is already recorded`)
      next.push(change.revision)
      continue
    }
    const from = change.kind === 'delete' ? change.revision : change.from
    const at = next.indexOf(from)
    if (at < 0) throw new StrataError(`version table: expected a row for ${from}, found none; another process may have changed it`)
    if (change.kind === 'delete') next.splice(at, 1)
    else next[at] = change.to
  }
  return next
}

/** Sets the version rows to `targets` without running migrations (under the lock, in one transaction). */
export async function stampVersions(env: RunEnvironment, targets: string[], purge: boolean, options: RunOptions = {}): Promise<string[]> {
  const { dialect, config, url, graph } = env
  const store = new VersionStore(dialect, config.versionTable, config.historyTable)
  const session = await RunSession.open(dialect, url, options.lockTimeoutSeconds ?? config.lockTimeoutSeconds, { mode: config.lock, leaseSeconds: config.lockLeaseSeconds, log: env.log })
  const { connection } = session
  try {
    const versions = await store.readVersions(connection)
    const history = await store.readHistory(connection)
    const current = purge ? [] : (versions ?? [])
    const changes = planStamp(graph, current, targets, purge)
    await session.begin()
    for (const statement of await store.createStatements({ version: versions === null, history: history === null })) await connection.execute(statement)
    if (purge && versions && versions.length > 0) await connection.execute(`DELETE FROM ${dialect.quoteIdentifier(config.versionTable)}`)
    for (const change of changes) await store.applyChange(connection, change)
    await session.commit()
    return applyVersionChanges(current, changes)
  } finally {
    await session.close()
  }
}
