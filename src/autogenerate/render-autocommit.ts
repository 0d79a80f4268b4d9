import type { AddEnumValueOp } from '../operations/enum-ops.js'
import type { AnyOperation } from '../operations/index.js'
import type { DefaultValue } from '../schema/model.js'
import { elementExpression } from '../schema/index-elements.js'

/**
 * PostgreSQL refuses to use an enum value in the transaction that added it ("unsafe use of new value"). A value
 * added and then used by a later operation of the same migration (a default, a check, a partial index, inserted
 * rows) must be added outside the run's transaction: autogenerate wraps that `addEnumValue` in `op.autocommit()`.
 * Values nothing uses stay inside the transaction, so the migration stays atomic.
 */
export function addedValueUsedLater(op: AddEnumValueOp, later: AnyOperation[]): boolean {
  return later.some((other) => usesValue(other, op.value))
}

function quoted(value: string): string {
  return `'${value.replaceAll("'", "''")}'`
}

function defaultUses(value: DefaultValue | null | undefined, text: string): boolean {
  if (!value) return false
  return value.kind === 'literal' ? value.value === text : value.sql.includes(quoted(text))
}

function sqlUses(sql: string | null | undefined, text: string): boolean {
  return !!sql && sql.includes(quoted(text))
}

function usesValue(op: AnyOperation, value: string): boolean {
  switch (op.kind) {
    case 'addColumn':
      return defaultUses(op.column.default, value)
    case 'alterColumn':
      return defaultUses(op.changes.default, value)
    case 'createTable':
      return (
        op.table.columns.some((c) => defaultUses(c.default, value)) ||
        op.table.checks.some((c) => sqlUses(c.expression, value)) ||
        op.table.indexes.some((i) => sqlUses(i.where, value) || i.elements.some((e) => sqlUses(elementExpression(e), value)))
      )
    case 'addCheck':
      return sqlUses(op.object.expression, value)
    case 'createIndex':
      return sqlUses(op.object.where, value) || op.object.elements.some((e) => sqlUses(elementExpression(e), value))
    case 'bulkInsert':
      return op.rows.some((row) => Object.values(row).some((v) => v === value))
    case 'execute':
      return sqlUses(op.sql, value)
    case 'createView':
    case 'replaceView':
      return sqlUses(op.view.definition, value)
    default:
      return false
  }
}
