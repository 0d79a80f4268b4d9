import { display } from '../../operations/base.js'
import type { LintRule } from '../types.js'

export const renameTable = {
  id: 'rename-table',
  severity: 'error',
  category: 'data',
  dialects: ['sqlite', 'postgres', 'mysql'],
  exemptOnNewTable: true,
  summary: "renaming a table breaks the running application's queries until the new code is deployed",
  check(operation) {
    if (operation.kind !== 'renameTable') return null
    return {
      message: `renames table '${display(operation.from, operation.schema)}' to '${operation.to}' (the running application's queries fail until it is redeployed)`,
      fix: 'expand/contract: create the new table, write to both and backfill, switch reads, then drop the old one in a later revision (docs/lint.md)',
    }
  },
} satisfies LintRule
