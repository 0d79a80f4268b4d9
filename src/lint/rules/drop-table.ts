import { display } from '../../operations/base.js'
import type { LintRule } from '../types.js'

export const dropTable = {
  id: 'drop-table',
  severity: 'error',
  category: 'data',
  dialects: ['sqlite', 'postgres', 'mysql'],
  exemptOnNewTable: true,
  summary: 'dropping a table (or a partition of one) loses its rows, and breaks a running application that still reads it',
  check(operation) {
    if (operation.kind === 'dropPartition')
      return {
        message: `drops partition '${display(operation.name, operation.schema)}'${operation.partition ? ` of '${operation.partition.parent}'` : ''} with its rows (data loss)`,
        fix: 'move the rows elsewhere first (or detach the partition by hand to keep it as a table), keep a backup, then silence this finding with the reason',
        data: { kind: 'rows', table: operation.name, schema: operation.schema },
      }
    if (operation.kind !== 'dropTable') return null
    return {
      message: `drops table '${display(operation.name, operation.schema)}' (data loss)`,
      fix: 'deploy code that no longer uses the table first, keep a backup, then silence this finding with the reason',
      data: { kind: 'rows', table: operation.name, schema: operation.schema },
    }
  },
} satisfies LintRule
