import { display } from '../../operations/base.js'
import type { AnyOperation } from '../../operations/index.js'
import type { AddEnumValueOp } from '../../operations/enum-ops.js'
import type { ColumnType } from '../../schema/model.js'
import { classifyTypeChange, typeLabel } from '../column-types.js'
import { currentTable, tableName, tableOf } from '../subjects.js'
import type { LintContext, LintRule } from '../types.js'
import { mysqlSetValues } from './change-column-type.js'

/** Bytes an ENUM of `count` values takes in a row: one up to 255 values, two past that. */
const enumBytes = (count: number) => (count > 255 ? 2 : 1)
/** Bytes a SET of `count` values takes in a row: 1, 2, 3, 4 or 8. */
const setBytes = (count: number) => [1, 2, 3, 4, 8].find((bytes) => bytes * 8 >= count) ?? 8

/**
 * Why adding an enum value copies the table, or null when it does not. A value after every existing one (`after`
 * the last value, or no position) changes only the table's metadata while the row keeps its size; `after` an
 * earlier value, or `before` one, is a mid-list insert that renumbers the stored values.
 */
function enumValueCopyReason(operation: AddEnumValueOp): string | null {
  const { existing, values } = operation
  const appended = values.length === existing.length + 1 && values[values.length - 1] === operation.value && existing.every((v, i) => v === values[i])
  if (!appended) return `enum value '${operation.value}' inserted before the end`
  return enumBytes(existing.length) === enumBytes(values.length) ? null : `enum value '${operation.value}' makes the enum take 2 bytes a row`
}

/** A SET gaining values at its end without growing in the row: in place, as for an ENUM. */
function setAppendsInPlace(from: ColumnType | undefined, to: ColumnType): boolean {
  const before = mysqlSetValues(from)
  const after = mysqlSetValues(to)
  if (!before || !after || after.length < before.length || !before.every((v, i) => v === after[i])) return false
  return setBytes(before.length) === setBytes(after.length)
}

/** Why MySQL/MariaDB must copy the table for this operation, or null when it can alter in place. */
function copyReason(operation: AnyOperation, context: LintContext): string | null {
  switch (operation.kind) {
    case 'alterColumn': {
      // online: the server refuses instead of copying, which is the safe form.
      if (!operation.changes.type || operation.online) return null
      const from = operation.existing.type ?? currentTable(operation, context)?.columns.find((c) => c.name === operation.name)?.type
      if (classifyTypeChange(from, operation.changes.type, context.dialect) === 'in-place') return null
      if (setAppendsInPlace(from, operation.changes.type)) return null
      return `type change ${typeLabel(from)} → ${typeLabel(operation.changes.type)}`
    }
    case 'addEnumValue':
      return enumValueCopyReason(operation)
    case 'alterEnum':
      return 'enum values removed or reordered'
    case 'dropPrimaryKey':
      return 'primary key dropped'
    case 'addForeignKey':
      return 'foreign key added while foreign_key_checks is on'
    case 'addCheck':
      // The server checks every row by copying: ALGORITHM=INPLACE is refused (MariaDB error 1845).
      return 'CHECK constraint added'
    default:
      return null
  }
}

function where(operation: AnyOperation): string {
  if (operation.kind === 'addEnumValue' || operation.kind === 'alterEnum') {
    const tables = [...new Set(operation.columns.map((c) => display(c.table, c.schema)))]
    return tables.length ? `the tables using enum '${operation.name}' (${tables.join(', ')})` : `the tables using enum '${operation.name}'`
  }
  return `'${tableName(operation)}'`
}

export const mysqlCopyAlgorithm = {
  id: 'mysql-copy-algorithm',
  severity: 'warning',
  category: 'lock',
  dialects: ['mysql'],
  exemptOnNewTable: true,
  summary: 'an ALTER that MySQL/MariaDB can only do with ALGORITHM=COPY blocks writes while the whole table is copied',
  check(operation, context) {
    const reason = copyReason(operation, context)
    if (!reason) return null
    const table = tableOf(operation)
    return {
      message: `copies ${where(operation)} (ALGORITHM=COPY: ${reason}; writes wait until the copy ends)`,
      fix: 'online: true (or safe: true) adds ALGORITHM=INPLACE, LOCK=NONE so the server refuses instead of copying; on a large table use an online schema-change tool or expand/contract',
      ...(table ? { data: { kind: 'rows' as const, table: table.name, schema: table.schema } } : {}),
    }
  },
} satisfies LintRule
