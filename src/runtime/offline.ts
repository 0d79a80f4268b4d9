import { StrataError } from '../errors.js'
import type { TransactionMode } from '../config/define-config.js'
import { formatDuration, overrideDdlLock } from '../config/ddl-lock.js'
import type { ResolvedConfig } from '../config/load-config.js'
import type { Dialect } from '../dialects/dialect.js'
import { type OperationSink, Operations } from '../operations/api.js'
import type { AnyOperation } from '../operations/index.js'
import { type MigrationStep, type RevisionGraph, planDowngrade, planStamp, planUpgrade, resolveRevisionIds } from '../revisions/index.js'
import { type SchemaModel, emptySchema } from '../schema/model.js'
import { withMigrationModules } from './migration-module.js'
import { RunLoop } from './run-loop.js'
import { ScriptTarget } from './run-target.js'
import { applyToReplay } from './offline-replay.js'
import { VersionStore } from './version-store.js'

/** Replays operations on a model only: how offline mode knows the schema at the start of a range. */
class ModelSink implements OperationSink {
  constructor(readonly model: SchemaModel) {}
  async run(operation: AnyOperation): Promise<void> {
    applyToReplay(operation, this.model)
  }
  async query<T>(): Promise<T[]> {
    throw new StrataError('op.query() is not available in offline (--sql) mode', { code: 'offline' })
  }
  async setAutocommit(): Promise<void> {}
}

/** Runs the steps' operations on a model, without SQL. */
export async function replaySteps(steps: MigrationStep[], model: SchemaModel, config: ResolvedConfig, dialect: Dialect): Promise<void> {
  if (steps.length === 0) return
  await withMigrationModules(
    steps.map((step) => step.revision),
    async (modules) => {
      for (const [index, step] of steps.entries()) {
        const op = new Operations(new ModelSink(model), config.naming)
        await (step.direction === 'up' ? modules[index]!.upgrade : modules[index]!.downgrade)({ op, dialect: dialect.name, offline: true })
        await op.drain()
      }
    },
  )
}

function splitRange(range: string): [string | null, string] {
  const at = range.indexOf(':')
  if (at < 0) return [null, range]
  return [range.slice(0, at) || null, range.slice(at + 1)]
}

export interface OfflineOptions {
  transactionMode?: TransactionMode
  /** Over the config's `ddlLockTimeout` (ms; 0: none). */
  ddlLockTimeoutMs?: number
}

/**
 * The complete SQL script for a range, without connecting: `upgrade A:B --sql` or `downgrade B:A --sql`. The
 * same run loop as online runs, printing instead of executing (docs/design/run-loop.md). The schema at the start
 * of the range is known by replaying the migrations from base on a model.
 */
export async function offlineScript(config: ResolvedConfig, dialect: Dialect, graph: RevisionGraph, direction: 'up' | 'down', range: string, options: OfflineOptions = {}): Promise<string> {
  const [fromSpec, toSpec] = splitRange(range)
  if (direction === 'down' && fromSpec === null) throw new StrataError(`downgrade --sql needs a range FROM:TO (e.g. 'head:base'): the current revision cannot be read offline`, { code: 'usage', exitCode: 2 })
  const start = fromSpec === null || fromSpec === 'base' ? [] : resolveRevisionIds(graph, fromSpec, [])
  const model = emptySchema()
  if (start.length > 0) await replaySteps(planUpgrade(graph, [], start.length === 1 ? start[0]! : 'heads'), model, config, dialect)
  const steps = direction === 'up' ? planUpgrade(graph, start, toSpec) : planDowngrade(graph, start, toSpec)
  if (steps.length === 0)
    throw new StrataError(
      `the range ${range} holds no ${direction === 'up' ? 'upgrade' : 'downgrade'} steps (it is empty or inverted); ${direction === 'up' ? 'upgrade ranges go FROM:TO with TO above FROM' : 'downgrade ranges go FROM:TO with TO below FROM'}`,
      { code: 'usage', exitCode: 2 },
    )

  const store = new VersionStore(dialect, config.versionTable, config.historyTable)
  const target = new ScriptTarget(dialect, model)
  target.lines.push(`-- strata ${direction === 'up' ? 'upgrade' : 'downgrade'} ${range} for ${dialect.name}`, '')
  for (const sql of dialect.scriptFraming.prelude) target.emit(sql)
  setScriptLockWaitBound(target, config, dialect, options)
  const mode: TransactionMode = options.transactionMode ?? config.transactionMode ?? (dialect.transactionalDDL ? 'all' : 'each')
  const fresh = start.length === 0 && direction === 'up'
  await withMigrationModules(
    steps.map((step) => step.revision),
    async (modules) => {
      const loop = new RunLoop(dialect, store, target, { heads: start, missing: { version: fresh, history: fresh }, staleRunning: [] }, { mode, naming: config.naming, resume: { skip: 0, uncertain: false }, log: () => undefined })
      await loop.run(steps, modules)
    },
  )
  for (const sql of dialect.scriptFraming.postlude) target.emit(sql)
  return target.lines.join('\n')
}

/**
 * The DDL lock timeout, set once for the script's session at its top (it covers statements inside transactions and
 * outside them alike). A script cannot retry: a statement it cancels fails the script, as the comment says.
 */
function setScriptLockWaitBound(target: ScriptTarget, config: ResolvedConfig, dialect: Dialect, options: OfflineOptions): void {
  const policy = overrideDdlLock(config.ddlLock, { timeoutMs: options.ddlLockTimeoutMs })
  if (!policy || !dialect.lockWaitBound) return
  target.comment(`ddlLockTimeout ${formatDuration(policy.timeoutMs)}: a statement that waits longer for a lock is cancelled and the script stops (no retries offline; rerun it)`)
  for (const sql of dialect.lockWaitBound.sessionSql(policy.timeoutMs)) target.emit(sql)
}

/**
 * `stamp REVS --sql`: the version-table statements, without connecting. From an empty database (strata's tables
 * are created first), or from FROM with a single `FROM:TO` argument.
 */
export async function offlineStampScript(config: ResolvedConfig, dialect: Dialect, graph: RevisionGraph, targets: string[], purge: boolean): Promise<string> {
  const ranged = targets.filter((t) => t.includes(':'))
  if (ranged.length > 0 && targets.length > 1) throw new StrataError(`stamp --sql takes either revisions or one FROM:TO range, not both`, { code: 'usage', exitCode: 2 })
  let start: string[] | null = null
  let destinations = targets
  if (ranged.length === 1) {
    const [from, to] = splitRange(ranged[0]!)
    start = from === null || from === 'base' ? [] : resolveRevisionIds(graph, from, [])
    destinations = [to]
  }
  const store = new VersionStore(dialect, config.versionTable, config.historyTable)
  const target = new ScriptTarget(dialect, emptySchema())
  target.lines.push(`-- strata stamp ${targets.join(' ')}${purge ? ' --purge' : ''} for ${dialect.name}`, '')
  await target.begin()
  if (start === null) for (const sql of await store.createStatements({ version: true, history: true })) target.emit(sql)
  if (purge && start !== null) target.emit(`DELETE FROM ${dialect.quoteIdentifier(config.versionTable)}`)
  for (const change of planStamp(graph, purge ? [] : (start ?? []), destinations, false)) target.emit(store.changeStatement(change).sql)
  await target.commit()
  return target.lines.join('\n')
}

/**
 * The schema that a set of version rows stands for: the upgrades of every revision below them replayed on a model,
 * without connecting (`check --allow-behind` compares a database that is behind the heads with it).
 */
export async function replaySchema(config: ResolvedConfig, dialect: Dialect, graph: RevisionGraph, versions: readonly string[]): Promise<SchemaModel> {
  const model = emptySchema()
  for (const [index, version] of versions.entries()) await replaySteps(planUpgrade(graph, versions.slice(0, index), version), model, config, dialect)
  return model
}
