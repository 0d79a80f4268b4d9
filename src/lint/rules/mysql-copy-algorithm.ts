import { display } from '../../operations/base.js'
import type { AnyOperation } from '../../operations/index.js'
import { classifyTypeChange, typeLabel } from '../column-types.js'
import { currentTable, tableName, tableOf } from '../subjects.js'
import type { LintContext, LintRule } from '../types.js'

/** Why MySQL/MariaDB must copy the table for this operation, or null when it can alter in place. */
function copyReason(operation: AnyOperation, context: LintContext): string | null {
  switch (operation.kind) {
    case 'alterColumn': {
      // online: the server refuses instead of copying, which is the safe form.
      if (!operation.changes.type || operation.online) return null
      const from = operation.existing.type ?? currentTable(operation, context)?.columns.find((c) => c.name === operation.name)?.type
      if (classifyTypeChange(from, operation.changes.type, context.dialect) === 'in-place') return null
      return `type change ${typeLabel(from)} → ${typeLabel(operation.changes.type)}`
    }
    case 'addEnumValue':
      return operation.position.before !== undefined || operation.position.after !== undefined ? `enum value '${operation.value}' inserted before the end` : null
    case 'alterEnum':
      return 'enum values removed or reordered'
    case 'dropPrimaryKey':
      return 'primary key dropped'
    case 'addForeignKey':
      return 'foreign key added while foreign_key_checks is on'
    default:
      return null
  }
}

function where(operation: AnyOperation): string {
  if (operation.kind === 'addEnumValue' || operation.kind === 'alterEnum') {
    const tables = [...new Set(operation.columns.map((c) => display(c.table, c.schema)))]
    return tables.length ? `the tables using enum '${operation.name}' (${tables.join(', ')})` : `the tables using enum '${operation.name}'`
  }
  return `'${tableName(operation)}'`
}

export const mysqlCopyAlgorithm = {
  id: 'mysql-copy-algorithm',
  severity: 'warning',
  category: 'lock',
  dialects: ['mysql'],
  exemptOnNewTable: true,
  summary: 'an ALTER that MySQL/MariaDB can only do with ALGORITHM=COPY blocks writes while the whole table is copied',
  check(operation, context) {
    const reason = copyReason(operation, context)
    if (!reason) return null
    const table = tableOf(operation)
    return {
      message: `copies ${where(operation)} (ALGORITHM=COPY: ${reason}; writes wait until the copy ends)`,
      fix: 'online: true (or safe: true) adds ALGORITHM=INPLACE, LOCK=NONE so the server refuses instead of copying; on a large table use an online schema-change tool or expand/contract',
      ...(table ? { data: { kind: 'rows' as const, table: table.name, schema: table.schema } } : {}),
    }
  },
} satisfies LintRule
