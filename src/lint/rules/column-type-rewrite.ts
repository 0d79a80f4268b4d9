import { display } from '../../operations/base.js'
import { classifyTypeChange, typeLabel } from '../column-types.js'
import { currentTable } from '../subjects.js'
import type { LintRule } from '../types.js'

export const columnTypeRewrite = {
  id: 'column-type-rewrite',
  severity: 'warning',
  category: 'lock',
  dialects: ['postgres'],
  exemptOnNewTable: true,
  summary: 'a widening PostgreSQL cannot do in place (integer → bigint) rewrites the table under an ACCESS EXCLUSIVE lock',
  check(operation, context) {
    if (operation.kind !== 'alterColumn' || !operation.changes.type) return null
    const from = operation.existing.type ?? currentTable(operation, context)?.columns.find((c) => c.name === operation.name)?.type
    if (classifyTypeChange(from, operation.changes.type, context.dialect) !== 'rewrite') return null
    return {
      message: `changes type of column '${display(operation.table, operation.schema)}.${operation.name}' from ${typeLabel(from)} to ${typeLabel(operation.changes.type)} (no data lost; rewrites the table under an ACCESS EXCLUSIVE lock)`,
      fix: 'on a large table: add a column of the new type, backfill it in batches, then swap the columns in a short transaction',
      data: { kind: 'rows', table: operation.table, schema: operation.schema },
    }
  },
} satisfies LintRule
