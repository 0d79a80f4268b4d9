import { StrataError } from '../config/errors.js'
import type { ResolvedConfig } from '../config/load-config.js'
import type { CompileContext, Dialect } from '../dialects/dialect.js'
import { type OperationSink, Operations } from '../operations/api.js'
import type { AnyOperation } from '../operations/index.js'
import { type MigrationStep, type RevisionGraph, planDowngrade, planStamp, planUpgrade, resolveRevisionIds } from '../revisions/index.js'
import { type SchemaModel, emptySchema, findTable } from '../schema/model.js'
import { type MigrationModule, withMigrationModules } from './migration-module.js'
import { applyToReplay, compileForReplay } from './offline-replay.js'
import { VersionStore } from './version-store.js'

/** Replays operations on a model only: how offline mode knows the schema at the start of a range. */
class ModelSink implements OperationSink {
  constructor(readonly model: SchemaModel) {}
  async run(operation: AnyOperation): Promise<void> {
    applyToReplay(operation, this.model)
  }
  async query<T>(): Promise<T[]> {
    throw new StrataError('op.query() is not available in offline (--sql) mode')
  }
  async setAutocommit(): Promise<void> {}
}

/** BEGIN for a script: SQLite's online BEGIN IMMEDIATE is a locking detail of strata's own runs. */
function plainBegin(dialect: Dialect): string {
  return dialect.beginSql === 'BEGIN IMMEDIATE' ? 'BEGIN' : dialect.beginSql
}

/** Compiles each operation against the replayed model and collects the SQL. */
class ScriptSink implements OperationSink {
  constructor(
    private readonly dialect: Dialect,
    readonly model: SchemaModel,
    private readonly emit: (sql: string) => void,
    /** True while the script is inside a transaction (false for `transaction = false` steps and on MySQL). */
    public transactional: boolean,
  ) {}
  private readonly context: CompileContext = {
    offline: true,
    table: async (name, schema) => structuredClone(findTable(this.model, name, schema)),
  }
  private count = 0
  async run(operation: AnyOperation): Promise<void> {
    for (const statement of await compileForReplay(this.dialect, operation, this.context, this.model)) {
      this.emit(statement)
      this.count++
    }
    applyToReplay(operation, this.model)
  }
  /** Statements emitted since the last call: a step's `statements_done`. */
  takeCount(): number {
    const n = this.count
    this.count = 0
    return n
  }
  async query<T>(): Promise<T[]> {
    throw new StrataError('op.query() is not available in offline (--sql) mode: this migration reads data, run it online')
  }
  async setAutocommit(on: boolean): Promise<void> {
    if (this.transactional) this.emit(on ? this.dialect.commitSql : plainBegin(this.dialect))
  }
}

async function runSteps(
  steps: MigrationStep[],
  sink: OperationSink,
  config: ResolvedConfig,
  dialect: Dialect,
  before?: (step: MigrationStep, module: MigrationModule) => void,
  after?: (step: MigrationStep, module: MigrationModule) => void,
) {
  // Every file is loaded before any SQL is produced: a broken file gives an error, never half a script.
  await withMigrationModules(
    steps.map((step) => step.revision),
    async (modules) => {
      for (const [index, step] of steps.entries()) {
        const module = modules[index]!
        before?.(step, module)
        const op = new Operations(sink, config.naming)
        await (step.direction === 'up' ? module.upgrade : module.downgrade)({ op, dialect: dialect.name, offline: true })
        await op.drain()
        after?.(step, module)
      }
    },
  )
}

function splitRange(range: string): [string | null, string] {
  const at = range.indexOf(':')
  if (at < 0) return [null, range]
  return [range.slice(0, at) || null, range.slice(at + 1)]
}

/**
 * The complete SQL script for a range, without connecting: `upgrade A:B --sql` or `downgrade B:A --sql`.
 * The schema at the start of the range is known by replaying the migrations from base on a model.
 */
export async function offlineScript(config: ResolvedConfig, dialect: Dialect, graph: RevisionGraph, direction: 'up' | 'down', range: string): Promise<string> {
  const [fromSpec, toSpec] = splitRange(range)
  if (direction === 'down' && fromSpec === null) throw new StrataError(`downgrade --sql needs a range FROM:TO (e.g. 'head:base'): the current revision cannot be read offline`)
  const start = fromSpec === null || fromSpec === 'base' ? [] : resolveRevisionIds(graph, fromSpec, [])
  const model = emptySchema()
  if (start.length > 0) await runSteps(planUpgrade(graph, [], start.length === 1 ? start[0]! : 'heads'), new ModelSink(model), config, dialect)
  const steps = direction === 'up' ? planUpgrade(graph, start, toSpec) : planDowngrade(graph, start, toSpec)

  const store = new VersionStore(dialect, config.versionTable, config.historyTable)
  const lines: string[] = []
  // Each statement ends with ';' on its own terms, so psql, mysql and sqlite3 read the script as it is; a comment
  // is left as a comment.
  const emit = (sql: string) => {
    const text = sql.trim().replace(/;$/, '')
    const commentOnly = text.split('\n').every((line) => line.trim().startsWith('--') || line.trim() === '')
    lines.push(commentOnly ? text : `${text};`, '')
  }
  const transactional = dialect.transactionalDDL
  lines.push(`-- strata ${direction === 'up' ? 'upgrade' : 'downgrade'} ${range} for ${dialect.name}`, '')
  if (transactional) emit(plainBegin(dialect))
  if (start.length === 0 && direction === 'up') for (const sql of await store.createStatements({ version: true, history: true })) emit(sql)
  const sink = new ScriptSink(dialect, model, emit, transactional)
  await runSteps(
    steps,
    sink,
    config,
    dialect,
    (step, module) => {
      const rev = step.revision
      const parents = rev.downRevision === null ? [] : Array.isArray(rev.downRevision) ? rev.downRevision : [rev.downRevision]
      lines.push(
        step.direction === 'up'
          ? `-- Running upgrade ${parents.join(', ')} -> ${rev.revision}, ${rev.message}`
          : `-- Running downgrade ${rev.revision} -> ${parents.join(', ')}, ${rev.message}`,
        '',
      )
      // `export const transaction = false`: the migration runs between transactions, as it does online.
      if (transactional && !module.transaction) emit(dialect.commitSql)
      sink.transactional = transactional && module.transaction
    },
    (step, module) => {
      if (transactional && !module.transaction) emit(plainBegin(dialect))
      sink.transactional = transactional
      for (const change of step.versionChanges) emit(store.changeStatement(change).sql)
      const now = new Date().toISOString()
      emit(
        store.historyInsert({
          revision: step.revision.revision,
          direction: step.direction,
          checksum: module.checksum,
          message: step.revision.message.slice(0, 255),
          started_at: now,
          finished_at: now,
          duration_ms: null,
          status: 'done',
          statements_done: sink.takeCount(),
          error: null,
        }),
      )
    },
  )
  if (transactional) emit(dialect.commitSql)
  return lines.join('\n')
}

/**
 * `stamp REVS --sql`: the version-table statements, without connecting. From an empty database (strata's tables
 * are created first), or from FROM with a single `FROM:TO` argument.
 */
export async function offlineStampScript(config: ResolvedConfig, dialect: Dialect, graph: RevisionGraph, targets: string[], purge: boolean): Promise<string> {
  const ranged = targets.filter((t) => t.includes(':'))
  if (ranged.length > 0 && targets.length > 1) throw new StrataError(`stamp --sql takes either revisions or one FROM:TO range, not both`)
  let start: string[] | null = null
  let destinations = targets
  if (ranged.length === 1) {
    const [from, to] = splitRange(ranged[0]!)
    start = from === null || from === 'base' ? [] : resolveRevisionIds(graph, from, [])
    destinations = [to]
  }
  const store = new VersionStore(dialect, config.versionTable, config.historyTable)
  const lines = [`-- strata stamp ${targets.join(' ')}${purge ? ' --purge' : ''} for ${dialect.name}`, '']
  const emit = (sql: string) => lines.push(`${sql.trim().replace(/;$/, '')};`, '')
  if (dialect.transactionalDDL) emit(plainBegin(dialect))
  if (start === null) for (const sql of await store.createStatements({ version: true, history: true })) emit(sql)
  if (purge && start !== null) emit(`DELETE FROM ${dialect.quoteIdentifier(config.versionTable)}`)
  for (const change of planStamp(graph, purge ? [] : (start ?? []), destinations, false)) emit(store.changeStatement(change).sql)
  if (dialect.transactionalDDL) emit(dialect.commitSql)
  return lines.join('\n')
}
