import { display } from '../../operations/base.js'
import type { LintRule } from '../types.js'

export const addColumnNotNullWithoutDefault = {
  id: 'add-column-not-null-without-default',
  severity: 'error',
  category: 'data',
  dialects: ['sqlite', 'postgres', 'mysql'],
  exemptOnNewTable: true,
  summary: 'a NOT NULL column without a default cannot be added to a table that has rows (MySQL silently fills zero values)',
  check(operation) {
    if (operation.kind !== 'addColumn') return null
    const { column } = operation
    if (column.nullable || (column.default !== undefined && column.default !== null) || column.autoincrement) return null
    return {
      message: `adds NOT NULL column '${display(operation.table, operation.schema)}.${column.name}' without a default (fails on a table with rows)`,
      fix: 'add it nullable, backfill it, then set NOT NULL; or give it a default',
      data: { kind: 'rows', table: operation.table, schema: operation.schema },
    }
  },
} satisfies LintRule
