import { display } from '../../operations/base.js'
import type { LintRule } from '../types.js'

export const dropColumn = {
  id: 'drop-column',
  severity: 'error',
  category: 'data',
  dialects: ['sqlite', 'postgres', 'mysql'],
  exemptOnNewTable: true,
  summary: 'dropping a column loses its values, and breaks a running application that still selects it',
  check(operation) {
    if (operation.kind !== 'dropColumn') return null
    // A generated column's values are computed from the others: dropping it loses nothing.
    if (operation.column?.generated) return null
    return {
      message: `drops column '${display(operation.table, operation.schema)}.${operation.name}' (data loss)`,
      fix: 'deploy code that no longer reads or writes the column first (expand/contract), then silence this finding with the reason',
      data: { kind: 'rows', table: operation.table, schema: operation.schema },
    }
  },
} satisfies LintRule
