import type { ColumnRef } from './columns.js'
import type { ReferentialAction } from './model.js'
import { type SqlFragment, isSqlFragment } from './sql.js'
import type { IndexColumn } from './index-column.js'

/** What extras accept as a column: a bound column (`t.createdDate`), a database column name, or (indexes only) an SQL expression. */
export type ColumnArg = ColumnRef | string
export type IndexArg = ColumnArg | SqlFragment | IndexColumn

export class IndexBuilder {
  readonly extra = 'index' as const
  elements: IndexArg[] = []
  predicate?: string
  method?: string
  included: ColumnArg[] = []
  buildConcurrently = false
  constructor(readonly name: string | undefined, readonly unique: boolean) {}
  on(...elements: IndexArg[]): this {
    this.elements = elements
    return this
  }
  /** Partial index: `where(sql\`deleted_at IS NULL\`)`. */
  where(predicate: SqlFragment | string): this {
    this.predicate = isSqlFragment(predicate) ? predicate.text : predicate
    return this
  }
  /** The access method: PostgreSQL `'gin' | 'gist' | 'brin' | 'hash' | 'spgist'` ('btree' is the default). */
  using(method: string): this {
    this.method = method
    return this
  }
  /** PostgreSQL: non-key columns stored in the index (`INCLUDE (…)`) for index-only scans. */
  include(...columns: ColumnArg[]): this {
    this.included = columns
    return this
  }
  /**
   * PostgreSQL: autogenerate builds this index on an existing table with `CREATE INDEX CONCURRENTLY` (in an
   * autocommit block). A hint for the revision, not part of the index: never compared.
   */
  concurrently(): this {
    this.buildConcurrently = true
    return this
  }
}

export class UniqueBuilder {
  readonly extra = 'unique' as const
  columns: ColumnArg[] = []
  constructor(readonly name: string | undefined) {}
  on(...columns: ColumnArg[]): this {
    this.columns = columns
    return this
  }
}

export class CheckBuilder {
  readonly extra = 'check' as const
  constructor(readonly name: string, readonly expression: string) {}
}

export class PrimaryKeyBuilder {
  readonly extra = 'primaryKey' as const
  constructor(readonly name: string | undefined, readonly columns: ColumnArg[]) {}
}

export interface ForeignKeyTarget {
  table: string
  columns: string[]
  schema?: string
}

export interface ForeignKeyOptions {
  name?: string
  columns: ColumnArg[]
  /** `() => [users.id]` or `{ table: 'users', columns: ['id'] }`. */
  references: (() => ColumnRef[]) | ForeignKeyTarget
  onDelete?: ReferentialAction
  onUpdate?: ReferentialAction
  deferrable?: boolean | 'initially deferred'
}

export class ForeignKeyBuilder {
  readonly extra = 'foreignKey' as const
  constructor(readonly options: ForeignKeyOptions) {}
}

export type TableExtra = IndexBuilder | UniqueBuilder | CheckBuilder | PrimaryKeyBuilder | ForeignKeyBuilder

export function index(name?: string): IndexBuilder {
  return new IndexBuilder(name, false)
}

export function uniqueIndex(name?: string): IndexBuilder {
  return new IndexBuilder(name, true)
}

export function unique(name?: string): UniqueBuilder {
  return new UniqueBuilder(name)
}

export function check(name: string, expression: SqlFragment | string): CheckBuilder {
  return new CheckBuilder(name, isSqlFragment(expression) ? expression.text : expression)
}

/** A composite primary key: `primaryKey({ columns: [t.a, t.b] })`. */
export function primaryKey(options: { name?: string; columns: ColumnArg[] }): PrimaryKeyBuilder {
  return new PrimaryKeyBuilder(options.name, options.columns)
}

export function foreignKey(options: ForeignKeyOptions): ForeignKeyBuilder {
  return new ForeignKeyBuilder(options)
}
