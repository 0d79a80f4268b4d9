/**
 * The model as PostgreSQL reflects it (canonicalize), and canonical spellings of defaults and expressions for
 * comparison. The introspector builds exactly the shapes produced here, so `canonicalize(model)` and a reflected
 * model compare with deep equality once defaults and expressions go through the normalisers.
 */
import type {
  ColumnModel,
  ColumnType,
  DefaultValue,
  EnumModel,
  ForeignKeyModel,
  IndexModel,
  SchemaModel,
  TableModel,
} from '../../schema/model.js'
import type { ExprNode } from './postgres-expression-tree.js'
import { canonicalNumber, canonicalTemporal, normalizePgExpression, quoteString, reducedExpression, render } from './postgres-expression.js'
import { PG_MAX_IDENTIFIER_BYTES, quoteLiteral } from './postgres-quote.js'
import { canonicalColumnType } from './postgres-types.js'
import { byName, canonicalForeignKey, sortByName } from '../shared/canonical.js'
import { canonicalElement, canonicalIndexDetails } from '../../schema/index-elements.js'

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

export { byName }

/** Default schema first, then by schema and name. */
export function compareTables(a: { name: string; schema?: string | null }, b: { name: string; schema?: string | null }): number {
  return compareText(a.schema ?? '', b.schema ?? '') || compareText(a.name, b.name)
}

type Family = 'number' | 'boolean' | 'json' | 'jsonb' | 'temporal' | 'other'

function defaultFamily(type: ColumnType): Family {
  switch (type.kind) {
    case 'smallint':
    case 'integer':
    case 'bigint':
    case 'real':
    case 'double':
    case 'numeric':
      return 'number'
    case 'boolean':
      return 'boolean'
    case 'json':
      return 'json'
    case 'jsonb':
      return 'jsonb'
    case 'date':
    case 'time':
    case 'timestamp':
      return 'temporal'
    default:
      return 'other'
  }
}

const TRUE_WORDS = new Set(['t', 'true', 'y', 'yes', 'on', '1'])
const FALSE_WORDS = new Set(['f', 'false', 'n', 'no', 'off', '0'])

/** jsonb keeps objects with sorted keys and normalised spacing; any JSON text is compared by value. */
function sortedJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedJson)
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).sort(([a], [b]) => compareText(a, b)).map(([k, v]) => [k, sortedJson(v)]))
  return value
}

/** A literal value (string, number text or boolean) as it compares in a column of this type. */
function canonicalLiteral(text: string, isString: boolean, type: ColumnType): string {
  const family = defaultFamily(type)
  if (family === 'number') {
    const number = canonicalNumber(text)
    if (number !== null) return number
  }
  if (family === 'boolean') {
    const word = text.trim().toLowerCase()
    if (TRUE_WORDS.has(word)) return 'true'
    if (FALSE_WORDS.has(word)) return 'false'
  }
  if (family === 'temporal') return quoteString(canonicalTemporal(text) ?? text)
  if ((family === 'json' || family === 'jsonb') && isString) {
    try {
      const parsed: unknown = JSON.parse(text)
      return quoteString(JSON.stringify(family === 'jsonb' ? sortedJson(parsed) : parsed))
    } catch {
      // not JSON: compare as text
    }
  }
  return quoteString(text)
}

function literalText(node: ExprNode): { text: string; isString: boolean } | null {
  if (node.k === 'str') return { text: node.v, isString: true }
  if (node.k === 'num') return { text: node.v, isString: false }
  if (node.k === 'const' && node.v !== 'NULL') return { text: node.v.toLowerCase(), isString: false }
  return null
}

/**
 * A default in canonical text: `'0'::integer`, `0` and the literal 0 are all `0`; `'abc'::character varying` and
 * 'abc' are `'abc'`; now() and CURRENT_TIMESTAMP are `CURRENT_TIMESTAMP`; NULL is no default (null).
 */
export function normalizePgDefault(value: DefaultValue | null | undefined, column: { type: ColumnType }): string | null {
  if (value === null || value === undefined) return null
  const text = value.kind === 'literal' ? quoteLiteral(value.value) : value.sql
  const node = reducedExpression(text, { temporalStrings: false })
  if (!node) return normalizePgExpression(text)
  if (node.k === 'const' && node.v === 'NULL') return null
  const literal = literalText(node)
  if (literal) return canonicalLiteral(literal.text, literal.isString, canonicalColumnType(column.type).type)
  return render(node)
}

function jsNumber(text: string): number | null {
  const n = Number(text)
  if (!Number.isFinite(n)) return null
  return canonicalNumber(String(n)) === canonicalNumber(text) && (!Number.isInteger(n) || Number.isSafeInteger(n)) ? n : null
}

/**
 * A default as `pg_get_expr` prints it, read back into the model: plain constants (with the cast the server adds)
 * become literals, anything else stays SQL in the server's spelling.
 */
export function reflectDefault(sql: string, type: ColumnType): DefaultValue | null {
  const node = reducedExpression(sql, { temporalStrings: false })
  if (!node) return { kind: 'sql', sql }
  if (node.k === 'const') {
    if (node.v === 'NULL') return null
    return { kind: 'literal', value: node.v === 'TRUE' }
  }
  if (node.k === 'num' || (node.k === 'str' && defaultFamily(type) === 'number' && canonicalNumber(node.v) !== null)) {
    const n = jsNumber(node.v)
    return n !== null ? { kind: 'literal', value: n } : { kind: 'literal', value: canonicalNumber(node.v) ?? node.v }
  }
  if (node.k === 'str') return { kind: 'literal', value: node.v }
  return { kind: 'sql', sql }
}

export function normalizeExpressionText(sql: string): string {
  return normalizePgExpression(sql)
}

/** `<table>_pkey`, as the server names an unnamed primary key (the table part shortened to fit). */
export function defaultPrimaryKeyName(table: string): string {
  let base = table
  while (Buffer.byteLength(`${base}_pkey`) > PG_MAX_IDENTIFIER_BYTES) base = base.slice(0, -1)
  return `${base}_pkey`
}

function canonicalColumn(column: ColumnModel, inPrimaryKey: boolean): ColumnModel {
  const native = canonicalColumnType(column.type)
  const autoincrement = native.serial ? true : column.autoincrement === true ? 'by-default' : column.autoincrement || undefined
  const out: ColumnModel = {
    name: column.name,
    type: native.type,
    // Primary keys, identity and serial columns are NOT NULL on the server.
    nullable: column.nullable && !inPrimaryKey && !autoincrement,
    // Copied: canonicalize shares no object with the declared model (compare does not copy it first).
    default: autoincrement || !column.default ? null : { ...column.default },
    comment: column.comment || null,
  }
  if (out.default && out.default.kind === 'sql' && /^\s*null\s*$/i.test(out.default.sql)) out.default = null
  if (autoincrement) out.autoincrement = autoincrement
  if (column.generated) out.generated = { ...column.generated }
  if (column.collation) out.collation = column.collation
  return out
}

function canonicalIndex(index: IndexModel, table: TableModel): IndexModel {
  const columnCollation = (name: string) => table.columns.find((c) => c.name === name)?.collation ?? 'default'
  const out: IndexModel = {
    name: index.name,
    elements: index.elements.map((e) => {
      const element = canonicalElement(e, (n) => n, columnCollation)
      // Operator classes are identifiers: unquoted, they fold to lower case.
      if (typeof element !== 'string' && element.opclass) element.opclass = element.opclass.toLowerCase()
      // An expression's collation is not reflected (its default depends on what it reads): not compared.
      if (typeof element !== 'string' && 'expression' in element) delete element.collate
      return element
    }),
    unique: index.unique,
    ...canonicalIndexDetails(index),
  }
  if (index.where) out.where = index.where
  return out
}

const canonicalPgForeignKey = (fk: ForeignKeyModel) => canonicalForeignKey(fk, { defaultActions: ['no action'], schemas: true, deferrable: true })

export function canonicalTable(table: TableModel): TableModel {
  const pkColumns = new Set(table.primaryKey?.columns ?? [])
  return {
    name: table.name,
    schema: table.schema ?? null,
    columns: table.columns.map((c) => canonicalColumn(c, pkColumns.has(c.name))),
    primaryKey: table.primaryKey ? { name: table.primaryKey.name ?? defaultPrimaryKeyName(table.name), columns: [...table.primaryKey.columns] } : null,
    indexes: sortByName(table.indexes.map((i) => canonicalIndex(i, table))),
    uniques: sortByName(table.uniques.map((u) => ({ name: u.name, columns: [...u.columns] }))),
    foreignKeys: sortByName(table.foreignKeys.map(canonicalPgForeignKey)),
    checks: sortByName(table.checks.map((c) => ({ name: c.name, expression: c.expression }))),
    // COMMENT ON … IS '' removes the comment.
    comment: table.comment || null,
  }
}

export function canonicalizePostgres(model: SchemaModel): SchemaModel {
  const enums: EnumModel[] = model.enums.map((e) => ({ name: e.name, schema: e.schema ?? null, values: [...e.values] })).sort(compareTables)
  return {
    tables: model.tables.map(canonicalTable).sort(compareTables),
    enums,
    schemas: [...new Set(model.schemas ?? [])].sort(),
  }
}
