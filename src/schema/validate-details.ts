/**
 * Index and column details a database would drop or refuse (`using`, `include`, operator classes, NULLS order,
 * collations, ON UPDATE): refused when the schema loads, with a message naming the table and the index or column.
 */
import type { SchemaRules } from '../dialects/dialect.js'
import { elementColumn, elementOptions } from './index-elements.js'
import type { ColumnModel, IndexModel, TableModel } from './model.js'

type Rules = Pick<SchemaRules, 'displayName' | 'details'>

/** Column types `.collate()` applies to (and that introspectors reflect a collation for). */
export const COLLATABLE: ReadonlySet<string> = new Set(['varchar', 'char', 'text', 'raw'])

/** An index of plain columns with no method and no INCLUDE: nothing any database refuses (the usual index). */
function plainIndex(index: IndexModel): boolean {
  if (index.using || index.include?.length) return false
  for (const element of index.elements) if (typeof element !== 'string') return false
  return true
}

function indexProblem(table: TableModel, index: IndexModel, rules: Rules): string | null {
  // Checked before any message is built: this runs for every index of the schema.
  if (plainIndex(index)) return null
  const { details, displayName } = rules
  const where = `table '${table.name}', index '${index.name}'`
  const method = index.using?.toLowerCase()
  if (method && details.indexMethods !== 'any' && !details.indexMethods.includes(method))
    return `${where}: ${displayName} keeps no using('${index.using}') index${details.indexMethods.length ? ` (only ${details.indexMethods.map((m) => `'${m}'`).join(', ')})` : ''}: remove .using()`
  if (index.include?.length && !details.include) return `${where}: ${displayName} has no INCLUDE columns: remove .include()`
  for (const element of index.elements) {
    const options = elementOptions(element)
    const label = elementColumn(element) ?? 'expression'
    const refused =
      (options.opclass && !details.opclass && '.opclass()') ||
      (options.nulls && !details.nulls && `.nulls${options.nulls === 'first' ? 'First' : 'Last'}()`) ||
      (options.desc && !details.desc && '.desc()') ||
      (options.collate && !details.elementCollate && '.collate()')
    if (refused) return `${where}: ${displayName} does not keep ${refused} on index elements (element ${label}): remove it`
  }
  return null
}

function columnProblem(table: TableModel, column: ColumnModel, rules: Rules): string | null {
  // Most columns have neither: no message is built for them (this runs for every column of the schema).
  if (!column.collation && !column.onUpdateNow) return null
  const where = `column '${table.name}.${column.name}'`
  if (column.collation && !COLLATABLE.has(column.type.kind)) return `${where}: .collate() needs a text, varchar or char column (this one is ${column.type.kind})`
  if (!column.onUpdateNow) return null
  if (!rules.details.onUpdateNow) return `${where}: ${rules.displayName} has no ON UPDATE CURRENT_TIMESTAMP (MySQL/MariaDB only): remove .onUpdateNow() or set the column in a trigger`
  if (column.type.kind !== 'timestamp') return `${where}: .onUpdateNow() needs a timestamp() column (this one is ${column.type.kind})`
  return null
}

/** The first detail of the table the database cannot keep, as a one-line message; null when there is none. */
export function unsupportedDetailIn(table: TableModel, rules: Rules): string | null {
  for (const column of table.columns) {
    const found = columnProblem(table, column, rules)
    if (found) return found
  }
  for (const index of table.indexes) {
    const found = indexProblem(table, index, rules)
    if (found) return found
  }
  return null
}
