import { display } from '../../operations/base.js'
import type { AnyOperation } from '../../operations/index.js'
import type { ColumnModel, SchemaModel } from '../../schema/model.js'
import { currentTable } from '../subjects.js'
import type { LintContext, LintRule } from '../types.js'
import { elementColumn } from '../../schema/index-elements.js'

/**
 * ALTER TABLE … ADD COLUMN takes only constant defaults, and NOT NULL only with one. Mirrors the SQLite compiler
 * (sqlite-ddl-compiler.ts), which lint does not import: it would load the SQLite dialect for every dialect's lint.
 */
function addsInPlace(column: ColumnModel): boolean {
  if (column.default && column.default.kind === 'sql') return false
  return column.nullable || !!column.default
}

/** The table SQLite must rebuild for this operation (what ALTER TABLE cannot do), or null. */
function rebuiltTable(operation: AnyOperation, context: LintContext): { name: string; schema: string | null } | null {
  switch (operation.kind) {
    case 'addUnique':
    case 'dropUnique':
    case 'addCheck':
    case 'dropCheck':
    case 'addForeignKey':
    case 'dropForeignKey':
    case 'addPrimaryKey':
    case 'dropPrimaryKey':
      return { name: operation.table, schema: operation.schema }
    case 'alterColumn':
      return Object.keys(operation.changes).some((k) => k !== 'comment') ? { name: operation.table, schema: operation.schema } : null
    case 'addColumn':
      return addsInPlace(operation.column) ? null : { name: operation.table, schema: operation.schema }
    case 'dropColumn': {
      const table = currentTable(operation, context)
      const used = !!table && (table.indexes.some((i) => i.elements.some((e) => elementColumn(e) === operation.name)) || table.uniques.some((u) => u.columns.includes(operation.name)) || table.foreignKeys.some((f) => f.columns.includes(operation.name)))
      return used ? { name: operation.table, schema: operation.schema } : null
    }
    default:
      return null
  }
}

/** Tables whose foreign keys cascade deletes from `table`: a rebuild run with foreign keys on would empty them. */
function cascadingChildren(model: SchemaModel, table: string): string[] {
  return model.tables.filter((t) => t.name !== table && t.foreignKeys.some((f) => f.referencedTable === table && f.onDelete === 'cascade')).map((t) => t.name)
}

export const sqliteRebuild = {
  id: 'sqlite-rebuild',
  severity: 'warning',
  category: 'lock',
  dialects: ['sqlite'],
  exemptOnNewTable: true,
  summary: 'a change ALTER TABLE cannot make rebuilds the table (copy, drop, rename), holding the write lock for the whole copy',
  check(operation, context) {
    const table = rebuiltTable(operation, context)
    if (!table) return null
    const children = cascadingChildren(context.model, table.name)
    const cascade = children.length ? `; ON DELETE CASCADE children ${children.map((c) => `'${c}'`).join(', ')} lose their rows if it runs with foreign_keys on` : ''
    return {
      message: `rebuilds table '${display(table.name, table.schema)}' (copies every row under the write lock${cascade})`,
      fix: 'let strata run it (it turns foreign keys off and re-creates indexes and triggers); batch changes to one table into one migration; never replay the SQL with foreign_keys on',
      data: { kind: 'triggers', table: table.name, schema: table.schema },
    }
  },
} satisfies LintRule
