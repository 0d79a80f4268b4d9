import { display } from '../../operations/base.js'
import type { DialectFamily } from '../../dialects/dialect.js'
import { currentTable } from '../subjects.js'
import type { LintRule } from '../types.js'

const FIX: Record<DialectFamily, string> = {
  postgres: 'build the unique index with op.createIndex(…, { unique: true, online: true }), then ADD CONSTRAINT … UNIQUE USING INDEX; safe: true renders it (CONCURRENTLY outside the transaction)',
  mysql: 'remove the duplicates first; op.createIndex(…, { unique: true, online: true }) builds it without blocking writes',
  sqlite: 'remove the duplicates first',
}

export const addUniqueConstraintBlocking = {
  id: 'add-unique-constraint-blocking',
  severity: 'warning',
  category: 'data',
  dialects: ['sqlite', 'postgres', 'mysql'],
  exemptOnNewTable: true,
  summary: 'a unique constraint or index on existing rows fails on duplicates, and builds its index while blocking writes',
  check(operation, context) {
    const isUniqueIndex = operation.kind === 'createIndex' && operation.object.unique
    if (operation.kind !== 'addUnique' && !isUniqueIndex) return null
    // A constraint made from the unique index of its name (USING INDEX, after a concurrent build) scans nothing.
    if (operation.kind === 'addUnique' && currentTable(operation, context)?.indexes.some((i) => i.unique && i.name === operation.object.name)) return null
    const table = display(operation.table, operation.schema)
    const columns = operation.kind === 'addUnique' ? operation.object.columns : operation.object.elements.filter((e): e is string => typeof e === 'string')
    const what = operation.kind === 'addUnique' ? `adds unique constraint '${operation.object.name}'` : `creates unique index '${operation.object.name}'`
    return {
      message: `${what} on '${table}' (fails if existing rows hold duplicates)`,
      fix: FIX[context.dialect],
      ...(columns.length > 0 ? { data: { kind: 'duplicates', table: operation.table, schema: operation.schema, columns } } : {}),
    }
  },
} satisfies LintRule
