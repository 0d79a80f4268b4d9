import { display } from '../../operations/base.js'
import type { DialectFamily } from '../../dialects/dialect.js'
import type { LintRule } from '../types.js'

const FIX: Record<DialectFamily, string> = {
  postgres: 'build a unique index with op.createIndex(…, { unique: true, online: true }), then ADD PRIMARY KEY USING INDEX in raw SQL',
  mysql: 'remove duplicates and NULLs first; the server rebuilds the table',
  sqlite: 'remove duplicates and NULLs first; the change rebuilds the table',
}

export const addPrimaryKeyBlocking = {
  id: 'add-primary-key-blocking',
  severity: 'warning',
  category: 'data',
  dialects: ['sqlite', 'postgres', 'mysql'],
  exemptOnNewTable: true,
  summary: 'a primary key added to existing rows fails on duplicates or NULLs, and builds its index under an ACCESS EXCLUSIVE lock',
  check(operation, context) {
    if (operation.kind !== 'addPrimaryKey') return null
    return {
      message: `adds primary key on '${display(operation.table, operation.schema)}' (fails on duplicates or NULLs; blocks the table while the index builds)`,
      fix: FIX[context.dialect],
      data: { kind: 'duplicates', table: operation.table, schema: operation.schema, columns: operation.primaryKey.columns },
    }
  },
} satisfies LintRule
