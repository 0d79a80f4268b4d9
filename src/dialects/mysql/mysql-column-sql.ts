/** SQL fragments shared by the MySQL compilers: column definitions, defaults, key parts, constraints. */
import type { CheckModel, ColumnModel, ColumnType, DefaultValue, ForeignKeyModel, IndexElement, ReferentialAction } from '../../schema/model.js'
import type { MysqlServerInfo } from './mysql-driver.js'
import { parseSqlDefault } from './mysql-canonical.js'
import { checkIdentifierLength, quoteMysqlIdentifier as q, quoteMysqlLiteral, quoteMysqlString } from './mysql-sql.js'
import { mysqlTypeSql } from './mysql-types.js'

export function columnList(columns: string[]): string {
  return columns.map(q).join(', ')
}

/** MySQL 8 accepts defaults on TEXT/BLOB/JSON only as expressions: `DEFAULT ('abc')` (MariaDB takes both). */
function needsExpressionDefault(type: ColumnType): boolean {
  if (type.kind === 'text' || type.kind === 'bytes' || type.kind === 'json' || type.kind === 'jsonb') return true
  return type.kind === 'raw' && /^(tiny|medium|long)?(text|blob)\b|^json\b/i.test(type.sql.trim())
}

const NOW = /^(current_timestamp|now|localtimestamp|localtime)\s*(\(\s*(\d*)\s*\))?$/i

function isWrapped(sql: string): boolean {
  if (!sql.startsWith('(') || !sql.endsWith(')')) return false
  let depth = 0
  for (let i = 0; i < sql.length; i++) {
    if (sql[i] === '(') depth++
    else if (sql[i] === ')' && --depth === 0 && i < sql.length - 1) return false
  }
  return depth === 0
}

export function defaultSql(value: DefaultValue, type: ColumnType): string {
  if (value.kind === 'literal') {
    const literal = quoteMysqlLiteral(value.value)
    return needsExpressionDefault(type) ? `(${literal})` : literal
  }
  const text = value.sql.trim()
  const now = NOW.exec(text)
  if (now) {
    // DATETIME(3) DEFAULT CURRENT_TIMESTAMP is rejected: the precisions must agree.
    const precision = now[3] ? Number(now[3]) : type.kind === 'timestamp' || type.kind === 'time' ? (type.precision ?? 0) : 0
    return precision ? `CURRENT_TIMESTAMP(${precision})` : 'CURRENT_TIMESTAMP'
  }
  const parsed = parseSqlDefault(text)
  if (parsed === null) return 'NULL'
  if ('literal' in parsed) return needsExpressionDefault(type) && !isWrapped(text) ? `(${text})` : text
  // Expression defaults must be parenthesised on MySQL 8; MariaDB accepts the same spelling.
  return isWrapped(text) ? text : `(${text})`
}

export function columnDefinitionSql(column: ColumnModel): string {
  checkIdentifierLength(column.name, 'column')
  if (column.generated) {
    // MariaDB accepts no NULL / NOT NULL on a generated column: only NOT NULL is written (MySQL).
    const kind = column.generated.stored ? 'STORED' : 'VIRTUAL'
    const generated = [q(column.name), mysqlTypeSql(column.type), `GENERATED ALWAYS AS (${column.generated.expression}) ${kind}`]
    if (!column.nullable) generated.push('NOT NULL')
    if (column.comment) generated.push(`COMMENT ${quoteMysqlString(column.comment)}`)
    return generated.join(' ')
  }
  const parts = [q(column.name), mysqlTypeSql(column.type)]
  if (column.collation) parts.push(`COLLATE ${q(column.collation)}`)
  parts.push(column.nullable ? 'NULL' : 'NOT NULL')
  if (column.default !== null && column.default !== undefined && !column.autoincrement) parts.push(`DEFAULT ${defaultSql(column.default, column.type)}`)
  if (column.onUpdateNow) parts.push(`ON UPDATE ${defaultSql({ kind: 'sql', sql: 'CURRENT_TIMESTAMP' }, column.type)}`)
  if (column.autoincrement) parts.push('AUTO_INCREMENT')
  if (column.comment) parts.push(`COMMENT ${quoteMysqlString(column.comment)}`)
  return parts.join(' ')
}

const COLUMN_KEY_PART = /^\s*(`(?:[^`]|``)+`|[A-Za-z_][A-Za-z0-9_$]*)\s*(?:\(\s*(\d+)\s*\))?\s*(asc|desc)?\s*$/i
const DIRECTION = /^(.*?)\s+(asc|desc)\s*$/is

/**
 * One index key part. Expression elements that are a column with a prefix length or a direction (`name(10)`,
 * `name DESC`, as the introspector reflects them) stay column key parts; anything else is a functional key part,
 * which needs MySQL 8.0.13+ (MariaDB has none).
 */
export function keyPartSql(element: IndexElement, indexName: string, server: MysqlServerInfo | undefined): string {
  if (typeof element === 'string') return q(element)
  if ('column' in element) return `${q(element.column)}${element.desc ? ' DESC' : ''}`
  const column = COLUMN_KEY_PART.exec(element.expression)
  if (column && !/^(current_timestamp|null|true|false)$/i.test(column[1]!)) {
    const name = column[1]!.startsWith('`') ? column[1]!.slice(1, -1).replaceAll('``', '`') : column[1]!
    return `${q(name)}${column[2] ? `(${column[2]})` : ''}${column[3] ? ` ${column[3].toUpperCase()}` : ''}`
  }
  if (server?.mariadb)
    throw new Error(`index '${indexName}': expression elements (${element.expression}) are not supported on MariaDB; index a generated column instead`)
  const direction = DIRECTION.exec(element.expression)
  return direction ? `(${direction[1]!.trim()}) ${direction[2]!.toUpperCase()}` : `(${element.expression.trim()})`
}

function action(value: ReferentialAction, fkName: string): string {
  if (value === 'set default') throw new Error(`foreign key '${fkName}': ON … SET DEFAULT is not supported by InnoDB`)
  return value.toUpperCase()
}

/** `CONSTRAINT … FOREIGN KEY …`; deferrable is ignored (MySQL checks foreign keys immediately, always). */
export function foreignKeySql(fk: ForeignKeyModel): string {
  checkIdentifierLength(fk.name, 'foreign key')
  const target = fk.referencedSchema ? `${q(fk.referencedSchema)}.${q(fk.referencedTable)}` : q(fk.referencedTable)
  let text = `CONSTRAINT ${q(fk.name)} FOREIGN KEY (${columnList(fk.columns)}) REFERENCES ${target} (${columnList(fk.referencedColumns)})`
  if (fk.onDelete) text += ` ON DELETE ${action(fk.onDelete, fk.name)}`
  if (fk.onUpdate) text += ` ON UPDATE ${action(fk.onUpdate, fk.name)}`
  return text
}

export function checkSql(check: CheckModel): string {
  checkIdentifierLength(check.name, 'check constraint')
  return `CONSTRAINT ${q(check.name)} CHECK (${check.expression})`
}

export function uniqueKeySql(name: string, columns: string[]): string {
  checkIdentifierLength(name, 'unique constraint')
  return `UNIQUE KEY ${q(name)} (${columnList(columns)})`
}
