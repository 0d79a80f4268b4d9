import type { AnyOperation } from '../operations/index.js'
import type { ColumnModel, TableModel } from '../schema/model.js'
import { findTable, qualifiedName } from '../schema/model.js'
import { rawIndexBuild } from './raw-sql.js'
import type { LintContext } from './types.js'

/** The table an operation changes, or null for operations that change no one table (enums, schemas, raw SQL). */
export function tableOf(operation: AnyOperation): { name: string; schema: string | null } | null {
  switch (operation.kind) {
    case 'createTable':
      return { name: operation.table.name, schema: operation.table.schema ?? null }
    case 'dropTable':
      return { name: operation.name, schema: operation.schema }
    case 'renameTable':
      return { name: operation.from, schema: operation.schema }
    case 'createEnum':
    case 'dropEnum':
    case 'addEnumValue':
    case 'renameEnumValue':
    case 'alterEnum':
    case 'createSchema':
    case 'dropSchema':
      return null
    case 'execute':
      return rawIndexBuild(operation.sql)?.table ?? null
    default:
      // Table-level operations name their table; views, routines and extensions change no one table.
      if ('table' in operation && typeof operation.table === 'string')
        return { name: operation.table, schema: 'schema' in operation && typeof operation.schema === 'string' ? operation.schema : null }
      return null
  }
}

export function tableName(operation: AnyOperation): string {
  const table = tableOf(operation)
  return table ? qualifiedName(table.name, table.schema) : ''
}

/** The table an operation changes, as the schema holds it just before the operation. */
export function currentTable(operation: AnyOperation, context: LintContext): TableModel | undefined {
  const table = tableOf(operation)
  return table ? findTable(context.model, table.name, table.schema) : undefined
}

/** Columns an operation introduces, with their table: what hygiene rules look at. */
export function introducedColumns(operation: AnyOperation): Array<{ table: string; column: ColumnModel; primaryKey: boolean }> {
  if (operation.kind === 'createTable') {
    const pk = operation.table.primaryKey?.columns ?? []
    return operation.table.columns.map((column) => ({ table: operation.table.name, column, primaryKey: pk.includes(column.name) }))
  }
  if (operation.kind === 'addColumn') return [{ table: operation.table, column: operation.column, primaryKey: false }]
  return []
}

/** `1204553` → `1,204,553`: counts read the way Prisma prints them. */
export function formatCount(count: number): string {
  return count.toLocaleString('en-US')
}
