import { AddForeignKeyOp, DropForeignKeyOp } from '../operations/constraint-ops.js'
import { familyOf } from '../dialects/registry.js'
import type { AnyOperation } from '../operations/index.js'
import { CreateSchemaOp, DropSchemaOp } from '../operations/misc-ops.js'
import { CreateTableOp, DropTableOp } from '../operations/table-ops.js'
import type { ForeignKeyModel, SchemaModel, TableModel } from '../schema/model.js'
import { cloneModel, qualifiedName, tableKey } from '../schema/model.js'
import { diffEnumLifetimes, diffEnums, diffInlineEnums } from './compare-enums.js'
import type { RenamedName } from './compare-constraints.js'
import { diffViews } from './compare-views.js'
import { diffRoutines } from './compare-routines.js'
import { diffPostgresObjects } from './compare-postgres-objects.js'
import { diffPartitions } from './compare-partitions.js'
import { diffSequences } from './compare-sequences.js'
import { planObjectRenames } from './compare-renames.js'
import { type TableContext, diffTable, matchColumns, matchTables } from './compare-tables.js'
import { restoreDeclaredSpellings } from './declared-spellings.js'
import { planDependentForeignKeys } from './dependencies.js'
import { DeclaredTarget } from './declared.js'
import { CompareScope } from './filters.js'
import { Phase, Plan, dependencyOrder, referencedKey } from './ordering.js'
import type { CompareOptions, DetectedChange } from './types.js'
import { type OperationMark, operationMarks } from '../lint/marks.js'
import { runsOutsideTransaction, safeGroups } from './render-safe.js'

/**
 * New tables in foreign-key order. A foreign key stays inline when its table exists by then; foreign keys that
 * close a cycle, or that point at a key the migration adds to an existing table, are added after all creations.
 */
function planCreates(plan: Plan, added: TableModel[], gainsKeys: Map<string, string[][]>, declared: DeclaredTarget): void {
  const { order, deferred } = dependencyOrder(added)
  const needsNewKey = (fk: ForeignKeyModel) =>
    (gainsKeys.get(referencedKey(fk)) ?? []).some((columns) => columns.length === fk.referencedColumns.length && columns.every((c) => fk.referencedColumns.includes(c)))
  order.forEach((t, position) => {
    const late = [...new Set([...(deferred.get(tableKey(t)) ?? []), ...t.foreignKeys.filter(needsNewKey)])]
    const lateNames = new Set(late.map((fk) => fk.name))
    const table = declared.table(t)
    table.foreignKeys = table.foreignKeys.filter((fk) => !lateNames.has(fk.name))
    plan.add(Phase.CreateTable, [position], new CreateTableOp(table))
    for (const fk of late) plan.add(Phase.AddForeignKey, [tableKey(t), fk.name], new AddForeignKeyOp(t.name, declared.foreignKey(t, fk), t.schema ?? null))
  })
}

/**
 * Dropped tables, referencing tables first. Foreign keys inside a cycle are dropped beforehand, so each
 * DropTableOp carries the table as it is when dropped and its reverse can recreate the tables in order.
 */
function planDrops(plan: Plan, removed: TableModel[], working: SchemaModel, beforeWorkingChange: () => void): void {
  const { order, deferred } = dependencyOrder(removed)
  for (const t of order) {
    for (const fk of deferred.get(tableKey(t)) ?? []) {
      const op = new DropForeignKeyOp(t.name, fk.name, t.schema ?? null, structuredClone(fk))
      beforeWorkingChange()
      op.apply(working)
      plan.add(Phase.DropForeignKey, [tableKey(t), fk.name], op)
    }
  }
  order.forEach((t, position) => {
    plan.add(Phase.DropTable, [order.length - position], new DropTableOp(t.name, t.schema ?? null, structuredClone(t)))
  })
}

function schemasOf(model: SchemaModel): Set<string> {
  const names = [...(model.schemas ?? []), ...model.tables.map((t) => t.schema), ...model.enums.map((e) => e.schema)]
  return new Set(names.filter((s): s is string => !!s))
}

/**
 * PostgreSQL schemas, only among the managed ones. A schema is dropped only when everything the database holds
 * in it is dropped by this plan; `public` and the first managed schema (the default) are never dropped.
 */
function planSchemas(plan: Plan, target: SchemaModel, reflected: SchemaModel, managed: string[], dropped: AnyOperation[]): void {
  const want = schemasOf(target)
  const have = schemasOf(reflected)
  const droppedKeys = new Set(
    dropped.flatMap((op) => (op.kind === 'dropTable' ? [`t:${tableKey(op)}`] : op.kind === 'dropEnum' ? [`e:${qualifiedName(op.name, op.schema)}`] : [])),
  )
  for (const schema of [...managed].sort()) {
    if (want.has(schema) && !have.has(schema)) plan.add(Phase.CreateSchema, [schema], new CreateSchemaOp(schema))
    if (have.has(schema) && !want.has(schema) && schema !== 'public' && schema !== managed[0]) {
      const emptied =
        reflected.tables.every((t) => t.schema !== schema || droppedKeys.has(`t:${tableKey(t)}`)) &&
        reflected.enums.every((e) => e.schema !== schema || droppedKeys.has(`e:${qualifiedName(e.name, e.schema)}`))
      if (emptied) plan.add(Phase.DropSchema, [schema], new DropSchemaOp(schema))
    }
  }
}

/** A comparison planned on the caller's reflected model needs to change it: it starts again on a copy. */
class WorkingCopyNeeded extends Error {}

/**
 * Compares the target schema (as declared) with the reflected database schema and returns the operations that
 * turn the database into the target, in a safe order. Each operation carries what its `reverse()` needs.
 *
 * The plan is made against a working model, which planned renames, enum value changes and drops in a foreign-key
 * cycle change. Most comparisons plan none of these and only read it, so the first attempt reads the reflected
 * model itself (a copy is 12,000 columns on 1,000 tables, and garbage to collect); the first change it would make
 * abandons that attempt, which starts again on a copy. With a user callback (`askRename`, `includeObject`) the
 * copy is made first: no question is asked twice, and a hook never sees the caller's own model. The history is
 * loaded at most once for both attempts.
 */
export async function compareSchemas(target: SchemaModel, reflected: SchemaModel, options: CompareOptions): Promise<DetectedChange[]> {
  const shared: CompareOptions = {
    ...options,
    ...(options.loadHistory ? { loadHistory: once(options.loadHistory) } : {}),
    ...(options.loadHistoryEnums ? { loadHistoryEnums: once(options.loadHistoryEnums) } : {}),
  }
  if (!options.askRename && !options.includeObject) {
    try {
      return await compareAgainst(target, reflected, null, shared)
    } catch (error) {
      if (!(error instanceof WorkingCopyNeeded)) throw error
    }
  }
  return compareAgainst(target, reflected, cloneModel(reflected), shared)
}

/** `load`, called at most once: later calls get the first call's promise. */
function once<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined
  return () => (loaded ??= load())
}

/** One comparison, against `copy` as the working model, or against `reflected` itself (never changed) when null. */
async function compareAgainst(target: SchemaModel, reflected: SchemaModel, copy: SchemaModel | null, options: CompareOptions): Promise<DetectedChange[]> {
  const { dialect } = options
  const history = async () => options.history ?? (await options.loadHistory?.())
  const historyEnums = async () => (options.history ? options.history.enums : options.loadHistoryEnums ? await options.loadHistoryEnums() : (await history())?.enums)
  const scope = new CompareScope(options)
  const declared = new DeclaredTarget(target)
  // canonicalize returns a fresh model (the Dialect contract): no deep copy of the declared one first.
  const canonical = dialect.canonicalize(target)
  const working = copy ?? reflected
  const beforeWorkingChange = () => {
    if (!copy) throw new WorkingCopyNeeded()
  }
  const plan = new Plan()

  const reflectedByKey = new Map(working.tables.map((t) => [tableKey(t), t]))
  const skipped = new Set<string>()
  const targets = canonical.tables.filter((t) => {
    const keep = scope.tableInScope(t) && scope.includes('table', t, null, false, reflectedByKey.get(tableKey(t)) ?? null)
    if (!keep) skipped.add(tableKey(t))
    return keep
  })
  const targetKeys = new Set(targets.map(tableKey))
  const compared = working.tables.filter(
    (t) => scope.tableInScope(t) && !skipped.has(tableKey(t)) && (targetKeys.has(tableKey(t)) || scope.includes('table', t, null, true, null)),
  )
  const comparedSet = new Set(compared)
  const outOfScope = working.tables.filter((t) => !comparedSet.has(t))

  if (dialect.features.namedEnumTypes) diffEnums(plan, canonical, reflected, working, scope, declared, outOfScope, beforeWorkingChange)

  const ctx: TableContext = { plan, dialect, scope, options, working, declared, beforeWorkingChange }
  const { pairs, added, removed } = await matchTables(targets, compared, ctx)
  const matched = []
  for (const match of pairs) matched.push({ match, columns: await matchColumns(match, ctx) })
  ctx.renamedNames = plan.operations().flatMap((op): RenamedName[] =>
    op.kind === 'renameTable' ? [{ table: null, from: op.from, to: op.to }] : op.kind === 'renameColumn' ? [{ table: tableKey({ name: op.table, schema: op.schema }), from: op.from, to: op.to }] : [],
  )
  // MySQL and SQLite keep enum values on the columns: value changes are enum operations restating those columns.
  if (!dialect.features.namedEnumTypes) {
    diffEnumLifetimes(plan, target, reflected, await historyEnums(), matched, scope, declared)
    diffInlineEnums(plan, matched, declared, beforeWorkingChange)
  }
  const gainsKeys = new Map<string, string[][]>()
  for (const { match, columns } of matched) {
    const { addedKeys } = diffTable(match, columns, ctx)
    if (addedKeys.length > 0) gainsKeys.set(tableKey(match.target), addedKeys)
  }
  planDependentForeignKeys(plan, working, targets, declared)
  planCreates(plan, added, gainsKeys, declared)
  planDrops(plan, removed, working, beforeWorkingChange)

  if (dialect.features.schemas && options.managedSchemas?.length)
    planSchemas(plan, canonical, reflected, options.managedSchemas, plan.operations())
  diffPartitions(plan, target, reflected, scope, dialect)
  const objects = planObjectRenames(plan, target, reflected, scope, dialect)
  diffViews(plan, target, objects, scope, plan.operations(), dialect.features.namedEnumTypes)
  diffRoutines(plan, target, objects, scope, plan.operations())
  diffPostgresObjects(plan, target, reflected, scope, dialect)
  diffSequences(plan, target, objects, scope, dialect)

  const operations = plan.operations()
  // Nothing to mark or respell (the usual `strata check`): lint and the history would only copy models.
  if (operations.length === 0) return []
  const family = familyOf(dialect.name)
  // Marked as the file will hold them: with safe: true, each operation's zero-downtime form (one or several).
  const groups = options.safe ? safeGroups(operations, family) : operations.map((operation) => [operation])
  const written = groups.flat()
  const writtenMarks = operationMarks(written, {
    dialect: family,
    ...(dialect.maxIdentifierLength !== undefined ? { maxIdentifierLength: dialect.maxIdentifierLength } : {}),
    ...(dialect.schemaRules ? { identifierLengthUnit: dialect.schemaRules.identifierLengthUnit } : {}),
    model: reflected,
    ...(options.lintRules ? { rules: options.lintRules } : {}),
    // A `.concurrently()` index build is rendered in an autocommit block: no transaction to warn about.
    outsideTransaction: written.map((operation) => runsOutsideTransaction(operation, family)),
  })
  const marks = options.safe ? marksByGroup(groups, writtenMarks) : writtenMarks
  const reflectedOnly = restoreDeclaredSpellings(operations, await history(), dialect)
  return operations.map((operation, index) => {
    const change = detectedChange(operation, marks[index]!)
    const spelling = reflectedOnly.get(operation)
    return spelling ? { ...change, reflectedSpelling: spelling } : change
  })
}

/** The marks of each group of written operations, merged: what one detected change gets. */
function marksByGroup(groups: AnyOperation[][], written: OperationMark[][]): OperationMark[][] {
  let at = 0
  return groups.map((group) => written.slice(at, (at += group.length)).flat())
}

/** A change as compare reports it: the operation, its "Detected" phrase, and its lint marks. */
export function detectedChange(operation: AnyOperation, marks: OperationMark[]): DetectedChange {
  const data = marks.filter((m) => m.category === 'data').map((m) => m.message)
  return { operation, message: operation.describe(), warning: data.length > 0 ? data.join('; ') : null, marks }
}
