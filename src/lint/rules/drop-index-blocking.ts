import { display } from '../../operations/base.js'
import { rawIndexDrop } from '../raw-sql.js'
import type { LintRule } from '../types.js'

export const dropIndexBlocking = {
  id: 'drop-index-blocking',
  severity: 'warning',
  category: 'lock',
  dialects: ['postgres'],
  exemptOnNewTable: true,
  summary: 'a plain DROP INDEX takes an ACCESS EXCLUSIVE lock on the table, queued behind every running query',
  check(operation) {
    const fix = 'op.dropIndex(…, { online: true }) inside op.autocommit (DROP INDEX CONCURRENTLY); safe: true renders it'
    if (operation.kind === 'dropIndex') {
      if (operation.online) return null
      return { message: `drops index '${operation.name}' on '${display(operation.table, operation.schema)}' (blocks reads and writes until it gets its lock)`, fix }
    }
    if (operation.kind !== 'execute') return null
    const raw = rawIndexDrop(operation.sql)
    return raw && !raw.concurrently ? { message: 'drops an index in raw SQL without CONCURRENTLY (blocks reads and writes until it gets its lock)', fix } : null
  },
} satisfies LintRule
