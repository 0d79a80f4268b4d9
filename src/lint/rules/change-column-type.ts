import { display } from '../../operations/base.js'
import { classifyTypeChange, typeLabel } from '../column-types.js'
import { currentTable } from '../subjects.js'
import type { LintRule } from '../types.js'

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
    return {
      message: `changes type of column '${display(operation.table, operation.schema)}.${operation.name}' from ${typeLabel(from)} to ${typeLabel(operation.changes.type)} (may fail or truncate data)`,
      fix: 'expand/contract: add a column of the new type, backfill and write both, switch reads, then drop the old column',
    }
  },
} satisfies LintRule
