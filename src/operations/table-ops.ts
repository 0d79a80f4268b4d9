import type { AnyOperation } from './index.js'
import type { SchemaModel, TableModel } from '../schema/model.js'
import { cloneModel, findTable } from '../schema/model.js'
import { NotReversibleError, Operation, display, requireTable } from './base.js'

export class CreateTableOp extends Operation {
  readonly kind = 'createTable'
  constructor(readonly table: TableModel) {
    super()
  }
  override get touchesNoRows(): boolean {
    return true
  }
  reverse(): AnyOperation {
    return new DropTableOp(this.table.name, this.table.schema ?? null, this.table)
  }
  describe(): string {
    return `added table '${display(this.table.name, this.table.schema)}'`
  }
  apply(model: SchemaModel): void {
    if (findTable(model, this.table.name, this.table.schema)) throw new Error(`table '${display(this.table.name, this.table.schema)}' already exists`)
    model.tables.push(cloneModel(this.table))
  }
}

export class DropTableOp extends Operation {
  readonly kind = 'dropTable'
  /** `table` is the full definition, needed only to reverse. */
  constructor(readonly name: string, readonly schema: string | null = null, readonly table?: TableModel) {
    super()
  }
  reverse(): AnyOperation {
    if (!this.table) throw new NotReversibleError(`dropTable('${this.name}')`, 'the table definition is unknown')
    return new CreateTableOp(this.table)
  }
  describe(): string {
    return `removed table '${display(this.name, this.schema)}'`
  }
  apply(model: SchemaModel): void {
    const table = requireTable(model, this.name, this.schema)
    model.tables.splice(model.tables.indexOf(table), 1)
  }
}

export class RenameTableOp extends Operation {
  readonly kind = 'renameTable'
  constructor(readonly from: string, readonly to: string, readonly schema: string | null = null) {
    super()
  }
  reverse(): AnyOperation {
    return new RenameTableOp(this.to, this.from, this.schema)
  }
  describe(): string {
    return `renamed table '${display(this.from, this.schema)}' to '${this.to}'`
  }
  apply(model: SchemaModel): void {
    requireTable(model, this.from, this.schema).name = this.to
    for (const table of model.tables)
      for (const fk of table.foreignKeys)
        // A foreign key without a schema points into the default schema, whatever the referencing table's schema.
        if (fk.referencedTable === this.from && (fk.referencedSchema ?? null) === (this.schema ?? null)) fk.referencedTable = this.to
    for (const partition of model.partitions ?? []) if (partition.parent === this.from && (partition.schema ?? null) === (this.schema ?? null)) partition.parent = this.to
  }
}

export class SetTableCommentOp extends Operation {
  readonly kind = 'setTableComment'
  constructor(
    readonly table: string,
    readonly comment: string | null,
    readonly existing: string | null | undefined = undefined,
    readonly schema: string | null = null,
  ) {
    super()
  }
  reverse(): AnyOperation {
    if (this.existing === undefined) throw new NotReversibleError(`setTableComment('${this.table}')`, 'the previous comment is unknown')
    return new SetTableCommentOp(this.table, this.existing, this.comment, this.schema)
  }
  describe(): string {
    return this.comment === null
      ? `removed comment on table '${display(this.table, this.schema)}'`
      : `changed comment on table '${display(this.table, this.schema)}'`
  }
  apply(model: SchemaModel): void {
    requireTable(model, this.table, this.schema).comment = this.comment
  }
}
