import type { AnyOperation } from './index.js'
import type { CheckModel, ForeignKeyModel, IndexModel, PrimaryKeyModel, SchemaModel, TableModel, UniqueModel } from '../schema/model.js'
import { NotReversibleError, Operation, display, requireTable } from './base.js'

type Kind = 'index' | 'unique' | 'check' | 'foreignKey'
type ModelOf<K extends Kind> = K extends 'index' ? IndexModel : K extends 'unique' ? UniqueModel : K extends 'check' ? CheckModel : ForeignKeyModel
const LISTS = { index: 'indexes', unique: 'uniques', check: 'checks', foreignKey: 'foreignKeys' } as const
const WORDS = { index: 'index', unique: 'unique constraint', check: 'check constraint', foreignKey: 'foreign key' } as const

function list<K extends Kind>(table: TableModel, kind: K): ModelOf<K>[] {
  return table[LISTS[kind]] as ModelOf<K>[]
}

/** Shared shape of create-index / add-unique / add-check / add-foreign-key. */
abstract class AddObjectOp<K extends Kind> extends Operation {
  abstract readonly objectKind: K
  constructor(readonly table: string, readonly object: ModelOf<K>, readonly schema: string | null = null) {
    super()
  }
  describe(): string {
    return `added ${WORDS[this.objectKind]} '${this.object.name}' on '${display(this.table, this.schema)}'`
  }
  apply(model: SchemaModel): void {
    const items = list(requireTable(model, this.table, this.schema), this.objectKind)
    if (items.some((i) => i.name === this.object.name)) throw new Error(`${WORDS[this.objectKind]} '${this.object.name}' already exists`)
    items.push(structuredClone(this.object))
  }
}

abstract class DropObjectOp<K extends Kind> extends Operation {
  abstract readonly objectKind: K
  /** `object` is the full definition, needed only to reverse. */
  constructor(readonly table: string, readonly name: string, readonly schema: string | null = null, readonly object?: ModelOf<K>) {
    super()
  }
  describe(): string {
    return `removed ${WORDS[this.objectKind]} '${this.name}' on '${display(this.table, this.schema)}'`
  }
  protected requireObject(): ModelOf<K> {
    if (!this.object) throw new NotReversibleError(`drop ${WORDS[this.objectKind]} '${this.name}'`, 'its definition is unknown')
    return this.object
  }
  apply(model: SchemaModel): void {
    const items = list(requireTable(model, this.table, this.schema), this.objectKind)
    const index = items.findIndex((i) => i.name === this.name)
    if (index < 0) throw new Error(`${WORDS[this.objectKind]} '${this.name}' does not exist on '${display(this.table, this.schema)}'`)
    items.splice(index, 1)
  }
}

export class CreateIndexOp extends AddObjectOp<'index'> {
  readonly kind = 'createIndex'
  readonly objectKind = 'index' as const
  /**
   * `online`: build without blocking writes (PostgreSQL `CONCURRENTLY`, which must run outside a transaction;
   * MySQL `ALGORITHM=INPLACE, LOCK=NONE`, which the server refuses rather than copy the table).
   */
  constructor(table: string, object: IndexModel, schema: string | null = null, readonly online = false) {
    super(table, object, schema)
  }
  reverse(): AnyOperation {
    return new DropIndexOp(this.table, this.object.name, this.schema, this.object, this.online)
  }
}

export class DropIndexOp extends DropObjectOp<'index'> {
  readonly kind = 'dropIndex'
  readonly objectKind = 'index' as const
  /** `online`: PostgreSQL `DROP INDEX CONCURRENTLY` (outside a transaction); elsewhere a plain drop. */
  constructor(table: string, name: string, schema: string | null = null, object?: IndexModel, readonly online = false) {
    super(table, name, schema, object)
  }
  reverse(): AnyOperation {
    return new CreateIndexOp(this.table, this.requireObject(), this.schema, this.online)
  }
}

export class AddUniqueOp extends AddObjectOp<'unique'> {
  readonly kind = 'addUnique'
  readonly objectKind = 'unique' as const
  reverse(): AnyOperation {
    return new DropUniqueOp(this.table, this.object.name, this.schema, this.object)
  }
}

export class DropUniqueOp extends DropObjectOp<'unique'> {
  readonly kind = 'dropUnique'
  readonly objectKind = 'unique' as const
  reverse(): AnyOperation {
    return new AddUniqueOp(this.table, this.requireObject(), this.schema)
  }
}

export class AddCheckOp extends AddObjectOp<'check'> {
  readonly kind = 'addCheck'
  readonly objectKind = 'check' as const
  /** `validate: false`: PostgreSQL `NOT VALID` (existing rows are checked later by validateConstraint). */
  constructor(table: string, object: CheckModel, schema: string | null = null, readonly validate = true) {
    super(table, object, schema)
  }
  reverse(): AnyOperation {
    return new DropCheckOp(this.table, this.object.name, this.schema, this.object)
  }
}

export class DropCheckOp extends DropObjectOp<'check'> {
  readonly kind = 'dropCheck'
  readonly objectKind = 'check' as const
  reverse(): AnyOperation {
    return new AddCheckOp(this.table, this.requireObject(), this.schema)
  }
}

export class AddForeignKeyOp extends AddObjectOp<'foreignKey'> {
  readonly kind = 'addForeignKey'
  readonly objectKind = 'foreignKey' as const
  /** `validate: false`: PostgreSQL `NOT VALID` (existing rows are checked later by validateConstraint). */
  constructor(table: string, object: ForeignKeyModel, schema: string | null = null, readonly validate = true) {
    super(table, object, schema)
  }
  reverse(): AnyOperation {
    return new DropForeignKeyOp(this.table, this.object.name, this.schema, this.object)
  }
}

export class DropForeignKeyOp extends DropObjectOp<'foreignKey'> {
  readonly kind = 'dropForeignKey'
  readonly objectKind = 'foreignKey' as const
  reverse(): AnyOperation {
    return new AddForeignKeyOp(this.table, this.requireObject(), this.schema)
  }
}

export class AddPrimaryKeyOp extends Operation {
  readonly kind = 'addPrimaryKey'
  constructor(readonly table: string, readonly primaryKey: PrimaryKeyModel, readonly schema: string | null = null) {
    super()
  }
  reverse(): AnyOperation {
    return new DropPrimaryKeyOp(this.table, this.schema, this.primaryKey)
  }
  describe(): string {
    return `added primary key (${this.primaryKey.columns.join(', ')}) on '${display(this.table, this.schema)}'`
  }
  apply(model: SchemaModel): void {
    const table = requireTable(model, this.table, this.schema)
    table.primaryKey = structuredClone(this.primaryKey)
    for (const c of table.columns) if (this.primaryKey.columns.includes(c.name)) c.nullable = false
  }
}

export class DropPrimaryKeyOp extends Operation {
  readonly kind = 'dropPrimaryKey'
  constructor(readonly table: string, readonly schema: string | null = null, readonly primaryKey?: PrimaryKeyModel) {
    super()
  }
  reverse(): AnyOperation {
    if (!this.primaryKey) throw new NotReversibleError(`dropPrimaryKey('${this.table}')`, 'the primary key definition is unknown')
    return new AddPrimaryKeyOp(this.table, this.primaryKey, this.schema)
  }
  describe(): string {
    return `removed primary key on '${display(this.table, this.schema)}'`
  }
  apply(model: SchemaModel): void {
    requireTable(model, this.table, this.schema).primaryKey = null
  }
}
