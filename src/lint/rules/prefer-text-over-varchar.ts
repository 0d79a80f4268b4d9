import { introducedColumns } from '../subjects.js'
import type { LintRule } from '../types.js'

export const preferTextOverVarchar = {
  id: 'prefer-text-over-varchar',
  severity: 'info',
  category: 'hygiene',
  dialects: ['postgres'],
  exemptOnNewTable: false,
  summary: 'on PostgreSQL varchar(n) stores like text; the length limit only adds an ALTER (and sometimes a lock) when it must grow',
  check(operation) {
    const columns = introducedColumns(operation).filter(({ column }) => column.type.kind === 'varchar' && column.type.length !== undefined)
    if (columns.length === 0) return null
    return {
      message: `column ${columns.map((c) => `'${c.table}.${c.column.name}'`).join(', ')} is varchar with a length limit`,
      fix: 'text(), with a CHECK (char_length(col) <= n) if the limit is a business rule',
    }
  },
} satisfies LintRule
