import { StrataError } from '../config/errors.js'
import type { TransactionMode } from '../config/define-config.js'
import type { ResolvedConfig } from '../config/load-config.js'
import type { Connection, Dialect, HeldLock } from '../dialects/dialect.js'
import { Operations } from '../operations/api.js'
import {
  type MigrationStep,
  type RevisionGraph,
  type VersionChange,
  planDowngrade,
  planStamp,
  planUpgrade,
} from '../revisions/index.js'
import { DatabaseSink, StatementError } from './database-sink.js'
import { fileChecksum, loadMigrationModule } from './migration-module.js'
import type { DatabaseUrl } from './url.js'
import { maskPasswords } from './url.js'
import { type HistoryRow, VersionStore } from './version-store.js'
import { verifyChecksums } from './verify.js'

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
  /** MySQL: redo a failed step from its first statement instead of resuming. */
  restartStep?: boolean
}

export interface RunResult {
  steps: Array<{ revision: string; direction: 'up' | 'down'; ms: number }>
  heads: string[]
}

function formatStep(step: MigrationStep): string {
  const rev = step.revision
  const parents = rev.downRevision === null ? [] : Array.isArray(rev.downRevision) ? rev.downRevision : [rev.downRevision]
  return step.direction === 'up'
    ? `Running upgrade ${parents.join(', ')} -> ${rev.revision}, ${rev.message}`
    : `Running downgrade ${rev.revision} -> ${parents.join(', ')}, ${rev.message}`
}

/** Opens a connection with the password kept out of any error. */
export async function connect(dialect: Dialect, url: DatabaseUrl): Promise<Connection> {
  try {
    return await dialect.connect(url)
  } catch (error) {
    throw new StrataError(`cannot connect to ${url.display}: ${maskSecret((error as Error).message, url)}`)
  }
}

export function maskSecret(message: string, url: DatabaseUrl): string {
  let text = maskPasswords(message)
  if (url.password && url.password.length >= 3) text = text.split(url.password).join('***')
  return text
}

/**
 * One locked run: take the lock, read the version rows again, plan, then run every step with the chosen
 * transaction mode. Version and history rows are written at each commit point: after every step outside a
 * single-transaction run, once at the end of one (where intermediate states are invisible anyway, and a
 * 5,000-step run saves 10,000 statements). Version changes are checked against the rows read under the lock,
 * so "every update or delete touches exactly one row" holds either way.
 */
export async function runMigrations(
  env: RunEnvironment,
  direction: 'up' | 'down',
  target: string,
  options: RunOptions = {},
): Promise<RunResult> {
  const { dialect, config, url, graph, log } = env
  const store = new VersionStore(dialect, config.versionTable, config.historyTable)
  const connection = await connect(dialect, url)
  const lockConnection = dialect.lockOpensTransaction ? connection : await connect(dialect, url)
  let lock: HeldLock | undefined
  let inTransaction = false
  // Rows as last written to the version table, and as they are after the steps run so far.
  let written: string[] = []
  let current: string[] = []
  const pendingHistory: Array<Omit<HistoryRow, 'id'>> = []
  const flush = async () => {
    for (const row of written) if (!current.includes(row)) await store.applyChange(connection, { kind: 'delete', revision: row })
    for (const row of current) if (!written.includes(row)) await store.applyChange(connection, { kind: 'insert', revision: row })
    written = [...current]
    for (const sql of store.historyInsertMany(pendingHistory.splice(0))) await connection.execute(sql)
  }
  const begin = async () => {
    if (!inTransaction) {
      await connection.execute(dialect.beginSql)
      inTransaction = true
    }
  }
  const commit = async () => {
    await flush()
    if (inTransaction) {
      await connection.execute(dialect.commitSql)
      inTransaction = false
    }
  }
  try {
    const timeoutSeconds = options.lockTimeoutSeconds ?? config.lockTimeoutSeconds
    try {
      lock = await dialect.acquireLock(lockConnection, timeoutSeconds * 1000)
    } catch (error) {
      throw new StrataError(maskSecret((error as Error).message, url))
    }
    if (dialect.lockOpensTransaction) inTransaction = true

    // Read the state only now that the lock is held: another process may just have moved it.
    const versions = await store.readVersions(connection)
    const history = await store.readHistory(connection)
    const heads = versions ?? []
    written = [...heads]
    current = [...heads]
    const steps = direction === 'up' ? planUpgrade(graph, heads, target) : planDowngrade(graph, heads, target)

    if (direction === 'up' && !options.allowChanged && history) {
      const changed = verifyChecksums(graph, heads, history)
      if (changed.length > 0)
        throw new StrataError(
          `${changed.map((c) => c.path).join(', ')} changed after it was applied; review the change, then rerun with --allow-changed (or 'strata verify' for details)`,
        )
    }

    if (steps.length === 0) {
      log(direction === 'up' ? `Already at ${target === 'heads' || target === 'head' ? 'head' : target}: nothing to upgrade` : `Nothing to downgrade`)
      if (inTransaction) await connection.execute(dialect.rollbackSql)
      inTransaction = false
      return { steps: [], heads }
    }

    const mode: TransactionMode = options.transactionMode ?? config.transactionMode ?? (dialect.transactionalDDL ? 'all' : 'each')
    const resume = resumePoint(dialect, history, steps[0]!, options)
    if (resume.message) log(resume.message)

    if (mode !== 'none') await begin()
    const setup = await store.createStatements({ version: versions === null, history: history === null })
    for (const statement of setup) await connection.execute(statement)
    if (mode === 'each' || mode === 'none') await commit()

    const result: RunResult = { steps: [], heads: current }
    for (const [index, step] of steps.entries()) {
      const module = await loadMigrationModule(step.revision.path)
      const useTransaction = mode !== 'none' && module.transaction
      if (useTransaction) await begin()
      else await commit()
      const started = new Date()
      const row: Omit<HistoryRow, 'id'> = {
        revision: step.revision.revision,
        direction: step.direction,
        checksum: module.checksum,
        message: step.revision.message.slice(0, 255),
        started_at: started.toISOString(),
        finished_at: null,
        duration_ms: null,
        status: 'running',
        statements_done: 0,
        error: null,
      }
      // Where a failure can leave partial effects, progress is written as it happens (MySQL resumes from it).
      const progress = !dialect.transactionalDDL || !useTransaction
      let historyId = 0
      if (progress) {
        await flush()
        await connection.execute(store.historyInsert(row))
        historyId = await store.lastHistoryId(connection)
      }
      const sink = new DatabaseSink(
        dialect,
        connection,
        {
          afterStatement: progress ? async (n) => void (await connection.execute(store.historyUpdate(historyId, { statements_done: n }))) : undefined,
          setAutocommit: async (on) => (on ? commit() : useTransaction ? begin() : Promise.resolve()),
        },
        index === 0 ? resume.skip : 0,
      )
      const op = new Operations(sink, config.naming)
      const t0 = performance.now()
      try {
        const body = step.direction === 'up' ? module.upgrade : module.downgrade
        await body({ op, dialect: dialect.name, offline: false })
        await op.drain()
        current = applyVersionChanges(current, step.versionChanges)
        if (progress) await flush()
      } catch (error) {
        throw await failStep(env, store, connection, step, error, sink.statementsDone, historyId, inTransaction && dialect.transactionalDDL, async () => {
          pendingHistory.length = 0
          if (inTransaction) {
            await connection.execute(dialect.rollbackSql).catch(() => undefined)
            inTransaction = false
          }
        })
      }
      const ms = performance.now() - t0
      const done = { status: 'done' as const, finished_at: new Date().toISOString(), duration_ms: Math.round(ms), statements_done: sink.statementsDone }
      if (progress) await connection.execute(store.historyUpdate(historyId, done))
      else pendingHistory.push({ ...row, ...done })
      if (mode === 'each' || !useTransaction) await commit()
      log(`${formatStep(step)} (${formatMs(ms)})`)
      result.steps.push({ revision: step.revision.revision, direction: step.direction, ms })
    }
    await commit()
    result.heads = current
    return result
  } finally {
    if (inTransaction) await connection.execute(dialect.rollbackSql).catch(() => undefined)
    await lock?.release().catch(() => undefined)
    await connection.close().catch(() => undefined)
    if (lockConnection !== connection) await lockConnection.close().catch(() => undefined)
  }
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

function formatMs(ms: number): string {
  return ms < 1000 ? `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`
}

/** Where a previously failed, non-transactional step stopped; resuming skips what it completed. */
function resumePoint(dialect: Dialect, history: HistoryRow[] | null, first: MigrationStep, options: RunOptions): { skip: number; message?: string } {
  if (!history || history.length === 0 || dialect.transactionalDDL) return { skip: 0 }
  const last = history[history.length - 1]!
  if (last.status === 'done' || last.revision !== first.revision.revision || last.direction !== first.direction) return { skip: 0 }
  const done = last.statements_done
  if (options.restartStep || done === 0)
    return { skip: 0, message: done === 0 ? undefined : `Restarting ${last.revision} from its first statement (--restart-step)` }
  const checksum = fileChecksum(first.revision.path)
  if (checksum !== last.checksum)
    throw new StrataError(
      `revision ${last.revision} failed after ${done} statement(s) and its file has changed since; the database holds that partial effect. Undo it by hand and rerun with --restart-step, or restore the file to resume`,
    )
  return { skip: done, message: `Revision ${last.revision} ${last.status === 'failed' ? 'failed' : 'stopped'} after ${done} statement(s) last time; resuming at statement ${done + 1}` }
}

async function failStep(
  env: RunEnvironment,
  store: VersionStore,
  connection: Connection,
  step: MigrationStep,
  error: unknown,
  statementsDone: number,
  historyId: number,
  rolledBackByTransaction: boolean,
  rollback: () => Promise<void>,
): Promise<Error> {
  await rollback()
  const rev = step.revision.revision
  let message: string
  if (error instanceof StatementError) {
    const dbMessage = maskSecret(error.message.split('\n')[0] ?? '', env.url)
    const what = error.operation ? `${error.operation.kind} (${error.operation.describe()})` : 'a statement'
    message = `${step.direction === 'up' ? 'upgrade' : 'downgrade'} ${rev} failed in ${what} at statement ${error.statementIndex}: ${oneLine(error.statement)}: ${dbMessage}`
  } else if (error instanceof StrataError) {
    message = `${step.direction === 'up' ? 'upgrade' : 'downgrade'} ${rev} failed: ${error.message}`
  } else {
    message = `${step.direction === 'up' ? 'upgrade' : 'downgrade'} ${rev} (${step.revision.path}) failed: ${maskSecret((error as Error)?.message ?? String(error), env.url)}`
  }
  if (rolledBackByTransaction) {
    message += '; rolled back, the database is as it was before this run'
  } else if (statementsDone > 0) {
    message += `; the database holds the effect of the ${statementsDone} statement(s) before it: fix the file and rerun 'strata upgrade' to resume at statement ${statementsDone + 1} (or undo them and use --restart-step)`
  }
  // Record the failure; on transactional databases the running row was rolled back with the rest.
  try {
    if (rolledBackByTransaction) {
      await connection.execute(
        store.historyInsert({
          revision: rev,
          direction: step.direction,
          checksum: fileChecksum(step.revision.path),
          message: step.revision.message.slice(0, 255),
          started_at: new Date().toISOString(),
          finished_at: new Date().toISOString(),
          duration_ms: null,
          status: 'failed',
          statements_done: 0,
          error: message.slice(0, 2000),
        }),
      )
    } else {
      await connection.execute(store.historyUpdate(historyId, { status: 'failed', statements_done: statementsDone, finished_at: new Date().toISOString(), error: message.slice(0, 2000) }))
    }
  } catch {
    // The history table may not exist yet (it was created in the rolled-back transaction).
  }
  return new StrataError(message)
}

function oneLine(sql: string): string {
  const flat = sql.replace(/\s+/g, ' ').trim()
  return flat.length > 300 ? `${flat.slice(0, 297)}...` : flat
}

/** Sets the version rows to `targets` without running migrations (under the lock). */
export async function stampVersions(env: RunEnvironment, targets: string[], purge: boolean, options: RunOptions = {}): Promise<string[]> {
  const { dialect, config, url, graph } = env
  const store = new VersionStore(dialect, config.versionTable, config.historyTable)
  const connection = await connect(dialect, url)
  const lockConnection = dialect.lockOpensTransaction ? connection : await connect(dialect, url)
  let lock: HeldLock | undefined
  let inTransaction = false
  try {
    lock = await dialect.acquireLock(lockConnection, (options.lockTimeoutSeconds ?? config.lockTimeoutSeconds) * 1000)
    inTransaction = dialect.lockOpensTransaction
    const versions = await store.readVersions(connection)
    const history = await store.readHistory(connection)
    const current = purge ? [] : (versions ?? [])
    const changes = planStamp(graph, current, targets, purge)
    if (!inTransaction) {
      await connection.execute(dialect.beginSql)
      inTransaction = true
    }
    for (const statement of await store.createStatements({ version: versions === null, history: history === null })) await connection.execute(statement)
    if (purge && versions && versions.length > 0) await connection.execute(`DELETE FROM ${dialect.quoteIdentifier(config.versionTable)}`)
    for (const change of changes) await store.applyChange(connection, change)
    await connection.execute(dialect.commitSql)
    inTransaction = false
    return applyVersionChanges(current, changes)
  } finally {
    if (inTransaction) await connection.execute(dialect.rollbackSql).catch(() => undefined)
    await lock?.release().catch(() => undefined)
    await connection.close().catch(() => undefined)
    if (lockConnection !== connection) await lockConnection.close().catch(() => undefined)
  }
}
