import { renameInExpression, renameInIndexExpression } from './expression-names.js'
import type { AnyOperation } from './index.js'
import type { Autoincrement, ColumnModel, ColumnType, DefaultValue, SchemaModel } from '../schema/model.js'
import { NotReversibleError, Operation, display, requireTable } from './base.js'
import { elementColumn } from '../schema/index-elements.js'

function columnPath(table: string, column: string, schema: string | null): string {
  return `${display(table, schema)}.${column}`
}

export class AddColumnOp extends Operation {
  readonly kind = 'addColumn'
  /** `restoring`: a downgrade bringing a dropped column back, whose rows cannot get their values back. */
  constructor(
    readonly table: string,
    readonly column: ColumnModel,
    readonly schema: string | null = null,
    readonly restoring?: { placeholder: string | number | boolean | null },
  ) {
    super()
  }
  reverse(): AnyOperation {
    return new DropColumnOp(this.table, this.column.name, this.schema, this.column)
  }
  describe(): string {
    return `added column '${columnPath(this.table, this.column.name, this.schema)}'`
  }
  /** Why the downgrade that re-adds this column cannot restore its values (portable downgrades of dropped columns). */
  lossyDowngrade(): string | null {
    if (!this.restoring) return null
    const path = columnPath(this.table, this.column.name, this.schema)
    return this.restoring.placeholder === null
      ? `lossy downgrade: '${path}' comes back empty, and nullable (no placeholder for its type)`
      : `lossy downgrade: '${path}' comes back with ${JSON.stringify(this.restoring.placeholder)} in every row (its values were dropped)`
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
  /**
   * A NOT NULL column without a default cannot come back as it was while the table has rows: it comes back with a
   * placeholder default (0, '', false, 2000-01-01, the first enum value) filling the rows, then loses that default,
   * so the schema is the one it was. A type without a placeholder comes back nullable. Both are marked lossy.
   */
  override reverseSteps(): AnyOperation[] {
    const column = this.column
    if (!column || column.nullable || (column.default !== undefined && column.default !== null) || column.autoincrement) return [this.reverse()]
    const placeholder = placeholderFor(column.type)
    if (placeholder === null) return [new AddColumnOp(this.table, { ...column, nullable: true }, this.schema, { placeholder })]
    const filled: ColumnModel = { ...column, default: { kind: 'literal', value: placeholder } }
    return [
      new AddColumnOp(this.table, filled, this.schema, { placeholder }),
      new AlterColumnOp(this.table, column.name, { default: null }, { type: column.type, nullable: false, default: filled.default }, this.schema),
    ]
  }
  describe(): string {
    return `removed column '${columnPath(this.table, this.name, this.schema)}'`
  }
  apply(model: SchemaModel): void {
    const table = requireTable(model, this.table, this.schema)
    const index = table.columns.findIndex((c) => c.name === this.name)
    if (index < 0) throw new Error(`column '${columnPath(this.table, this.name, this.schema)}' does not exist`)
    table.columns.splice(index, 1)
    // Dropping a column drops what depends on it alone, as the databases do.
    table.indexes = table.indexes.filter((i) => !i.elements.some((e) => elementColumn(e) === this.name))
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
    for (const i of table.indexes) {
      i.elements = i.elements.map((e) => (typeof e === 'string' ? swap(e) : 'column' in e ? { ...e, column: swap(e.column) } : e))
      if (i.include) i.include = i.include.map(swap)
    }
    for (const u of table.uniques) u.columns = u.columns.map(swap)
    for (const f of table.foreignKeys) f.columns = f.columns.map(swap)
    // The database renames the column inside expressions too (checks, predicates, index expressions, defaults).
    const rename = (sql: string) => renameInExpression(sql, this.from, this.to)
    for (const i of table.indexes) {
      i.elements = i.elements.map((e) => (typeof e !== 'string' && 'expression' in e ? { ...e, expression: renameInIndexExpression(e.expression, this.from, this.to) } : e))
      if (i.where) i.where = rename(i.where)
    }
    for (const c of table.checks) c.expression = rename(c.expression)
    for (const c of table.columns) if (c.default?.kind === 'sql') c.default = { kind: 'sql', sql: rename(c.default.sql) }
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
  /** The column's collation; null: the server's default. */
  collation?: string | null
  /** MySQL `ON UPDATE CURRENT_TIMESTAMP`. */
  onUpdateNow?: boolean
}

const CHANGE_KEYS = ['type', 'nullable', 'default', 'comment', 'autoincrement', 'collation', 'onUpdateNow'] as const

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
    /** MySQL: `ALGORITHM=INPLACE, LOCK=NONE`, so a change that would copy the table is refused instead. */
    readonly online = false,
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
    return new AlterColumnOp(this.table, this.name, back, forward, this.schema, undefined, this.online)
  }
  describe(): string {
    const what = CHANGE_KEYS.filter((k) => k in this.changes)
      .map((k) => (k === 'nullable' ? 'nullability' : k))
      .join(', ')
    return `changed ${what} of column '${columnPath(this.table, this.name, this.schema)}'`
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

/** A value every row can hold for a column of this type, or null when there is none that is portable. */
function placeholderFor(type: ColumnType): string | number | boolean | null {
  switch (type.kind) {
    case 'smallint':
    case 'integer':
    case 'bigint':
    case 'real':
    case 'double':
    case 'numeric':
      return 0
    case 'varchar':
    case 'char':
    case 'text':
      return ''
    case 'boolean':
      return false
    case 'date':
      return '2000-01-01'
    case 'time':
      return '00:00:00'
    case 'timestamp':
      return '2000-01-01 00:00:00'
    case 'uuid':
      return '00000000-0000-0000-0000-000000000000'
    case 'enum':
      return type.values[0] ?? null
    default:
      return null
  }
}
