/**
 * The target model as MySQL/MariaDB would reflect it, and canonical spellings of defaults and expressions.
 * Decisions (mirrored exactly by the introspector):
 * - enums exist only as column types: `SchemaModel.enums` is empty and every enum column type has the name ''.
 * - a primary key has no name (the server calls every one PRIMARY); its columns are NOT NULL.
 * - a unique index on plain columns is a unique constraint (the server cannot tell them apart).
 * - an index named like a foreign key of its table, on exactly the key's columns, is the key's backing index.
 * - FK actions RESTRICT and NO ACTION are the default (InnoDB treats them alike) and are omitted; no deferrable.
 * - tables have no schema (a MySQL database is the namespace); empty comments are null.
 */
import type { ColumnModel, ColumnType, DefaultValue, ForeignKeyModel, IndexElement, IndexModel, SchemaModel, TableModel, UniqueModel } from '../../schema/model.js'
import { normalizeMysqlExpression, tokenizeExpression } from './mysql-expression.js'
import { canonicalMysqlType } from './mysql-types.js'
import { canonicalForeignKey, sortByName } from '../shared/canonical.js'
import { canonicalElement } from '../../schema/index-elements.js'
import { quoteMysqlIdentifier } from './mysql-sql.js'
import { sameItems } from '../../schema/same-items.js'

function canonicalColumn(column: ColumnModel, inPrimaryKey: boolean): ColumnModel {
  const out: ColumnModel = {
    name: column.name,
    type: canonicalMysqlType(column.type),
    nullable: inPrimaryKey ? false : column.nullable,
    // Copied: canonicalize shares no object with the declared model (compare does not copy it first).
    default: column.default ? { ...column.default } : null,
    comment: column.comment || null,
  }
  if (column.autoincrement) out.autoincrement = true
  if (column.generated) out.generated = { ...column.generated }
  if (column.collation) out.collation = column.collation.toLowerCase()
  if (column.onUpdateNow) out.onUpdateNow = true
  return out
}

/** A descending column is reflected as the key part `` `col` DESC ``: the declared `{ column, desc }` is written so. */
function canonicalMysqlElement(element: IndexElement): IndexElement {
  const canonical = canonicalElement(element)
  if (typeof canonical === 'string' || !('column' in canonical)) return canonical
  return { expression: `${quoteMysqlIdentifier(canonical.column)}${canonical.desc ? ' DESC' : ''}` }
}

/** MySQL reflects RESTRICT as NO ACTION and keeps no DEFERRABLE. */
const canonicalMysqlForeignKey = (fk: ForeignKeyModel) => canonicalForeignKey(fk, { defaultActions: ['no action', 'restrict'], schemas: true, deferrable: false })

/** True for the index MySQL keeps behind a foreign key (auto-created, or added by strata under the key's name). */
export function isForeignKeyBackingIndex(index: { name: string; unique: boolean; elements: unknown[] }, foreignKeys: ForeignKeyModel[]): boolean {
  if (index.unique) return false
  // Named after the constraint, or (for an unnamed constraint) after its first column.
  for (const fk of foreignKeys) if ((fk.name === index.name || fk.columns[0] === index.name) && sameItems(fk.columns, index.elements)) return true
  return false
}

/** A unique index the server would report as a unique constraint: every element a plain column, no predicate. */
export function isPlainUniqueIndex(index: IndexModel): boolean {
  if (!index.unique || index.where) return false
  for (const e of index.elements) if (typeof e !== 'string') return false
  return true
}

function canonicalTable(table: TableModel): TableModel {
  const pkColumns = table.primaryKey?.columns ?? []
  const foreignKeys = sortByName(table.foreignKeys.map(canonicalMysqlForeignKey))
  const uniques: UniqueModel[] = table.uniques.map((u) => ({ name: u.name, columns: [...u.columns] }))
  const indexes: IndexModel[] = []
  for (const index of table.indexes) {
    if (isPlainUniqueIndex(index)) uniques.push({ name: index.name, columns: [...(index.elements as string[])] })
    else if (isForeignKeyBackingIndex(index, foreignKeys)) continue
    else {
      const out: IndexModel = { name: index.name, elements: index.elements.map(canonicalMysqlElement), unique: index.unique }
      if (index.where) out.where = index.where
      indexes.push(out)
    }
  }
  return {
    name: table.name,
    schema: null,
    columns: table.columns.map((c) => canonicalColumn(c, pkColumns.includes(c.name))),
    primaryKey: pkColumns.length ? { columns: [...pkColumns] } : null,
    indexes: sortByName(indexes),
    uniques: sortByName(uniques),
    foreignKeys,
    checks: sortByName(table.checks.map((c) => ({ name: c.name, expression: c.expression }))),
    comment: table.comment || null,
  }
}

export function canonicalizeMysql(model: SchemaModel): SchemaModel {
  return { tables: sortByName(model.tables.map(canonicalTable)), enums: [], schemas: [] }
}

type ParsedDefault = { literal: string | number | boolean } | { expression: string } | null

/** An SQL default that is really a literal (`'abc'`, `0`, `TRUE`, `NULL`, `(5)`) is treated as that literal. */
export function parseSqlDefault(sql: string): ParsedDefault {
  let tokens
  try {
    tokens = tokenizeExpression(sql)
  } catch {
    return { expression: sql }
  }
  while (tokens.length >= 2 && tokens[0]!.t === 'op' && tokens[0]!.v === '(' && tokens.at(-1)!.t === 'op' && tokens.at(-1)!.v === ')') {
    const inner = tokens.slice(1, -1)
    let depth = 0
    let ok = true
    for (const tok of inner) {
      if (tok.t === 'op' && tok.v === '(') depth++
      if (tok.t === 'op' && tok.v === ')' && --depth < 0) ok = false
    }
    if (!ok || depth !== 0) break
    tokens = inner
  }
  if (tokens.length === 1) {
    const tok = tokens[0]!
    if (tok.t === 'str') return { literal: tok.v }
    if (tok.t === 'num') return { literal: tok.v }
    if (tok.t === 'id' && !tok.quoted) {
      if (tok.v === 'null') return null
      if (tok.v === 'true') return { literal: true }
      if (tok.v === 'false') return { literal: false }
    }
  }
  if (tokens.length === 2 && tokens[0]!.t === 'op' && (tokens[0]!.v === '-' || tokens[0]!.v === '+') && tokens[1]!.t === 'num')
    return { literal: `${tokens[0]!.v === '-' ? '-' : ''}${tokens[1]!.v}` }
  return { expression: sql }
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i

/** `007.50` → `7.5`, `-0` → `0`; exact for DECIMALs of any size (no float round-trip unless there is an exponent). */
export function canonicalNumber(text: string): string {
  const trimmed = text.trim()
  if (/e/i.test(trimmed)) return String(Number(trimmed))
  const negative = trimmed.startsWith('-')
  const [intPart = '', fracPart = ''] = trimmed.replace(/^[+-]/, '').split('.')
  const int = intPart.replace(/^0+(?=\d)/, '') || '0'
  const frac = fracPart.replace(/0+$/, '')
  const body = frac ? `${int}.${frac}` : int
  return negative && body !== '0' ? `-${body}` : body
}

function isNumericKind(type: ColumnType): boolean {
  return ['smallint', 'integer', 'bigint', 'real', 'double', 'numeric'].includes(type.kind)
}

function quoteForComparison(text: string): string {
  return "'" + text.replaceAll("'", "''") + "'"
}

function trimFraction(text: string): string {
  return text.replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '')
}

function canonicalTemporal(text: string, type: ColumnType): string {
  let value = text.trim()
  if (type.kind === 'timestamp') {
    value = value.replace('T', ' ').replace(/(Z|[+-]\d\d:\d\d)$/, '')
    if (/^\d{4}-\d\d-\d\d$/.test(value)) value += ' 00:00:00'
    else if (/^\d{4}-\d\d-\d\d \d\d:\d\d$/.test(value)) value += ':00'
  } else if (type.kind === 'time' && /^-?\d+:\d\d$/.test(value)) value += ':00'
  return trimFraction(value)
}

function canonicalLiteral(value: string | number | boolean, type: ColumnType): string {
  if (type.kind === 'boolean') {
    if (value === true || value === 'true' || value === 'TRUE') return '1'
    if (value === false || value === 'false' || value === 'FALSE') return '0'
    if (typeof value === 'number' || NUMBER.test(String(value))) return canonicalNumber(String(value))
    return quoteForComparison(String(value))
  }
  if (isNumericKind(type)) {
    if (typeof value === 'boolean') return value ? '1' : '0'
    const text = String(value)
    return NUMBER.test(text) ? canonicalNumber(text) : quoteForComparison(text)
  }
  const text = typeof value === 'boolean' ? (value ? '1' : '0') : String(value)
  if (type.kind === 'timestamp' || type.kind === 'time') return quoteForComparison(canonicalTemporal(text, type))
  return quoteForComparison(text)
}

const NOW = /^current_timestamp\((\d*)\)$/

function canonicalExpressionDefault(sql: string, type: ColumnType): string {
  const text = normalizeMysqlExpression(sql)
  const now = NOW.exec(text)
  if (now && (type.kind === 'timestamp' || type.kind === 'time')) {
    // DATETIME(3) needs CURRENT_TIMESTAMP(3): the compiler adds it, the comparison ignores it.
    const precision = Number(now[1] || 0) || (type.precision ?? 0)
    return precision ? `current_timestamp(${precision})` : 'current_timestamp()'
  }
  return text
}

/** A default in one comparable spelling: `'abc'`, `1.5`, `1` (for true), `current_timestamp(3)`, `uuid()`, or null. */
export function normalizeMysqlDefault(value: DefaultValue | null | undefined, column: { type: ColumnType }): string | null {
  if (value === null || value === undefined) return null
  const type = canonicalMysqlType(column.type)
  if (value.kind === 'literal') return canonicalLiteral(value.value, type)
  const parsed = parseSqlDefault(value.sql)
  if (parsed === null) return null
  if ('literal' in parsed) return canonicalLiteral(parsed.literal, type)
  return canonicalExpressionDefault(parsed.expression, type)
}
