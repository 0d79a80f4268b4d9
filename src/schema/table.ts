import { type ColumnBuilder, type ColumnRef, isColumnBuilder } from './columns.js'
import type { TableExtra } from './extras.js'
import { BoundColumn } from './index-column.js'
import type { PartitionKind } from './model.js'

export interface TableOptions {
  /** PostgreSQL schema (namespace). Ignored on SQLite and MySQL, which have one namespace per database. */
  schema?: string
  comment?: string
  /** Rename hint: this table used to be called `oldName`. */
  renamedFrom?: string
  /** PostgreSQL: enable row-level security (policies then decide which rows a role sees). */
  rls?: boolean
  /**
   * PostgreSQL: a partitioned table, split by range, list or hash of these columns (property keys or database
   * names). Its partitions are declared with `partition()`.
   */
  partitionBy?: { kind: PartitionKind; columns: string[] }
}

export type ColumnMap = Record<string, ColumnBuilder>
export type ExtrasFn<C extends ColumnMap> = (t: { [K in keyof C]: ColumnRef }) => TableExtra[]

/** @internal What `table()` keeps about a table, under a symbol so that column keys stay free. */
export interface TableDefinition {
  name: string
  options: TableOptions
  columns: ColumnMap
  extras?: ExtrasFn<ColumnMap> | TableExtra[]
  refs: Record<string, ColumnRef>
}

export const TABLE = Symbol.for('strata.table')

export type Table<C extends ColumnMap = ColumnMap> = { readonly [K in keyof C]: ColumnRef } & {
  readonly [TABLE]: TableDefinition
}

/**
 * Declares a table. Columns are keyed by their property name; the database name is the key unless the builder
 * names it (`timestamp('created_date')`). Extras (indexes, constraints) come from a callback that receives the
 * bound columns.
 */
export function table<C extends ColumnMap>(name: string, columns: C, extras?: ExtrasFn<C> | TableExtra[] | TableOptions, options?: TableOptions): Table<C> {
  const definition = defineTable(name, columns, extras, options)
  const result = { ...definition.refs } as Record<string | symbol, unknown>
  Object.defineProperty(result, TABLE, { value: definition, enumerable: false })
  return Object.freeze(result) as Table<C>
}

const TABLE_OPTIONS: readonly string[] = ['schema', 'comment', 'renamedFrom', 'rls', 'partitionBy'] satisfies Array<keyof TableOptions>

/** @internal What `table()` keeps, without the table object itself (`op.createTable` needs only this). */
export function defineTable<C extends ColumnMap>(name: string, columns: C, extras?: ExtrasFn<C> | TableExtra[] | TableOptions, options?: TableOptions): TableDefinition {
  let extrasArg: ExtrasFn<C> | TableExtra[] | undefined
  let opts: TableOptions = options ?? {}
  if (typeof extras === 'function' || Array.isArray(extras)) extrasArg = extras
  else if (extras) opts = extras
  // A schema file loads without a type check: a misspelled option (`shema`) would be dropped without a word.
  for (const key in opts) if (!TABLE_OPTIONS.includes(key)) throw new Error(`table('${name}'): unknown option '${key}' (it takes ${TABLE_OPTIONS.join(', ')})`)
  const refs: Record<string, ColumnRef> = {}
  for (const key of Object.keys(columns)) {
    const builder = columns[key]
    if (!isColumnBuilder(builder)) throw new Error(`table('${name}'): column '${key}' is not a column builder`)
    refs[key] = Object.freeze(new BoundColumn(name, opts.schema ?? null, builder.config.name ?? key, key))
  }
  return { name, options: opts, columns, extras: extrasArg as TableDefinition['extras'], refs }
}

export function isTable(value: unknown): value is Table {
  return typeof value === 'object' && value !== null && TABLE in value
}

export function tableDefinition(value: Table): TableDefinition {
  return value[TABLE]
}
