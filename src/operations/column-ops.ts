import type { AnyOperation } from './index.js'
import type { Autoincrement, ColumnModel, ColumnType, DefaultValue, SchemaModel } from '../schema/model.js'
import { NotReversibleError, Operation, display, requireTable } from './base.js'

function columnPath(table: string, column: string, schema: string | null): string {
  return `${display(table, schema)}.${column}`
}

export class AddColumnOp extends Operation {
  readonly kind = 'addColumn'
  constructor(readonly table: string, readonly column: ColumnModel, readonly schema: string | null = null) {
    super()
  }
  reverse(): AnyOperation {
    return new DropColumnOp(this.table, this.column.name, this.schema, this.column)
  }
  describe(): string {
    return `added column '${columnPath(this.table, this.column.name, this.schema)}'`
  }
  override destructive(): string | null {
    if (!this.column.nullable && (this.column.default === undefined || this.column.default === null) && !this.column.autoincrement)
      return `adds NOT NULL column '${columnPath(this.table, this.column.name, this.schema)}' without a default (fails on a table with rows)`
    return null
  }
  apply(model: SchemaModel): void {
    const table = requireTable(model, this.table, this.schema)
    if (table.columns.some((c) => c.name === this.column.name)) throw new Error(`column '${columnPath(this.table, this.column.name, this.schema)}' already exists`)
    const column = structuredClone(this.column)
    delete column.renamedFrom
    table.columns.push(column)
  }
}

export class DropColumnOp extends Operation {
  readonly kind = 'dropColumn'
  /** `column` is the full definition, needed only to reverse. */
  constructor(readonly table: string, readonly name: string, readonly schema: string | null = null, readonly column?: ColumnModel) {
    super()
  }
  reverse(): AnyOperation {
    if (!this.column) throw new NotReversibleError(`dropColumn('${this.table}', '${this.name}')`, 'the column definition is unknown')
    return new AddColumnOp(this.table, this.column, this.schema)
  }
  describe(): string {
    return `removed column '${columnPath(this.table, this.name, this.schema)}'`
  }
  override destructive(): string | null {
    // A generated column's values are computed from the others: nothing is lost.
    if (this.column?.generated) return null
    return `drops column '${columnPath(this.table, this.name, this.schema)}' (data loss)`
  }
  apply(model: SchemaModel): void {
    const table = requireTable(model, this.table, this.schema)
    const index = table.columns.findIndex((c) => c.name === this.name)
    if (index < 0) throw new Error(`column '${columnPath(this.table, this.name, this.schema)}' does not exist`)
    table.columns.splice(index, 1)
    // Dropping a column drops what depends on it alone, as the databases do.
    table.indexes = table.indexes.filter((i) => !i.elements.includes(this.name))
    table.uniques = table.uniques.filter((u) => !u.columns.includes(this.name))
    table.foreignKeys = table.foreignKeys.filter((f) => !f.columns.includes(this.name))
  }
}

export class RenameColumnOp extends Operation {
  readonly kind = 'renameColumn'
  constructor(readonly table: string, readonly from: string, readonly to: string, readonly schema: string | null = null) {
    super()
  }
  reverse(): AnyOperation {
    return new RenameColumnOp(this.table, this.to, this.from, this.schema)
  }
  describe(): string {
    return `renamed column '${columnPath(this.table, this.from, this.schema)}' to '${this.to}'`
  }
  apply(model: SchemaModel): void {
    const table = requireTable(model, this.table, this.schema)
    const column = table.columns.find((c) => c.name === this.from)
    if (!column) throw new Error(`column '${columnPath(this.table, this.from, this.schema)}' does not exist`)
    column.name = this.to
    const swap = (name: string) => (name === this.from ? this.to : name)
    if (table.primaryKey) table.primaryKey.columns = table.primaryKey.columns.map(swap)
    for (const i of table.indexes) i.elements = i.elements.map((e) => (typeof e === 'string' ? swap(e) : e))
    for (const u of table.uniques) u.columns = u.columns.map(swap)
    for (const f of table.foreignKeys) f.columns = f.columns.map(swap)
    for (const other of model.tables)
      for (const f of other.foreignKeys)
        if (f.referencedTable === this.table && (f.referencedSchema ?? null) === (this.schema ?? null))
          f.referencedColumns = f.referencedColumns.map(swap)
  }
}

/** The column facts an alteration changes (or, as `existing`, what they were). */
export interface ColumnChanges {
  type?: ColumnType
  nullable?: boolean
  default?: DefaultValue | null
  comment?: string | null
  autoincrement?: Autoincrement
}

const CHANGE_KEYS = ['type', 'nullable', 'default', 'comment', 'autoincrement'] as const

export class AlterColumnOp extends Operation {
  readonly kind = 'alterColumn'
  /**
   * `changes` holds only what changes; `existing` what the column was (all of it when known: dialects such as
   * MySQL restate the whole column). `using` is a PostgreSQL cast expression for type changes.
   */
  constructor(
    readonly table: string,
    readonly name: string,
    readonly changes: ColumnChanges,
    readonly existing: ColumnChanges = {},
    readonly schema: string | null = null,
    readonly using?: string,
  ) {
    super()
  }
  reverse(): AnyOperation {
    const back: ColumnChanges = {}
    const forward: ColumnChanges = { ...this.existing }
    for (const key of CHANGE_KEYS) {
      if (!(key in this.changes)) continue
      if (!(key in this.existing))
        throw new NotReversibleError(`alterColumn('${this.table}', '${this.name}')`, `the previous ${key} is unknown`)
      ;(back as Record<string, unknown>)[key] = this.existing[key]
      ;(forward as Record<string, unknown>)[key] = this.changes[key]
    }
    return new AlterColumnOp(this.table, this.name, back, forward, this.schema)
  }
  describe(): string {
    const what = CHANGE_KEYS.filter((k) => k in this.changes)
      .map((k) => (k === 'nullable' ? 'nullability' : k))
      .join(', ')
    return `changed ${what} of column '${columnPath(this.table, this.name, this.schema)}'`
  }
  override destructive(): string | null {
    const path = columnPath(this.table, this.name, this.schema)
    if (this.changes.type) return `changes type of column '${path}' (may fail or truncate data; rewrites the table on some databases)`
    if (this.changes.nullable === false) return `makes column '${path}' NOT NULL (fails if it holds NULLs)`
    return null
  }
  apply(model: SchemaModel): void {
    const table = requireTable(model, this.table, this.schema)
    const column = table.columns.find((c) => c.name === this.name)
    if (!column) throw new Error(`column '${columnPath(this.table, this.name, this.schema)}' does not exist`)
    for (const key of CHANGE_KEYS) {
      if (!(key in this.changes)) continue
      const value = this.changes[key]
      if (value === undefined || (key !== 'nullable' && value === null && key !== 'default' && key !== 'comment')) delete (column as unknown as Record<string, unknown>)[key]
      else (column as unknown as Record<string, unknown>)[key] = structuredClone(value)
    }
  }
}
