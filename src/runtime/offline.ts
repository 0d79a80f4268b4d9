import { StrataError } from '../config/errors.js'
import type { ResolvedConfig } from '../config/load-config.js'
import type { CompileContext, Dialect } from '../dialects/dialect.js'
import { type OperationSink, Operations } from '../operations/api.js'
import type { AnyOperation } from '../operations/index.js'
import { type MigrationStep, type RevisionGraph, planDowngrade, planUpgrade, resolveRevisionIds } from '../revisions/index.js'
import { type SchemaModel, emptySchema, findTable } from '../schema/model.js'
import { fileChecksum, loadMigrationModule } from './migration-module.js'
import { VersionStore } from './version-store.js'

/** Replays operations on a model only: how offline mode knows the schema at the start of a range. */
class ModelSink implements OperationSink {
  constructor(readonly model: SchemaModel) {}
  async run(operation: AnyOperation): Promise<void> {
    operation.apply(this.model)
  }
  async query<T>(): Promise<T[]> {
    throw new StrataError('op.query() is not available in offline (--sql) mode')
  }
  async setAutocommit(): Promise<void> {}
}

/** Compiles each operation against the replayed model and collects the SQL. */
class ScriptSink implements OperationSink {
  constructor(
    private readonly dialect: Dialect,
    readonly model: SchemaModel,
    private readonly emit: (sql: string) => void,
    private readonly transactional: boolean,
  ) {}
  private readonly context: CompileContext = {
    offline: true,
    table: async (name, schema) => structuredClone(findTable(this.model, name, schema)),
  }
  async run(operation: AnyOperation): Promise<void> {
    for (const statement of await this.dialect.compile(operation, this.context)) this.emit(statement)
    operation.apply(this.model)
  }
  async query<T>(): Promise<T[]> {
    throw new StrataError('op.query() is not available in offline (--sql) mode: this migration reads data, run it online')
  }
  async setAutocommit(on: boolean): Promise<void> {
    if (this.transactional) this.emit(on ? this.dialect.commitSql : this.dialect.beginSql)
  }
}

async function runSteps(steps: MigrationStep[], sink: OperationSink, config: ResolvedConfig, dialect: Dialect, before?: (step: MigrationStep) => void, after?: (step: MigrationStep) => void) {
  for (const step of steps) {
    before?.(step)
    const module = await loadMigrationModule(step.revision.path)
    const op = new Operations(sink, config.naming)
    await (step.direction === 'up' ? module.upgrade : module.downgrade)({ op, dialect: dialect.name, offline: true })
    await op.drain()
    after?.(step)
  }
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
  const emit = (sql: string) => lines.push(`${sql.trim().replace(/;$/, '')};`, '')
  const transactional = dialect.transactionalDDL
  lines.push(`-- strata ${direction === 'up' ? 'upgrade' : 'downgrade'} ${range} for ${dialect.name}`, '')
  if (transactional) emit(dialect.beginSql === 'BEGIN IMMEDIATE' ? 'BEGIN' : dialect.beginSql)
  if (start.length === 0 && direction === 'up') for (const sql of await store.createStatements({ version: true, history: true })) emit(sql)
  const sink = new ScriptSink(dialect, model, emit, transactional)
  await runSteps(
    steps,
    sink,
    config,
    dialect,
    (step) => {
      const rev = step.revision
      const parents = rev.downRevision === null ? [] : Array.isArray(rev.downRevision) ? rev.downRevision : [rev.downRevision]
      lines.push(
        step.direction === 'up'
          ? `-- Running upgrade ${parents.join(', ')} -> ${rev.revision}, ${rev.message}`
          : `-- Running downgrade ${rev.revision} -> ${parents.join(', ')}, ${rev.message}`,
        '',
      )
    },
    (step) => {
      for (const change of step.versionChanges) emit(store.changeStatement(change).sql)
      const now = new Date().toISOString()
      emit(
        store.historyInsert({
          revision: step.revision.revision,
          direction: step.direction,
          checksum: fileChecksum(step.revision.path),
          message: step.revision.message.slice(0, 255),
          started_at: now,
          finished_at: now,
          duration_ms: null,
          status: 'done',
          statements_done: 0,
          error: null,
        }),
      )
    },
  )
  if (transactional) emit(dialect.commitSql)
  return lines.join('\n')
}
