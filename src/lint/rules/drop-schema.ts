import type { LintRule } from '../types.js'

export const dropSchema = {
  id: 'drop-schema',
  severity: 'error',
  category: 'data',
  dialects: ['postgres'],
  exemptOnNewTable: false,
  summary: 'dropping a PostgreSQL schema drops what is left in it',
  check(operation) {
    if (operation.kind !== 'dropSchema') return null
    return {
      message: `drops schema '${operation.name}'`,
      fix: 'drop or move its tables in earlier revisions first, then silence this finding with the reason',
    }
  },
} satisfies LintRule
