import type { AnyOperation } from '../../operations/index.js'
import { tableName } from '../subjects.js'
import type { LintRule } from '../types.js'

/** Operations that take an ACCESS EXCLUSIVE (or write-blocking) lock on their table on PostgreSQL. */
const EXCLUSIVE = new Set<AnyOperation['kind']>([
  'dropTable',
  'renameTable',
  'addColumn',
  'dropColumn',
  'renameColumn',
  'alterColumn',
  'addUnique',
  'dropUnique',
  'addCheck',
  'dropCheck',
  'addForeignKey',
  'dropForeignKey',
  'addPrimaryKey',
  'dropPrimaryKey',
])

export const missingLockTimeout = {
  id: 'missing-lock-timeout',
  severity: 'warning',
  category: 'lock',
  dialects: ['postgres'],
  exemptOnNewTable: true,
  oncePerRevision: true,
  summary: 'a statement waiting for an ACCESS EXCLUSIVE lock without lock_timeout queues every later query on the table behind it',
  check(operation, context) {
    if (context.lockTimeoutSet) return null
    const exclusive = EXCLUSIVE.has(operation.kind) || (operation.kind === 'dropIndex' && !operation.online)
    if (!exclusive) return null
    return {
      message: `takes an ACCESS EXCLUSIVE lock on '${tableName(operation)}' with no lock_timeout (a long query ahead of it stalls every query behind it)`,
      fix: "set ddlLockTimeout (e.g. '2s') in strata.config.ts: strata then bounds each statement's lock wait and retries it; or start the migration with op.execute(\"SET LOCAL lock_timeout = '5s'\")",
    }
  },
} satisfies LintRule
