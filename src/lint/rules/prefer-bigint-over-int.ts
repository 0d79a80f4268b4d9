import { introducedColumns } from '../subjects.js'
import type { LintRule } from '../types.js'

export const preferBigintOverInt = {
  id: 'prefer-bigint-over-int',
  severity: 'info',
  category: 'hygiene',
  dialects: ['postgres', 'mysql'],
  exemptOnNewTable: false,
  summary: 'a 32-bit key runs out at 2,147,483,647 rows, and widening it later rewrites the table',
  check(operation) {
    const keys = introducedColumns(operation).filter(({ column, primaryKey }) => (column.type.kind === 'integer' || column.type.kind === 'smallint') && (primaryKey || !!column.autoincrement))
    if (keys.length === 0) return null
    return {
      message: `key column ${keys.map((k) => `'${k.table}.${k.column.name}'`).join(', ')} is ${keys[0]!.column.type.kind} (runs out at ${keys[0]!.column.type.kind === 'smallint' ? '32,767' : '2,147,483,647'})`,
      fix: 'use bigint() for keys and the columns that reference them',
    }
  },
} satisfies LintRule
