import type { AnyOperation } from './index.js'
import type { EnumModel, SchemaModel } from '../schema/model.js'
import { NotReversibleError, Operation, display } from './base.js'

/** A column whose type is the enum: enum changes on MySQL and SQLite rewrite these columns. */
export interface EnumUsage {
  table: string
  schema?: string | null
  column: string
}

function findEnum(model: SchemaModel, name: string, schema: string | null): EnumModel {
  const found = model.enums.find((e) => e.name === name && (e.schema ?? null) === (schema ?? null))
  if (!found) throw new Error(`enum '${display(name, schema)}' does not exist`)
  return found
}

/** Sets an enum's values where the model keeps the enum as a type; on MySQL and SQLite enums live only on columns. */
function setValues(model: SchemaModel, name: string, schema: string | null, values: string[]): void {
  const found = model.enums.find((e) => e.name === name && (e.schema ?? null) === (schema ?? null))
  if (found) found.values = [...values]
}

/** Keeps the enum copies held by column types in step with the enum itself. */
function syncColumns(model: SchemaModel, name: string, schema: string | null, values: string[], renames: Record<string, string> = {}): void {
  for (const table of model.tables)
    for (const column of table.columns)
      if (column.type.kind === 'enum' && column.type.name === name && (column.type.schema ?? null) === (schema ?? null)) {
        column.type = { ...column.type, values: [...values] }
        const d = column.default
        if (d && d.kind === 'literal' && typeof d.value === 'string' && renames[d.value]) column.default = { kind: 'literal', value: renames[d.value]! }
      }
}

export class CreateEnumOp extends Operation {
  readonly kind = 'createEnum'
  constructor(readonly enumType: EnumModel) {
    super()
  }
  reverse(): AnyOperation {
    return new DropEnumOp(this.enumType.name, this.enumType.schema ?? null, this.enumType)
  }
  describe(): string {
    return `added enum '${display(this.enumType.name, this.enumType.schema)}'`
  }
  apply(model: SchemaModel): void {
    const { renamedValues: _hint, ...plain } = this.enumType
    model.enums.push(structuredClone(plain))
  }
}

export class DropEnumOp extends Operation {
  readonly kind = 'dropEnum'
  constructor(readonly name: string, readonly schema: string | null = null, readonly enumType?: EnumModel) {
    super()
  }
  reverse(): AnyOperation {
    if (!this.enumType) throw new NotReversibleError(`dropEnum('${this.name}')`, 'its values are unknown')
    return new CreateEnumOp(this.enumType)
  }
  describe(): string {
    return `removed enum '${display(this.name, this.schema)}'`
  }
  apply(model: SchemaModel): void {
    const found = findEnum(model, this.name, this.schema)
    model.enums.splice(model.enums.indexOf(found), 1)
  }
}

/** Adds one value, positioned before or after an existing one (PostgreSQL `ALTER TYPE … ADD VALUE`). */
export class AddEnumValueOp extends Operation {
  readonly kind = 'addEnumValue'
  constructor(
    readonly name: string,
    readonly value: string,
    readonly position: { before?: string; after?: string } = {},
    readonly existing: string[],
    readonly columns: EnumUsage[] = [],
    readonly schema: string | null = null,
  ) {
    super()
  }
  /** The values after the change. */
  get values(): string[] {
    const values = [...this.existing]
    const anchor = this.position.before ?? this.position.after
    const at = anchor === undefined ? -1 : values.indexOf(anchor)
    if (at < 0) values.push(this.value)
    else values.splice(this.position.before !== undefined ? at : at + 1, 0, this.value)
    return values
  }
  reverse(): AnyOperation {
    return new AlterEnumOp(this.name, this.existing, this.values, {}, this.columns, this.schema)
  }
  describe(): string {
    return `added value '${this.value}' to enum '${display(this.name, this.schema)}'`
  }
  apply(model: SchemaModel): void {
    setValues(model, this.name, this.schema, this.values)
    syncColumns(model, this.name, this.schema, this.values)
  }
}

export class RenameEnumValueOp extends Operation {
  readonly kind = 'renameEnumValue'
  constructor(
    readonly name: string,
    readonly from: string,
    readonly to: string,
    readonly existing: string[],
    readonly columns: EnumUsage[] = [],
    readonly schema: string | null = null,
  ) {
    super()
  }
  get values(): string[] {
    return this.existing.map((v) => (v === this.from ? this.to : v))
  }
  reverse(): AnyOperation {
    return new RenameEnumValueOp(this.name, this.to, this.from, this.values, this.columns, this.schema)
  }
  describe(): string {
    return `renamed value '${this.from}' of enum '${display(this.name, this.schema)}' to '${this.to}'`
  }
  apply(model: SchemaModel): void {
    setValues(model, this.name, this.schema, this.values)
    syncColumns(model, this.name, this.schema, this.values, { [this.from]: this.to })
  }
}

/**
 * Any other change of an enum's values (removal, reordering): the type is rebuilt and every column using it
 * converted. `renames` maps new value → old value for rows to carry over. Rows holding a removed value fail the cast.
 */
export class AlterEnumOp extends Operation {
  readonly kind = 'alterEnum'
  constructor(
    readonly name: string,
    readonly values: string[],
    readonly existing: string[],
    readonly renames: Record<string, string> = {},
    readonly columns: EnumUsage[] = [],
    readonly schema: string | null = null,
  ) {
    super()
  }
  reverse(): AnyOperation {
    const back: Record<string, string> = {}
    for (const [to, from] of Object.entries(this.renames)) back[from] = to
    return new AlterEnumOp(this.name, this.existing, this.values, back, this.columns, this.schema)
  }
  describe(): string {
    const removed = this.existing.filter((v) => !this.values.includes(v) && !Object.values(this.renames).includes(v))
    return removed.length
      ? `removed value${removed.length > 1 ? 's' : ''} ${removed.map((v) => `'${v}'`).join(', ')} from enum '${display(this.name, this.schema)}'`
      : `changed values of enum '${display(this.name, this.schema)}'`
  }
  apply(model: SchemaModel): void {
    setValues(model, this.name, this.schema, this.values)
    const renames: Record<string, string> = {}
    for (const [to, from] of Object.entries(this.renames)) renames[from] = to
    syncColumns(model, this.name, this.schema, this.values, renames)
  }
}
