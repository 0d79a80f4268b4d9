import type { CompileContext, OperationBatching } from '../dialect.js'
import type { AnyOperation } from '../../operations/index.js'
import type { DefaultValue, SchemaModel, TableModel } from '../../schema/model.js'
import { defaultClause } from './sqlite-canonical.js'
import { canAddInPlace, changesShape, columnInUse, refuseBlockedDrop } from './sqlite-ddl-compiler.js'
import { currentTable, rebuildTable } from './sqlite-rebuild.js'

/**
 * One rebuild per table and migration: changes to one table that ALTER TABLE cannot make each cost a full copy
 * (sqlite-rebuild.ts), so the run hands consecutive table changes over together and a table's changes compile to
 * one rebuild into their final shape. The revision file still lists every operation; only the SQL coalesces.
 *
 * Conservative on order: an operation joins an earlier batch of its table only past operations on tables that no
 * foreign key links to it (either way, now or added by a held operation) and that create, drop or rename no index
 * (index names are global). Index operations never move. A batch is compiled as one only where that saves a
 * rebuild; otherwise its operations run one by one where they were written. Everything else (raw SQL, data,
 * renames of tables or columns, views, triggers, enum changes, `op.query`, `op.autocommit`) is not held and ends
 * the batching.
 */

type TableOperation = Extract<AnyOperation, { kind: (typeof TABLE_KINDS)[number] }>

const TABLE_KINDS = [
  'alterColumn',
  'addColumn',
  'dropColumn',
  'createIndex',
  'dropIndex',
  'renameConstraint',
  'addUnique',
  'dropUnique',
  'addCheck',
  'dropCheck',
  'addForeignKey',
  'dropForeignKey',
  'addPrimaryKey',
  'dropPrimaryKey',
] as const

const HELD = new Set<string>(TABLE_KINDS)

function isTableOperation(operation: AnyOperation): operation is TableOperation {
  return HELD.has(operation.kind)
}

/** Index names are global in SQLite: these operations never move past another, nor let one move past them. */
function namesAnIndex(operation: TableOperation): boolean {
  return operation.kind === 'createIndex' || operation.kind === 'dropIndex' || (operation.kind === 'renameConstraint' && operation.objectKind === 'index')
}

const keyOf = (operation: TableOperation) => JSON.stringify([operation.schema, operation.table])
const lower = (name: string) => name.toLowerCase()

/** Whether the operation, on the table as it is, compiles to a rebuild when compiled alone. */
function rebuildsAlone(operation: TableOperation, table: TableModel | undefined): boolean {
  switch (operation.kind) {
    case 'alterColumn':
      return changesShape(operation)
    case 'addColumn':
      return !canAddInPlace(operation.column)
    case 'dropColumn':
      return !!table && columnInUse(table, operation.name)
    case 'createIndex':
    case 'dropIndex':
      return false
    case 'renameConstraint':
      return operation.objectKind !== 'index'
    default:
      return true
  }
}

/** The table's model wrapped for `operation.apply`, as rebuildTable builds it. */
function modelOf(table: TableModel, schema: string | null): SchemaModel {
  return { tables: [{ ...structuredClone(table), schema }], enums: [], schemas: [] }
}

/**
 * Whether compiling the batch as one rebuild saves one: more than one operation of it would rebuild the table
 * alone, each judged on the table as the operations before it leave it. An operation that cannot apply leaves the
 * batch to compile one by one, so its own compiler says what is wrong.
 */
function savesARebuild(batch: TableOperation[], table: TableModel): boolean {
  const model = modelOf(table, batch[0]!.schema)
  let rebuilds = 0
  try {
    for (const operation of batch) {
      if (rebuildsAlone(operation, model.tables[0]!)) rebuilds++
      operation.apply(model)
    }
  } catch {
    return false
  }
  return rebuilds > 1
}

/** The tables each table is linked to by a foreign key (lower-case names), now or through a held operation. */
function foreignKeyLinks(operations: TableOperation[], tables: Map<string, TableModel | undefined>): (a: string, b: string) => boolean {
  const links = new Set<string>()
  const link = (a: string, b: string) => {
    links.add(JSON.stringify([lower(a), lower(b)]))
    links.add(JSON.stringify([lower(b), lower(a)]))
  }
  for (const table of tables.values()) for (const fk of table?.foreignKeys ?? []) link(table!.name, fk.referencedTable)
  for (const operation of operations) if (operation.kind === 'addForeignKey') link(operation.table, operation.object.referencedTable)
  return (a, b) => links.has(JSON.stringify([lower(a), lower(b)]))
}

/** Whether some table has two operations that may each rebuild it (else nothing can fold, and nothing is read). */
function mayFold(operations: TableOperation[]): boolean {
  const candidates = operations.filter((operation) => operation.kind === 'dropColumn' || rebuildsAlone(operation, undefined)).map(keyOf)
  return new Set(candidates).size < candidates.length
}

async function plan(operations: AnyOperation[], context: CompileContext): Promise<AnyOperation[][]> {
  const held = operations as TableOperation[]
  if (!mayFold(held)) return held.map((operation) => [operation])
  const tables = new Map<string, TableModel | undefined>()
  for (const operation of held) if (!tables.has(keyOf(operation))) tables.set(keyOf(operation), await currentTable(context, operation.table, operation.schema))
  const linked = foreignKeyLinks(held, tables)
  const independent = (operation: TableOperation, between: TableOperation[][]) =>
    !namesAnIndex(operation) && between.every((batch) => batch.every((other) => !namesAnIndex(other) && lower(other.table) !== lower(operation.table) && !linked(other.table, operation.table)))

  const batches: TableOperation[][] = []
  for (const operation of held) {
    const at = batches.map((batch) => keyOf(batch[0]!)).lastIndexOf(keyOf(operation))
    if (at >= 0 && (at === batches.length - 1 || independent(operation, batches.slice(at + 1)))) batches[at]!.push(operation)
    else batches.push([operation])
  }
  // A batch that saves no rebuild is undone: its operations run one by one where they were written. A folded
  // batch runs where its first operation was written.
  const units = batches.flatMap((batch) => {
    const table = tables.get(keyOf(batch[0]!))
    return batch.length > 1 && table && savesARebuild(batch, table) ? [batch] : batch.map((operation) => [operation])
  })
  const place = (unit: TableOperation[]) => held.indexOf(unit[0]!)
  return units.sort((a, b) => place(a) - place(b))
}

/**
 * One rebuild into the shape all the batch's operations give the table, each checked as it applies. A column
 * added by the batch is filled as its ADD COLUMN would have filled it (its default then, else NULL), whatever
 * later operations of the batch change, and never from an old column of the same name that the batch dropped.
 */
async function compile(batch: AnyOperation[], context: CompileContext): Promise<string[]> {
  const operations = batch as TableOperation[]
  const added = new Map<string, DefaultValue | null>()
  for (const operation of operations) if (operation.kind === 'addColumn') added.set(operation.column.name, operation.column.default ?? null)
  const first = operations[0]!
  const transform = (model: SchemaModel) => {
    for (const operation of operations) {
      if (operation.kind === 'dropColumn') refuseBlockedDrop(operation, model.tables[0]!)
      operation.apply(model)
    }
  }
  return rebuildTable(context, first.table, first.schema, transform, {
    selectFor: (column) => {
      if (!added.has(column.name)) return undefined
      const fill = added.get(column.name)
      return fill ? defaultClause(fill) : 'NULL'
    },
  })
}

export const sqliteBatching: OperationBatching = { holds: isTableOperation, plan, compile }
