import type { AnyOperation } from './index.js'
import type { SchemaModel } from '../schema/model.js'
import { NotReversibleError, Operation, display } from './base.js'

/** A PostgreSQL schema (namespace). */
export class CreateSchemaOp extends Operation {
  readonly kind = 'createSchema'
  constructor(readonly name: string) {
    super()
  }
  reverse(): AnyOperation {
    return new DropSchemaOp(this.name)
  }
  describe(): string {
    return `added schema '${this.name}'`
  }
  apply(model: SchemaModel): void {
    model.schemas = [...new Set([...(model.schemas ?? []), this.name])]
  }
}

export class DropSchemaOp extends Operation {
  readonly kind = 'dropSchema'
  constructor(readonly name: string) {
    super()
  }
  reverse(): AnyOperation {
    return new CreateSchemaOp(this.name)
  }
  describe(): string {
    return `removed schema '${this.name}'`
  }
  apply(model: SchemaModel): void {
    model.schemas = (model.schemas ?? []).filter((s) => s !== this.name)
  }
}

/** Raw SQL. Reversible only when the reverse SQL is given. */
export class ExecuteOp extends Operation {
  readonly kind = 'execute'
  constructor(readonly sql: string, readonly reverseSql?: string) {
    super()
  }
  reverse(): AnyOperation {
    if (this.reverseSql === undefined) throw new NotReversibleError('execute()', 'no reverse SQL was given')
    return new ExecuteOp(this.reverseSql, this.sql)
  }
  describe(): string {
    return `executed SQL`
  }
  apply(_model: SchemaModel): void {
    // Raw SQL is opaque to the model.
  }
}

export type RowValue = string | number | boolean | null | bigint | Date | Buffer | Record<string, unknown> | unknown[]

/** Inserts rows, values bound as parameters (inlined as literals in offline SQL). */
export class BulkInsertOp extends Operation {
  readonly kind = 'bulkInsert'
  constructor(readonly table: string, readonly rows: Record<string, RowValue>[], readonly schema: string | null = null) {
    super()
  }
  reverse(): AnyOperation {
    throw new NotReversibleError(`bulkInsert('${this.table}')`, 'inserted rows are not tracked; write the downgrade by hand')
  }
  describe(): string {
    return `inserted ${this.rows.length} row(s) into '${display(this.table, this.schema)}'`
  }
  apply(_model: SchemaModel): void {}
}
