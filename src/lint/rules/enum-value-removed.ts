import { display } from '../../operations/base.js'
import type { LintRule } from '../types.js'

export const enumValueRemoved = {
  id: 'enum-value-removed',
  severity: 'error',
  category: 'data',
  dialects: ['sqlite', 'postgres', 'mysql'],
  exemptOnNewTable: true,
  summary: 'removing an enum value fails if rows hold it, and breaks a running application that writes it',
  check(operation) {
    if (operation.kind !== 'alterEnum') return null
    const renamed = Object.values(operation.renames)
    const removed = operation.existing.filter((v) => !operation.values.includes(v) && !renamed.includes(v))
    if (removed.length === 0) return null
    return {
      message: `rebuilds enum '${display(operation.name, operation.schema)}' without ${removed.map((v) => `'${v}'`).join(', ')} (fails if rows hold them)`,
      fix: 'deploy code that no longer writes the value, update the rows that hold it, then remove it',
    }
  },
} satisfies LintRule
