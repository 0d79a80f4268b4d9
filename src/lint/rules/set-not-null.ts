import { display } from '../../operations/base.js'
import type { DialectFamily } from '../../dialects/dialect.js'
import type { TableModel } from '../../schema/model.js'
import { currentTable } from '../subjects.js'
import type { LintContext, LintRule, ServerVersion } from '../types.js'

const FIX: Record<DialectFamily, (version: ServerVersion | null) => string> = {
  postgres: (version) =>
    version && version.major < 12
      ? 'backfill the NULLs first; PostgreSQL before 12 always scans (from 12, a validated CHECK lets SET NOT NULL skip the scan)'
      : 'add CHECK (col IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT, then SET NOT NULL (PostgreSQL 12+ skips the scan) and drop the check; safe: true renders it',
  mysql: () => 'backfill the NULLs first; MODIFY … NOT NULL rebuilds the table in place',
  sqlite: () => 'backfill the NULLs first; the change rebuilds the table',
}

/** Whether a validated NOT NULL check spares SET NOT NULL its scan (PostgreSQL 12+; the others have no such check). */
const SCAN_SKIPPED_BY_CHECK: Record<DialectFamily, (version: ServerVersion | null) => boolean> = {
  postgres: (version) => !version || version.major >= 12,
  mysql: () => false,
  sqlite: () => false,
}

/**
 * PostgreSQL 12+: a validated `CHECK (col IS NOT NULL)` on the table (the safe form: added NOT VALID, validated
 * in op.autocommit) proves the column holds no NULL, so SET NOT NULL neither fails nor scans.
 */
function provenNotNull(column: string, table: TableModel | undefined, context: LintContext): boolean {
  if (!SCAN_SKIPPED_BY_CHECK[context.dialect](context.serverVersion) || !table) return false
  const name = column.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  const isNotNull = new RegExp(`^\\(*\\s*"?${name}"?\\s+IS\\s+NOT\\s+NULL\\s*\\)*$`, 'iu')
  return (table.checks ?? []).some((c) => isNotNull.test(c.expression.trim()) && !context.unvalidated.has(c.name.toLowerCase()))
}

export const setNotNull = {
  id: 'set-not-null',
  severity: 'warning',
  category: 'data',
  dialects: ['sqlite', 'postgres', 'mysql'],
  exemptOnNewTable: true,
  summary: 'SET NOT NULL fails if the column holds NULLs, and PostgreSQL scans the whole table under an ACCESS EXCLUSIVE lock',
  check(operation, context) {
    if (operation.kind !== 'alterColumn' || operation.changes.nullable !== false) return null
    if (provenNotNull(operation.name, currentTable(operation, context), context)) return null
    return {
      message: `makes column '${display(operation.table, operation.schema)}.${operation.name}' NOT NULL (fails if it holds NULLs)`,
      fix: FIX[context.dialect](context.serverVersion),
      data: { kind: 'nulls', table: operation.table, schema: operation.schema, column: operation.name },
    }
  },
} satisfies LintRule
