import { display } from '../../operations/base.js'
import type { LintRule } from '../types.js'

export const dropTable = {
  id: 'drop-table',
  severity: 'error',
  category: 'data',
  dialects: ['sqlite', 'postgres', 'mysql'],
  exemptOnNewTable: true,
  summary: 'dropping a table loses its rows, and breaks a running application that still reads it',
  check(operation) {
    if (operation.kind !== 'dropTable') return null
    return {
      message: `drops table '${display(operation.name, operation.schema)}' (data loss)`,
      fix: 'deploy code that no longer uses the table first, keep a backup, then silence this finding with the reason',
      data: { kind: 'rows', table: operation.name, schema: operation.schema },
    }
  },
} satisfies LintRule
