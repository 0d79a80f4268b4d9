import type { ColumnModel, ColumnType, DefaultValue, EnumModel, ForeignKeyModel, IndexElement, IndexModel, SchemaModel, TableModel } from '../../schema/model.js'
import { type Token, tokenize } from './sqlite-parser.js'
import { fromDeclaredType, isIntegerKind, toDeclaredType } from './sqlite-types.js'
import { byName, canonicalForeignKey, sortByName } from '../shared/canonical.js'
import { canonicalElement, elementExpression } from '../../schema/index-elements.js'

/** An SQL string literal. */
export function quoteString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`
}

/** `(sql)`; a line break before ')' keeps a trailing `-- comment` in the expression from swallowing it. */
export function parenthesize(sql: string): string {
  return sql.includes('--') ? `(${sql}\n)` : `(${sql})`
}

/** Text after DEFAULT in a column definition. SQL defaults are parenthesised, as SQLite requires for expressions. */
export function defaultClause(value: DefaultValue): string {
  if (value.kind === 'sql') return parenthesize(value.sql)
  if (typeof value.value === 'boolean') return value.value ? '1' : '0'
  if (typeof value.value === 'number') {
    if (!Number.isFinite(value.value)) throw new Error(`SQLite cannot store the default ${value.value}`)
    return String(value.value)
  }
  return quoteString(value.value)
}

/** What pragma_table_xinfo reports as `dflt_value` for a default strata wrote (SQLite drops the outer parentheses). */
function reportedDefaultText(value: DefaultValue): string {
  return value.kind === 'sql' ? value.sql.trim() : defaultClause(value)
}

/**
 * A reported default (`dflt_value`) as a DefaultValue: single literals become literals (0/1/TRUE/FALSE on a boolean
 * column become booleans), anything else stays SQL. `NULL` means no default.
 */
export function parseDefaultText(text: string | null | undefined, type: ColumnType): DefaultValue | null {
  if (text === null || text === undefined) return null
  const trimmed = text.trim()
  const tokens = tokenize(trimmed)
  const isBoolean = type.kind === 'boolean'
  if (tokens.length === 1) {
    const [token] = tokens as [Token]
    if (token.kind === 'string') return { kind: 'literal', value: token.value }
    if (token.kind === 'word') {
      const word = token.value.toUpperCase()
      if (word === 'NULL') return null
      if (isBoolean && (word === 'TRUE' || word === 'FALSE')) return { kind: 'literal', value: word === 'TRUE' }
    }
  }
  const numeric = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i.exec(trimmed)
  if (numeric) {
    const value = Number(trimmed)
    if (isBoolean && (value === 0 || value === 1)) return { kind: 'literal', value: value === 1 }
    // Past 2^53 a JS number would change the value: keep it as SQL text.
    if (Number.isFinite(value) && (!/^[+-]?\d+$/.test(trimmed) || Number.isSafeInteger(value))) return { kind: 'literal', value }
  }
  return { kind: 'sql', sql: trimmed }
}

/** A default as the introspector would reflect it once strata wrote it. */
export function canonicalDefault(value: DefaultValue | null | undefined, type: ColumnType): DefaultValue | null {
  if (!value) return null
  return parseDefaultText(reportedDefaultText(value), type)
}

/** Collapses an expression to one spelling: comments and whitespace out, words lower-cased, needless quotes and outer parentheses gone. */
export function normalizeExpression(sql: string): string {
  const parts: string[] = []
  for (const token of tokenize(sql)) {
    if (token.kind === 'word') parts.push(token.value.toLowerCase())
    else if (token.kind === 'quoted') {
      const name = token.value.toLowerCase()
      parts.push(/^[a-z_][a-z0-9_]*$/.test(name) ? name : `"${name.replaceAll('"', '""')}"`)
    } else if (token.kind === 'string') parts.push(quoteString(token.value))
    else if (token.kind === 'number') parts.push(String(Number(token.text)) === 'NaN' ? token.text.toLowerCase() : String(Number(token.text)))
    else parts.push(token.text.toLowerCase())
  }
  let text = parts
    .join(' ')
    .replace(/\( /g, '(')
    .replace(/ \)/g, ')')
    .replace(/ ,/g, ',')
    .replace(/ \. /g, '.')
    .replace(/([a-z0-9_"]) \(/g, '$1(')
  while (text.startsWith('(') && text.endsWith(')') && wrapsWhole(text)) text = text.slice(1, -1).trim()
  return text
}

/** True when the first '(' closes at the very end (so the outer pair is redundant). */
function wrapsWhole(text: string): boolean {
  let depth = 0
  let quote: string | null = null
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!
    if (quote) {
      if (ch === quote) quote = null
      continue
    }
    if (ch === "'" || ch === '"') quote = ch
    else if (ch === '(') depth++
    else if (ch === ')' && --depth === 0 && i < text.length - 1) return false
  }
  return true
}

/** A default in one spelling, for comparison: literals as SQLite literals, SQL through normalizeExpression. */
export function normalizeDefault(value: DefaultValue | null | undefined, column: { type: ColumnType }): string | null {
  const canonical = canonicalDefault(value, column.type)
  if (!canonical) return null
  if (canonical.kind === 'sql') return normalizeExpression(canonical.sql)
  if (typeof canonical.value === 'boolean') return canonical.value ? '1' : '0'
  if (typeof canonical.value === 'number') return String(canonical.value)
  return quoteString(canonical.value)
}

/** The type as reflected after strata wrote it (jsonb → json, DATETIME → timestamp, enum without schema). */
export function canonicalType(type: ColumnType): ColumnType {
  if (type.kind === 'enum') return { kind: 'enum', name: type.name, values: [...type.values] }
  return fromDeclaredType(toDeclaredType(type))
}

/** True when the column becomes `INTEGER PRIMARY KEY AUTOINCREMENT`: the table's only key column, of an integer type. */
export function isAutoincrementColumn(column: ColumnModel, table: TableModel): boolean {
  const pk = table.primaryKey?.columns ?? []
  return !!column.autoincrement && pk.length === 1 && pk[0] === column.name && isIntegerKind(column.type)
}

/** Orders a table's lists by name (columns keep their position): the introspector and canonicalize both end here. */
export function sortTable(table: TableModel): TableModel {
  sortByName(table.indexes)
  sortByName(table.uniques)
  sortByName(table.foreignKeys)
  sortByName(table.checks)
  return table
}

/** Enums as SQLite reflects them: one per enum name used by a column (values from the first use). */
export function enumsUsedBy(tables: TableModel[]): EnumModel[] {
  const found = new Map<string, EnumModel>()
  for (const table of tables)
    for (const column of table.columns)
      if (column.type.kind === 'enum' && !found.has(column.type.name))
        found.set(column.type.name, { name: column.type.name, schema: null, values: [...column.type.values] })
  return [...found.values()].sort(byName)
}

const canonicalSqliteForeignKey = (fk: ForeignKeyModel) => canonicalForeignKey(fk, { defaultActions: ['no action'], schemas: false, deferrable: true })

/**
 * SQLite compares collation names without regard to case (built-in and sqlite3_create_collation ones alike): one
 * spelling, upper case, on both sides of a comparison (the introspector reflects names through this too).
 */
export const foldCollation = (name: string) => name.toUpperCase()

/** `"a" COLLATE NOCASE DESC` written as an expression is the column `a` with options, as SQLite reflects it. */
function columnElementOf(expression: string): IndexElement | null {
  let tokens: Token[]
  try {
    tokens = tokenize(expression)
  } catch {
    return null
  }
  const [name, ...rest] = tokens
  if (!name || (name.kind !== 'word' && name.kind !== 'quoted')) return null
  const element: IndexElement = { column: name.value }
  if (rest[0]?.kind === 'word' && rest[0].value.toUpperCase() === 'COLLATE' && rest[1] && (rest[1].kind === 'word' || rest[1].kind === 'quoted')) {
    element.collate = rest[1].value
    rest.splice(0, 2)
  }
  if (rest.length === 1 && rest[0]!.kind === 'word' && ['ASC', 'DESC'].includes(rest[0]!.value.toUpperCase())) {
    if (rest[0]!.value.toUpperCase() === 'DESC') element.desc = true
    rest.shift()
  }
  return rest.length === 0 ? element : null
}

function canonicalIndex(index: IndexModel, table: TableModel): IndexModel {
  const columnCollation = (name: string) => foldCollation(table.columns.find((c) => c.name.toLowerCase() === name.toLowerCase())?.collation ?? 'BINARY')
  const elements = index.elements.map((e) => {
    const expression = elementExpression(e)
    const element = expression !== null ? (columnElementOf(expression.trim()) ?? { ...(e as object), expression: expression.trim() }) : e
    return canonicalElement(element, foldCollation, columnCollation)
  })
  const out: IndexModel = { name: index.name, elements, unique: index.unique }
  if (index.where && index.where.trim()) out.where = index.where.trim()
  return out
}

function canonicalColumn(column: ColumnModel, table: TableModel): ColumnModel {
  const autoincrement = isAutoincrementColumn(column, table)
  const type = autoincrement ? { kind: 'integer' as const } : canonicalType(column.type)
  const out: ColumnModel = { name: column.name, type, nullable: column.nullable, default: canonicalDefault(column.default, type) }
  if (autoincrement) out.autoincrement = true
  if (column.generated) out.generated = { ...column.generated }
  if (column.collation) out.collation = foldCollation(column.collation)
  return out
}

/** One table as the introspector returns it after strata created it. */
export function canonicalTable(table: TableModel): TableModel {
  return sortTable({
    name: table.name,
    schema: null,
    columns: table.columns.map((c) => canonicalColumn(c, table)),
    primaryKey: table.primaryKey && table.primaryKey.columns.length ? { name: table.primaryKey.name ?? null, columns: [...table.primaryKey.columns] } : null,
    indexes: table.indexes.map((i) => canonicalIndex(i, table)),
    uniques: table.uniques.map((u) => ({ name: u.name, columns: [...u.columns] })),
    foreignKeys: table.foreignKeys.map(canonicalSqliteForeignKey),
    checks: table.checks.map((c) => ({ name: c.name, expression: c.expression.trim() })),
    comment: null,
  })
}

/**
 * The model as SQLite reflects it: no schemas, no comments (SQLite has none), enums only where columns use them,
 * types and defaults in their reflected spelling, AUTOINCREMENT only on a sole integer primary key column.
 */
export function canonicalize(model: SchemaModel): SchemaModel {
  const tables = model.tables.map(canonicalTable).sort(byName)
  return { tables, enums: enumsUsedBy(tables), schemas: [] }
}
