import { display } from '../../operations/base.js'
import type { DialectFamily } from '../../dialects/dialect.js'
import { rawIndexBuild } from '../raw-sql.js'
import type { LintRule } from '../types.js'

const WHY: Partial<Record<DialectFamily, { message: string; fix: string }>> = {
  postgres: {
    message: 'blocks writes to the table while it builds',
    fix: 'op.createIndex(…, { online: true }) inside op.autocommit (CREATE INDEX CONCURRENTLY, outside the transaction); safe: true renders it',
  },
  mysql: {
    message: 'may fall back to a locking table copy',
    fix: 'op.createIndex(…, { online: true }) adds ALGORITHM=INPLACE LOCK=NONE, so the server refuses instead of locking; safe: true renders it',
  },
}

export const createIndexBlocking = {
  id: 'create-index-blocking',
  severity: 'warning',
  category: 'lock',
  dialects: ['postgres', 'mysql'],
  exemptOnNewTable: true,
  summary: 'a plain CREATE INDEX on an existing table blocks writes while it builds',
  check(operation, context) {
    const why = WHY[context.dialect]!
    if (operation.kind === 'createIndex') {
      if (operation.online) return null
      return {
        message: `creates index '${operation.object.name}' on '${display(operation.table, operation.schema)}' (${why.message})`,
        fix: why.fix,
        data: { kind: 'rows', table: operation.table, schema: operation.schema },
      }
    }
    if (operation.kind !== 'execute') return null
    const raw = rawIndexBuild(operation.sql)
    if (!raw || raw.concurrently || /\block\s*=\s*none\b/i.test(operation.sql)) return null
    return { message: `creates an index on '${display(raw.table.name, raw.table.schema)}' in raw SQL (${why.message})`, fix: why.fix, data: { kind: 'rows', table: raw.table.name, schema: raw.table.schema } }
  },
} satisfies LintRule
