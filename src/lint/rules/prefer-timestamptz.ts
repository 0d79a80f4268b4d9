import { introducedColumns } from '../subjects.js'
import type { LintRule } from '../types.js'

export const preferTimestamptz = {
  id: 'prefer-timestamptz',
  severity: 'info',
  category: 'hygiene',
  dialects: ['postgres'],
  exemptOnNewTable: false,
  summary: 'timestamp without time zone stores wall-clock time; comparisons across time zones and DST go wrong',
  check(operation) {
    const columns = introducedColumns(operation).filter(({ column }) => column.type.kind === 'timestamp' && !column.type.withTimezone)
    if (operation.kind === 'alterColumn' && operation.changes.type?.kind === 'timestamp' && !operation.changes.type.withTimezone)
      columns.push({ table: operation.table, column: { name: operation.name, type: operation.changes.type, nullable: true }, primaryKey: false })
    if (columns.length === 0) return null
    return {
      message: `column ${columns.map((c) => `'${c.table}.${c.column.name}'`).join(', ')} is timestamp without time zone`,
      fix: 'timestamp({ withTimezone: true }) (timestamptz)',
    }
  },
} satisfies LintRule
