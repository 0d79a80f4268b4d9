import { display } from '../../operations/base.js'
import type { LintRule } from '../types.js'

export const dropSequence = {
  id: 'drop-sequence',
  severity: 'warning',
  category: 'data',
  dialects: ['postgres'],
  exemptOnNewTable: false,
  summary: 'dropping a sequence forgets how far it counted: the downgrade creates it again from its start',
  check(operation) {
    if (operation.kind !== 'dropSequence') return null
    return {
      message: `drops sequence '${display(operation.name, operation.schema)}' (its current value is lost)`,
      fix: 'make sure nothing draws numbers from it any more (defaults, application code), then silence this finding with the reason',
    }
  },
} satisfies LintRule
