import { type Autoincrement, type ColumnModel, type ColumnType, type DefaultValue, type ReferentialAction, cloneColumnType } from './model.js'
import { type SqlFragment, isSqlFragment } from './sql.js'
import type { IndexColumnMethods } from './index-column.js'

/** Where a column points: a lazy column reference (`() => users.id`) or `'table.column'` / `'schema.table.column'`. */
export type ReferenceTarget = (() => ColumnRef) | string

export interface ReferenceOptions {
  name?: string
  onDelete?: ReferentialAction
  onUpdate?: ReferentialAction
  deferrable?: boolean | 'initially deferred'
}

export interface ColumnReference {
  target: ReferenceTarget
  options: ReferenceOptions
}

/** A JSON object or array: the default of a `json()` or `jsonb()` column, kept as its JSON text. */
export type JsonDefault = { readonly [key: string]: JsonValue } | readonly JsonValue[]
export type JsonValue = string | number | boolean | null | JsonDefault

/** Plain JSON only: a Date, a Map, undefined, NaN or a bigint would not read back as what was written. */
function isPlainJson(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true
  if (typeof value === 'number') return Number.isFinite(value)
  if (Array.isArray(value)) return value.every(isPlainJson)
  if (typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) return false
  return Object.values(value as Record<string, unknown>).every(isPlainJson)
}

/** A column as declared, before it belongs to a table. Every chain method returns the same builder. */
const COLUMN_MARK = Symbol.for('strata.column')

export class ColumnBuilder {
  /** A brand rather than instanceof: a schema file may load its own copy of strata-db. */
  readonly [COLUMN_MARK] = true
  /** @internal */ config: {
    name?: string
    type: ColumnType
    nullable: boolean
    /** `.nullable()` was the last word on nullability (a table-level primary key then leaves the column nullable). */
    explicitNullable?: boolean
    primaryKey: boolean
    unique: boolean | string
    default?: DefaultValue | null
    autoincrement?: Autoincrement
    comment?: string | null
    references?: ColumnReference
    renamedFrom?: string
    generated?: { expression: string; stored: boolean }
    collation?: string
    onUpdateNow?: boolean
    /** Why the declared default cannot be used (the table build names the column). */
    invalidDefault?: string
  }

  constructor(type: ColumnType, name?: string) {
    this.config = { name, type, nullable: true, primaryKey: false, unique: false }
  }

  /** Part of the primary key (implies NOT NULL). */
  primaryKey(): this {
    this.config.primaryKey = true
    this.config.nullable = false
    this.config.explicitNullable = false
    return this
  }

  notNull(): this {
    this.config.nullable = false
    this.config.explicitNullable = false
    return this
  }

  /**
   * Explicitly nullable (the default); useful to undo `notNull()` in a derived builder. After `.primaryKey()`, or on a
   * column of a table-level `primaryKey`, it keeps a key column nullable, which only SQLite allows (a legacy quirk of
   * non-INTEGER keys that `pull` reproduces); the other databases make key columns NOT NULL whatever is declared.
   */
  nullable(): this {
    this.config.nullable = true
    this.config.explicitNullable = true
    return this
  }

  /** A single-column unique constraint; the name comes from the naming convention unless given. */
  unique(name?: string): this {
    this.config.unique = name ?? true
    return this
  }

  /**
   * Server default: a JS literal (quoted for you), raw SQL with the `sql` tag, or for `json()`/`jsonb()` an object
   * or array (written as its JSON text, compared by value).
   */
  default(value: string | number | boolean | JsonDefault | SqlFragment | null): this {
    delete this.config.invalidDefault
    if (value === undefined) this.config.invalidDefault = 'default(undefined): pass a value (null for NULL), or leave .default() out'
    else if (value === null) this.config.default = null
    else if (isSqlFragment(value)) this.config.default = { kind: 'sql', sql: value.text }
    else if (typeof value !== 'object') this.config.default = { kind: 'literal', value }
    else if (this.config.type.kind !== 'json' && this.config.type.kind !== 'jsonb')
      this.config.invalidDefault = `an object or array default needs a json() or jsonb() column (this one is ${this.config.type.kind})`
    else if (!isPlainJson(value))
      this.config.invalidDefault = 'a json default must be plain JSON: objects, arrays, strings, finite numbers, booleans and null'
    else this.config.default = { kind: 'literal', value: JSON.stringify(value) }
    return this
  }

  references(target: ReferenceTarget, options: ReferenceOptions = {}): this {
    this.config.references = { target, options }
    return this
  }

  comment(text: string): this {
    this.config.comment = text
    return this
  }

  /** Auto-increment: `true` uses the dialect's native form; 'always' / 'by-default' ask for an identity column. */
  autoincrement(mode: Autoincrement = true): this {
    this.config.autoincrement = mode
    return this
  }

  /** A generated column: its value is `expression`, computed on write (`stored`) or on read (PostgreSQL: stored only). */
  generatedAlwaysAs(expression: SqlFragment, options: { stored?: boolean } = {}): this {
    this.config.generated = { expression: expression.text.trim(), stored: options.stored ?? false }
    return this
  }

  /** `COLLATE name`: the server's collation by its own name (`'C'`, `'utf8mb4_bin'`, SQLite `'NOCASE'`); compared exactly. */
  collate(name: string): this {
    this.config.collation = name
    return this
  }

  /** MySQL/MariaDB: `ON UPDATE CURRENT_TIMESTAMP`, the server sets the column to now on every update of the row. */
  onUpdateNow(): this {
    this.config.onUpdateNow = true
    return this
  }

  /** Rename hint: this column used to be called `oldName`. Autogenerate emits a rename, not drop + add. */
  renamedFrom(oldName: string): this {
    this.config.renamedFrom = oldName
    return this
  }

  /** @internal The column model, named `fallbackName` when the builder has no explicit name. */
  toModel(fallbackName: string): ColumnModel {
    const c = this.config
    const model: ColumnModel = { name: c.name ?? fallbackName, type: cloneColumnType(c.type), nullable: c.nullable }
    if (c.default !== undefined) model.default = c.default
    if (c.autoincrement) model.autoincrement = c.autoincrement
    if (c.comment != null) model.comment = c.comment
    if (c.renamedFrom) model.renamedFrom = c.renamedFrom
    if (c.generated) model.generated = { ...c.generated }
    if (c.collation) model.collation = c.collation
    if (c.onUpdateNow) model.onUpdateNow = true
    return model
  }
}

/** A column bound to a table: what `packages.id` is, and what extras and references point at. */
export interface ColumnRef extends IndexColumnMethods {
  readonly tableName: string
  readonly tableSchema: string | null
  readonly name: string
  readonly key: string
}

export function isColumnBuilder(value: unknown): value is ColumnBuilder {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[COLUMN_MARK] === true
}

// Builders accept `(name?)`, `(options?)` or `(name, options)`: the name defaults to the key in the table.
type Args<O> = [] | [string] | [O] | [string, O]

/**
 * The column name and options of a builder call. A misspelled option (`{ lenght: 64 }`) is refused: a schema file
 * loads without a type check, and the option would otherwise be dropped without a word.
 */
function split<O extends object>(args: Args<O>, builder: string, keys: readonly string[]): { name?: string; options: Partial<O> } {
  const named = typeof args[0] === 'string'
  const options = ((named ? args[1] : args[0]) as O | undefined) ?? {}
  for (const key in options) if (!keys.includes(key)) throw new Error(`${builder}(): unknown option '${key}' (it takes ${keys.join(', ')})`)
  return named ? { name: args[0] as string, options } : { options }
}

function simple(kind: 'smallint' | 'integer' | 'bigint' | 'text' | 'boolean' | 'real' | 'double' | 'date' | 'json' | 'jsonb' | 'uuid' | 'bytes') {
  return (name?: string) => new ColumnBuilder({ kind }, name)
}

export const smallint = simple('smallint')
export const integer = simple('integer')
export const bigint = simple('bigint')
export const text = simple('text')
export const boolean = simple('boolean')
export const real = simple('real')
export const double = simple('double')
export const date = simple('date')
export const json = simple('json')
/** `jsonb` on PostgreSQL, JSON elsewhere. */
export const jsonb = simple('jsonb')
export const uuid = simple('uuid')
export const bytes = simple('bytes')

const LENGTH = ['length']
const NUMERIC = ['precision', 'scale']
const TIME = ['withTimezone', 'precision']
const TIMESTAMP = ['withTimezone', 'precision', 'mysqlType']

export function varchar(...args: Args<{ length: number }>): ColumnBuilder {
  const { name, options } = split(args, 'varchar', LENGTH)
  return new ColumnBuilder(options.length === undefined ? { kind: 'varchar' } : { kind: 'varchar', length: options.length }, name)
}

export function char(...args: Args<{ length: number }>): ColumnBuilder {
  const { name, options } = split(args, 'char', LENGTH)
  return new ColumnBuilder({ kind: 'char', length: options.length ?? 1 }, name)
}

export function numeric(...args: Args<{ precision: number; scale?: number }>): ColumnBuilder {
  const { name, options } = split(args, 'numeric', NUMERIC)
  const type: ColumnType = { kind: 'numeric' }
  if (options.precision !== undefined) type.precision = options.precision
  if (options.scale !== undefined) type.scale = options.scale
  return new ColumnBuilder(type, name)
}

interface TimeOptions {
  withTimezone: boolean
  precision: number
}

interface TimestampOptions extends TimeOptions {
  /** MySQL/MariaDB only: 'timestamp' declares a native TIMESTAMP column (default 'datetime': DATETIME). */
  mysqlType: 'timestamp' | 'datetime'
}

function temporalType<K extends 'time' | 'timestamp'>(kind: K, options: Partial<TimeOptions>): { kind: K; withTimezone?: boolean; precision?: number } {
  const type: { kind: K; withTimezone?: boolean; precision?: number } = { kind }
  if (options.withTimezone) type.withTimezone = true
  if (options.precision !== undefined) type.precision = options.precision
  return type
}

export function time(...args: Args<Partial<TimeOptions>>): ColumnBuilder {
  const { name, options } = split(args, 'time', TIME)
  return new ColumnBuilder(temporalType('time', options), name)
}

export function timestamp(...args: Args<Partial<TimestampOptions>>): ColumnBuilder {
  const { name, options } = split(args, 'timestamp', TIMESTAMP)
  const type: ColumnType = temporalType('timestamp', options)
  if (options.mysqlType === 'timestamp') type.mysqlType = 'timestamp'
  return new ColumnBuilder(type, name)
}

/** Escape hatch: a dialect-specific type spelled out (`customType('tsvector')`). */
export function customType(typeSql: string, name?: string): ColumnBuilder {
  return new ColumnBuilder({ kind: 'raw', sql: typeSql }, name)
}
