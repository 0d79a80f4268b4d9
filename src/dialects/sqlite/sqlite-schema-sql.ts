import type { ColumnModel, ForeignKeyModel, IndexElement, IndexModel, TableModel } from '../../schema/model.js'
import { defaultClause, isAutoincrementColumn, parenthesize, quoteString } from './sqlite-canonical.js'
import { quoteName, toDeclaredType } from './sqlite-types.js'
import { elementColumn, elementExpression, elementOptions } from '../../schema/index-elements.js'

/** SQL text for CREATE TABLE / column definitions / CREATE INDEX, shared by the compiler and the table rebuild. */

export function quoteLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'NULL'
  if (typeof value === 'string') return quoteString(value)
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`SQLite has no literal for ${value}`)
    return String(value)
  }
  if (typeof value === 'boolean') return value ? '1' : '0'
  if (typeof value === 'bigint') return value.toString()
  if (value instanceof Date) return quoteString(value.toISOString())
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return `X'${Buffer.from(value).toString('hex').toUpperCase()}'`
  return quoteString(JSON.stringify(value))
}

function constraintPrefix(name: string | null | undefined): string {
  return name ? `CONSTRAINT ${quoteName(name)} ` : ''
}

/** The CHECK that holds an enum's values (column-level and unnamed, so SQLite's error message lists the values). */
export function enumCheck(column: ColumnModel): string | null {
  if (column.type.kind !== 'enum' || column.type.values.length === 0) return null
  return `CHECK (${quoteName(column.name)} IN (${column.type.values.map(quoteString).join(', ')}))`
}

export function columnDefinition(column: ColumnModel, table: TableModel): string {
  const autoincrement = isAutoincrementColumn(column, table)
  const parts = [quoteName(column.name)]
  const type = autoincrement ? 'INTEGER' : toDeclaredType(column.type)
  if (type) parts.push(type)
  if (column.collation) parts.push(`COLLATE ${quoteName(column.collation)}`)
  if (!column.nullable) parts.push('NOT NULL')
  if (autoincrement) parts.push(`${constraintPrefix(table.primaryKey?.name)}PRIMARY KEY AUTOINCREMENT`)
  if (column.default) parts.push(`DEFAULT ${defaultClause(column.default)}`)
  if (column.generated) parts.push(`GENERATED ALWAYS AS (${column.generated.expression}) ${column.generated.stored ? 'STORED' : 'VIRTUAL'}`)
  const check = enumCheck(column)
  if (check) parts.push(check)
  return parts.join(' ')
}

function nameList(names: string[]): string {
  let list = ''
  for (let i = 0; i < names.length; i++) list += i === 0 ? quoteName(names[i]!) : `, ${quoteName(names[i]!)}`
  return `(${list})`
}

export function foreignKeyClause(fk: ForeignKeyModel): string {
  let text = `${constraintPrefix(fk.name)}FOREIGN KEY ${nameList(fk.columns)} REFERENCES ${quoteName(fk.referencedTable)} ${nameList(fk.referencedColumns)}`
  if (fk.onDelete && fk.onDelete !== 'no action') text += ` ON DELETE ${fk.onDelete.toUpperCase()}`
  if (fk.onUpdate && fk.onUpdate !== 'no action') text += ` ON UPDATE ${fk.onUpdate.toUpperCase()}`
  if (fk.deferrable === 'initially deferred') text += ' DEFERRABLE INITIALLY DEFERRED'
  else if (fk.deferrable) text += ' DEFERRABLE INITIALLY IMMEDIATE'
  return text
}

/**
 * CREATE TABLE with every column and constraint inline; `name` overrides the table name (rebuilds create the
 * new table under a temporary name), `options` is appended after the column list (`WITHOUT ROWID`, `STRICT`).
 */
export function createTableSql(table: TableModel, name: string = table.name, options = ''): string {
  // A loop, not `.map`: on Node 20, `push` or `join` on an array made by `.map` deoptimizes the function once
  // TurboFan has optimized it ("wrong map" in --trace-deopt), and it is compiled again. Likewise in nameList.
  const lines: string[] = []
  for (const column of table.columns) lines.push(columnDefinition(column, table))
  const inlineKey = table.columns.some((c) => isAutoincrementColumn(c, table))
  if (table.primaryKey && table.primaryKey.columns.length && !inlineKey)
    lines.push(`${constraintPrefix(table.primaryKey.name)}PRIMARY KEY ${nameList(table.primaryKey.columns)}`)
  for (const unique of table.uniques) lines.push(`${constraintPrefix(unique.name)}UNIQUE ${nameList(unique.columns)}`)
  for (const check of table.checks) lines.push(`${constraintPrefix(check.name)}CHECK ${parenthesize(check.expression)}`)
  for (const fk of table.foreignKeys) lines.push(foreignKeyClause(fk))
  return `CREATE TABLE ${quoteName(name)} (\n  ${lines.join(',\n  ')}\n)${options ? ` ${options}` : ''}`
}

export function createIndexSql(index: IndexModel, table: string): string {
  // A line break after an expression holding `--` keeps the comment from swallowing what follows.
  const endLine = (sql: string) => (sql.includes('--') ? `${sql}\n` : sql)
  const elementSql = (e: IndexElement) => {
    const column = elementColumn(e)
    const { desc, collate } = elementOptions(e)
    const target = column !== null ? quoteName(column) : endLine(elementExpression(e) ?? '')
    return `${target}${collate ? ` COLLATE ${quoteName(collate)}` : ''}${desc ? ' DESC' : ''}`
  }
  const elements = index.elements.map(elementSql).join(', ')
  const where = index.where && index.where.trim() ? ` WHERE ${endLine(index.where)}` : ''
  return `CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX ${quoteName(index.name)} ON ${quoteName(table)} (${elements})${where}`
}
