import { display } from '../../operations/base.js'
import type { LintRule } from '../types.js'

/** Functions whose value differs per row: PostgreSQL must write each row to add a column defaulting to one. */
const VOLATILE = /\b(random|gen_random_uuid|uuid_generate_v[14]|clock_timestamp|timeofday|nextval|txid_current)\s*\(/i

export const volatileDefaultRewrite = {
  id: 'volatile-default-rewrite',
  severity: 'warning',
  category: 'lock',
  dialects: ['postgres'],
  exemptOnNewTable: true,
  summary: 'ADD COLUMN with a volatile default (or any default before PostgreSQL 11) rewrites the whole table under an ACCESS EXCLUSIVE lock',
  check(operation, context) {
    if (operation.kind !== 'addColumn') return null
    const value = operation.column.default
    if (!value) return null
    const volatile = value.kind === 'sql' && VOLATILE.test(value.sql)
    const oldServer = !!context.serverVersion && context.serverVersion.major < 11
    if (!volatile && !oldServer) return null
    return {
      message: `adds column '${display(operation.table, operation.schema)}.${operation.column.name}' with ${volatile ? 'a volatile default' : 'a default on PostgreSQL before 11'} (rewrites the table under an ACCESS EXCLUSIVE lock)`,
      fix: 'add the column without a default (or with a constant one), set the default, then backfill existing rows in batches (docs/lint.md, expand/contract)',
      data: { kind: 'rows', table: operation.table, schema: operation.schema },
    }
  },
} satisfies LintRule
