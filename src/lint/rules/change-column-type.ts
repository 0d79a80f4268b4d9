import { display } from '../../operations/base.js'
import type { ColumnType } from '../../schema/model.js'
import { classifyTypeChange, typeLabel } from '../column-types.js'
import { currentTable } from '../subjects.js'
import type { LintRule } from '../types.js'

/** MySQL's TEXT and BLOB sizes, smallest first: each holds every value of the ones before it. */
const MYSQL_SIZES = [
  ['tinytext', 'text', 'mediumtext', 'longtext'],
  ['tinyblob', 'blob', 'mediumblob', 'longblob'],
]

/** A type's MySQL name when it is a bare native name (`text`, `mediumtext`, `longblob`), else null. */
function mysqlName(type: ColumnType): string | null {
  if (type.kind === 'text') return 'text'
  if (type.kind === 'bytes') return 'longblob'
  return type.kind === 'raw' ? type.sql.trim().toLowerCase() : null
}

/** The values of a MySQL SET type (`set('a','it''s')`), or null for any other type. */
export function mysqlSetValues(type: ColumnType | undefined): string[] | null {
  if (type?.kind !== 'raw') return null
  const list = /^\s*set\s*\((.*)\)\s*$/is.exec(type.sql)?.[1]
  if (list === undefined) return null
  const values = [...list.matchAll(/'((?:[^']|'')*)'/g)].map((m) => m[1]!.replaceAll("''", "'"))
  return values.length > 0 ? values : null
}

/**
 * MySQL widenings the portable classification does not know (its TEXT/BLOB sizes and SETs are raw types): a larger
 * TEXT or BLOB (a VARCHAR or CHAR fits MEDIUMTEXT and LONGTEXT), or a SET whose values are the old ones and more
 * after them. None can fail or truncate a value. No other server has these types (SQLite keeps any value in any
 * column), so no dialect needs telling apart.
 */
function mysqlWidens(from: ColumnType, to: ColumnType): boolean {
  const target = mysqlName(to)
  if ((from.kind === 'varchar' || from.kind === 'char') && (target === 'mediumtext' || target === 'longtext')) return true
  const source = mysqlName(from)
  for (const sizes of MYSQL_SIZES) {
    const a = sizes.indexOf(source ?? '')
    const b = sizes.indexOf(target ?? '')
    if (a >= 0 && b >= 0) return b >= a
  }
  const before = mysqlSetValues(from)
  const after = mysqlSetValues(to)
  return !!before && !!after && after.length >= before.length && before.every((v, i) => v.toLowerCase() === after[i]!.toLowerCase())
}

export const changeColumnType = {
  id: 'change-column-type',
  severity: 'warning',
  category: 'data',
  dialects: ['sqlite', 'postgres', 'mysql'],
  exemptOnNewTable: true,
  summary: 'a type change that is not a widening may fail on existing values or truncate them',
  check(operation, context) {
    if (operation.kind !== 'alterColumn' || !operation.changes.type) return null
    const from = operation.existing.type ?? currentTable(operation, context)?.columns.find((c) => c.name === operation.name)?.type
    if (classifyTypeChange(from, operation.changes.type, context.dialect) !== 'unsafe') return null
    if (from && mysqlWidens(from, operation.changes.type)) return null
    return {
      message: `changes type of column '${display(operation.table, operation.schema)}.${operation.name}' from ${typeLabel(from)} to ${typeLabel(operation.changes.type)} (may fail or truncate data)`,
      fix: 'expand/contract: add a column of the new type, backfill and write both, switch reads, then drop the old column',
    }
  },
} satisfies LintRule
