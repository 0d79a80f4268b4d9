import { display } from '../../operations/base.js'
import type { AnyOperation } from '../../operations/index.js'
import type { ColumnModel, ReferentialAction, SchemaModel } from '../../schema/model.js'
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

/** What the DROP's implicit DELETE does to a child's rows with foreign keys on, per ON DELETE action. */
const DELETE_EFFECTS: Partial<Record<ReferentialAction, string>> = {
  cascade: 'lose their rows',
  'set null': 'have their references set to NULL',
  'set default': 'have their references set to their default',
}

/**
 * Children whose ON DELETE action changes their rows when `table` is dropped: a rebuild run with foreign keys on
 * would fire it (the same children strata refuses to rebuild around where enforcement stays on). Grouped by action.
 */
function actingChildren(model: SchemaModel, table: string): string[] {
  const key = table.toLowerCase()
  const groups: string[] = []
  for (const [action, effect] of Object.entries(DELETE_EFFECTS)) {
    const children = model.tables.filter((t) => t.name.toLowerCase() !== key && t.foreignKeys.some((f) => f.referencedTable.toLowerCase() === key && f.onDelete === action))
    if (children.length) groups.push(`ON DELETE ${action.toUpperCase()} children ${children.map((c) => `'${c.name}'`).join(', ')} ${effect}`)
  }
  return groups
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
    const children = actingChildren(context.model, table.name)
    const acting = children.length ? `; if it runs with foreign_keys on, ${children.join(', ')}` : ''
    return {
      message: `rebuilds table '${display(table.name, table.schema)}' (copies every row under the write lock${acting})`,
      fix: 'let strata run it (it turns foreign keys off and re-creates indexes and triggers); batch changes to one table into one migration; never replay the SQL with foreign_keys on',
      data: { kind: 'triggers', table: table.name, schema: table.schema },
    }
  },
} satisfies LintRule
