import { display } from '../../operations/base.js'
import { rawIndexBuild, rawIndexDrop } from '../raw-sql.js'
import type { LintRule } from '../types.js'

export const concurrentIndexInTransaction = {
  id: 'concurrent-index-in-transaction',
  severity: 'error',
  category: 'data',
  dialects: ['postgres'],
  exemptOnNewTable: false,
  summary: 'PostgreSQL refuses CREATE/DROP INDEX CONCURRENTLY inside a transaction block: the migration fails',
  check(operation, context) {
    if (context.outsideTransaction) return null
    const fix = 'wrap it in op.autocommit(() => …), or export const transaction = false'
    if ((operation.kind === 'createIndex' || operation.kind === 'dropIndex') && operation.online) {
      const name = operation.kind === 'createIndex' ? operation.object.name : operation.name
      return { message: `${operation.kind === 'createIndex' ? 'builds' : 'drops'} index '${name}' on '${display(operation.table, operation.schema)}' CONCURRENTLY inside the migration's transaction (PostgreSQL refuses it)`, fix }
    }
    if (operation.kind !== 'execute') return null
    const concurrent = rawIndexBuild(operation.sql)?.concurrently || rawIndexDrop(operation.sql)?.concurrently
    return concurrent ? { message: 'runs CONCURRENTLY in raw SQL inside the migration\'s transaction (PostgreSQL refuses it)', fix } : null
  },
} satisfies LintRule
