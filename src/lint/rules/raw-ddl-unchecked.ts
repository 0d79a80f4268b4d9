import { rawDdlUnchecked as unchecked } from '../raw-sql.js'
import type { LintRule } from '../types.js'

/**
 * Raw DDL lint does not read (every ALTER, DROP, RENAME or TRUNCATE in `op.execute`, but the VALIDATE CONSTRAINT
 * the safe forms use): said once, as info, so that a revision of raw SQL does not pass lint as if it were checked.
 */
export const rawDdlUnchecked = {
  id: 'raw-ddl-unchecked',
  severity: 'info',
  category: 'hygiene',
  dialects: ['sqlite', 'postgres', 'mysql'],
  exemptOnNewTable: false,
  summary: 'lint judges operations, not the SQL of op.execute: its locks and data effects are not checked',
  check(operation) {
    if (operation.kind !== 'execute') return null
    const statement = unchecked(operation.sql)
    if (!statement) return null
    return {
      message: `runs raw DDL lint does not check: ${statement}`,
      fix: 'write it as an operation (op.addColumn, op.alterColumn, …) so lint and autogenerate see it, or review its locks and data effects by hand',
    }
  },
} satisfies LintRule
