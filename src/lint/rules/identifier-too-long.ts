import type { AnyOperation } from '../../operations/index.js'
import type { LintRule } from '../types.js'

/** Every name an operation creates. */
function createdNames(operation: AnyOperation): string[] {
  switch (operation.kind) {
    case 'createTable': {
      const t = operation.table
      return [t.name, ...t.columns.map((c) => c.name), ...t.indexes.map((i) => i.name), ...t.uniques.map((u) => u.name), ...t.foreignKeys.map((f) => f.name), ...t.checks.map((c) => c.name), ...(t.primaryKey?.name ? [t.primaryKey.name] : [])]
    }
    case 'renameTable':
      return [operation.to]
    case 'addColumn':
      return [operation.column.name]
    case 'renameColumn':
      return [operation.to]
    case 'createIndex':
    case 'addUnique':
    case 'addCheck':
    case 'addForeignKey':
      return [operation.object.name]
    case 'addPrimaryKey':
      return operation.primaryKey.name ? [operation.primaryKey.name] : []
    case 'createEnum':
      return [operation.enumType.name]
    default:
      return []
  }
}

export const identifierTooLong = {
  id: 'identifier-too-long',
  severity: 'error',
  category: 'data',
  dialects: ['postgres', 'mysql'],
  exemptOnNewTable: false,
  summary: 'a name longer than the server allows (63 bytes on PostgreSQL, 64 characters on MySQL) is refused, or silently truncated into a collision',
  check(operation, context) {
    const unit = context.identifierLengthUnit
    const length = (name: string) => (unit === 'bytes' ? Buffer.byteLength(name, 'utf8') : [...name].length)
    const long = createdNames(operation).filter((name) => length(name) > context.maxIdentifierLength)
    if (long.length === 0) return null
    return {
      message: `names ${long.map((n) => `'${n}' (${length(n)} ${unit})`).join(', ')} longer than the limit of ${context.maxIdentifierLength} ${unit}`,
      fix: 'choose a shorter name (naming conventions in the config shorten generated ones)',
    }
  },
} satisfies LintRule
