import type { CompileContext } from '../dialect.js'
import type { AddEnumValueOp, AlterEnumOp, EnumUsage, RenameEnumValueOp } from '../../operations/enum-ops.js'
import type { AddColumnOp, AlterColumnOp, DropColumnOp } from '../../operations/column-ops.js'
import type { BulkInsertOp } from '../../operations/misc-ops.js'
import type { RenameConstraintOp } from '../../operations/rename-constraint-op.js'
import { type ColumnModel, type SchemaModel, type TableModel, emptyTable } from '../../schema/model.js'
import { quoteString } from './sqlite-canonical.js'
import { introspectSqlite } from './sqlite-introspector.js'
import { tokenize } from './sqlite-parser.js'
import { currentTable, rebuildTable } from './sqlite-rebuild.js'
import { columnDefinition, createIndexSql, createTableSql, quoteLiteral } from './sqlite-schema-sql.js'
import { quoteName } from './sqlite-types.js'
import { sqliteViewCompilers } from './sqlite-views.js'
import { sqliteRoutineCompilers } from './sqlite-triggers.js'
import { type CompilerTable, compileAllWith, nothingToDo, portableCompilers, postgresOnlyPartition, postgresOnlySequence } from '../shared/compiler-table.js'
import type { RenameObjectOp } from '../../operations/rename-object-op.js'

/** The table rebuild for operations SQLite's ALTER TABLE lacks: the operation applied to the table's model. */
function rebuildFor(operation: { table: string; schema: string | null; apply(model: SchemaModel): void }, ctx: CompileContext): Promise<string[]> {
  return rebuildTable(ctx, operation.table, operation.schema, (model) => operation.apply(model))
}
import { elementColumn, elementExpression } from '../../schema/index-elements.js'

/**
 * Operations → SQLite SQL. ALTER TABLE covers renames, simple ADD COLUMN and DROP COLUMN; every other table change
 * is a rebuild (sqlite-rebuild.ts). Schemas, comments and enum types have no SQLite object: they compile to nothing.
 */
export const sqliteCompilers = {
  // One file is one namespace: names are never qualified.
  ...portableCompilers({ quoteIdentifier: quoteName, qualify: (name) => quoteName(name) }),
  ...sqliteViewCompilers,
  ...sqliteRoutineCompilers,
  createTable: (operation) => {
    if (operation.table.partitionBy) return postgresOnlyPartition(operation)
    const statements = [createTableSql(operation.table)]
    for (const index of operation.table.indexes) statements.push(createIndexSql(index, operation.table.name))
    return statements
  },
  createSequence: postgresOnlySequence,
  dropSequence: postgresOnlySequence,
  alterSequence: postgresOnlySequence,
  renameObject: renameSqliteObject,
  createPartition: postgresOnlyPartition,
  dropPartition: postgresOnlyPartition,
  alterPartitionBound: postgresOnlyPartition,
  setTableComment: nothingToDo,
  addColumn,
  dropColumn,
  alterColumn,
  createIndex: (operation) => [createIndexSql(operation.object, operation.table)],
  addUnique: rebuildFor,
  dropUnique: rebuildFor,
  addCheck: rebuildFor,
  dropCheck: rebuildFor,
  addForeignKey: rebuildFor,
  dropForeignKey: rebuildFor,
  addPrimaryKey: rebuildFor,
  dropPrimaryKey: rebuildFor,
  renameConstraint,
  createEnum: nothingToDo,
  dropEnum: nothingToDo,
  addEnumValue: changeEnum,
  renameEnumValue: changeEnum,
  alterEnum: changeEnum,
  createSchema: nothingToDo,
  dropSchema: nothingToDo,
  bulkInsert,
} satisfies CompilerTable

/** ALTER TABLE ADD COLUMN takes no SQL default expression (only constants), and no NOT NULL without a default. */
export function canAddInPlace(column: ColumnModel): boolean {
  // ALTER TABLE ADD COLUMN takes VIRTUAL generated columns only.
  if (column.generated) return !column.generated.stored
  if (column.default && column.default.kind === 'sql') return false
  return column.nullable || !!column.default
}

async function addColumn(op: AddColumnOp, ctx: CompileContext): Promise<string[]> {
  if (canAddInPlace(op.column)) return [`ALTER TABLE ${quoteName(op.table)} ADD COLUMN ${columnDefinition(op.column, emptyTable(op.table))}`]
  return rebuildTable(ctx, op.table, op.schema, (model) => op.apply(model))
}

/** True when `sql` names `column` (as a bare or quoted identifier). */
export function mentions(sql: string, column: string): boolean {
  const lower = column.toLowerCase()
  return tokenize(sql).some((t) => (t.kind === 'word' || t.kind === 'quoted') && t.value.toLowerCase() === lower)
}

/** Whether anything besides the column itself depends on it (SQLite's DROP COLUMN refuses those). */
export function columnInUse(table: TableModel, column: string): boolean {
  const named = (names: string[]) => names.includes(column)
  if (table.primaryKey && named(table.primaryKey.columns)) return true
  if (table.uniques.some((u) => named(u.columns)) || table.foreignKeys.some((f) => named(f.columns))) return true
  if (table.checks.some((c) => mentions(c.expression, column))) return true
  return table.indexes.some(
    (i) => i.elements.some((e) => elementColumn(e) === column || mentions(elementExpression(e) ?? '', column)) || (!!i.where && mentions(i.where, column)),
  )
}

async function dropColumn(op: DropColumnOp, ctx: CompileContext): Promise<string[]> {
  const table = await currentTable(ctx, op.table, op.schema)
  if (!table || !columnInUse(table, op.name)) return [`ALTER TABLE ${quoteName(op.table)} DROP COLUMN ${quoteName(op.name)}`]
  refuseBlockedDrop(op, table)
  return rebuildTable(ctx, op.table, op.schema, (model) => op.apply(model))
}

/**
 * Indexes, uniques and foreign keys on the column go with it (DropColumnOp.apply); what else names it must be
 * dropped first, as SQLite's own DROP COLUMN demands. Said at compile time, so offline scripts fail early too.
 */
export function refuseBlockedDrop(op: DropColumnOp, table: TableModel): void {
  const blockers = [
    ...(table.primaryKey?.columns.includes(op.name) ? ['the primary key'] : []),
    ...table.checks.filter((c) => mentions(c.expression, op.name)).map((c) => `check constraint '${c.name}'`),
    ...table.indexes
      .filter((i) => !i.elements.some((e) => elementColumn(e) === op.name) && (i.elements.some((e) => mentions(elementExpression(e) ?? '', op.name)) || (!!i.where && mentions(i.where, op.name))))
      .map((i) => `index '${i.name}'`),
  ]
  if (blockers.length) throw new Error(`cannot drop column '${op.table}.${op.name}': ${blockers.join(', ')} use${blockers.length === 1 ? 's' : ''} it; drop ${blockers.length === 1 ? 'it' : 'them'} first`)
}

/** SQLite keeps no comments: a comment-only change has nothing to do. */
export function changesShape(op: AlterColumnOp): boolean {
  return Object.keys(op.changes).some((k) => k !== 'comment' && (op.changes as Record<string, unknown>)[k] !== undefined)
}

async function alterColumn(op: AlterColumnOp, ctx: CompileContext): Promise<string[]> {
  if (!changesShape(op)) return []
  return rebuildTable(ctx, op.table, op.schema, (model) => op.apply(model))
}

type EnumOp = AddEnumValueOp | RenameEnumValueOp | AlterEnumOp

/** Tables and columns holding the enum: from the operation, or (online) from the live schema. */
async function enumUsages(op: EnumOp, ctx: CompileContext): Promise<EnumUsage[]> {
  if (op.columns.length) return op.columns
  if (ctx.connection && !ctx.offline) {
    const live = await introspectSqlite(ctx.connection)
    return live.tables.flatMap((t) => t.columns.filter((c) => c.type.kind === 'enum' && c.type.name === op.name).map((c) => ({ table: t.name, column: c.name })))
  }
  throw new Error(`${op.kind}('${op.name}'): SQLite keeps enum values in each column's CHECK constraint; pass the columns that use the enum (options.columns) for offline SQL`)
}

/**
 * SQLite has no enum type: the values live in each column's CHECK, so every table using the enum is rebuilt with
 * the new values. Renamed values are rewritten while the rows are copied (the old CHECK never sees them).
 */
async function changeEnum(op: EnumOp, ctx: CompileContext): Promise<string[]> {
  const values = op.values
  const renames: Record<string, string> = {}
  if (op.kind === 'renameEnumValue') renames[op.from] = op.to
  if (op.kind === 'alterEnum') for (const [to, from] of Object.entries(op.renames)) renames[from] = to
  const byTable = new Map<string, Set<string>>()
  const usageSchema = new Map<string, string | null>()
  for (const usage of await enumUsages(op, ctx)) {
    usageSchema.set(usage.table, usage.schema ?? null)
    const columns = byTable.get(usage.table) ?? new Set<string>()
    columns.add(usage.column)
    byTable.set(usage.table, columns)
  }
  const statements: string[] = []
  for (const [table, columns] of byTable) {
    const retype = (model: SchemaModel) => {
      for (const column of model.tables[0]!.columns) {
        if (!columns.has(column.name) || column.type.kind !== 'enum') continue
        column.type = { ...column.type, values: [...values] }
        const d = column.default
        if (d && d.kind === 'literal' && typeof d.value === 'string' && renames[d.value] !== undefined) column.default = { kind: 'literal', value: renames[d.value]! }
      }
    }
    const selectFor = (column: ColumnModel) => {
      if (!columns.has(column.name) || Object.keys(renames).length === 0) return undefined
      const name = quoteName(column.name)
      const cases = Object.entries(renames).map(([from, to]) => `WHEN ${quoteString(from)} THEN ${quoteString(to)}`)
      return `CASE ${name} ${cases.join(' ')} ELSE ${name} END`
    }
    statements.push(...(await rebuildTable(ctx, table, usageSchema.get(table) ?? null, retype, { selectFor })))
  }
  return statements
}

function bulkInsert(op: BulkInsertOp): string[] {
  if (op.rows.length === 0) return []
  const columns: string[] = []
  for (const row of op.rows) for (const key of Object.keys(row)) if (!columns.includes(key)) columns.push(key)
  const rows = op.rows.map((row) => `(${columns.map((c) => quoteLiteral(row[c] ?? null)).join(', ')})`)
  return [`INSERT INTO ${quoteName(op.table)} (${columns.map(quoteName).join(', ')}) VALUES\n  ${rows.join(',\n  ')}`]
}

/** SQLite cannot rename an index (it is re-created under the new name) nor a constraint (the table is rebuilt). */
async function renameConstraint(op: RenameConstraintOp, ctx: CompileContext): Promise<string[]> {
  if (op.objectKind !== 'index') return rebuildTable(ctx, op.table, op.schema, (model) => op.apply(model))
  const index = (await currentTable(ctx, op.table, op.schema))?.indexes.find((i) => i.name === op.from)
  if (!index) throw new Error(`index '${op.from}' on '${op.table}' is not known, so it cannot be renamed`)
  return [`DROP INDEX ${quoteName(op.from)}`, createIndexSql({ ...index, name: op.to }, op.table)]
}

/** SQLite renames neither views nor triggers: they are dropped and created again under the new name. */
async function renameSqliteObject(op: RenameObjectOp, ctx: CompileContext): Promise<string[]> {
  return compileAllWith(sqliteCompilers, op.dropAndCreate(), ctx)
}
