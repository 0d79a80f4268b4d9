import { display } from '../../operations/base.js'
import type { LintRule } from '../types.js'

export const renameColumn = {
  id: 'rename-column',
  severity: 'error',
  category: 'data',
  dialects: ['sqlite', 'postgres', 'mysql'],
  exemptOnNewTable: true,
  summary: "renaming a column breaks the running application's queries until the new code is deployed",
  check(operation) {
    if (operation.kind !== 'renameColumn') return null
    return {
      message: `renames column '${display(operation.table, operation.schema)}.${operation.from}' to '${operation.to}' (the running application's queries fail until it is redeployed)`,
      fix: `expand/contract: add '${operation.to}', backfill it in batches and write both, deploy, then drop '${operation.from}' in a later revision (docs/lint.md)`,
    }
  },
} satisfies LintRule
