import { buildTableModel } from '../schema/build.js'
import type { ColumnBuilder } from '../schema/columns.js'
import type { TableExtra } from '../schema/extras.js'
import { type Autoincrement, type DefaultValue, type EnumModel, type IndexElement, type IndexElementOptions, type IndexModel, type ReferentialAction, cloneColumnType } from '../schema/model.js'
import { type NamingConvention, applyConvention, defaultNamingConvention } from '../schema/naming.js'
import { type SqlFragment, isSqlFragment } from '../schema/sql.js'
import { type ColumnMap, type ExtrasFn, type TableOptions, defineTable } from '../schema/table.js'
import type { AnyOperation } from './index.js'
import { AddColumnOp, AlterColumnOp, type ColumnChanges, DropColumnOp, RenameColumnOp } from './column-ops.js'
import {
  AddCheckOp,
  AddForeignKeyOp,
  AddPrimaryKeyOp,
  AddUniqueOp,
  CreateIndexOp,
  DropCheckOp,
  DropForeignKeyOp,
  DropIndexOp,
  DropPrimaryKeyOp,
  DropUniqueOp,
} from './constraint-ops.js'
import { AddEnumValueOp, AlterEnumOp, CreateEnumOp, DropEnumOp, type EnumUsage, RenameEnumValueOp } from './enum-ops.js'
import { BulkInsertOp, CreateSchemaOp, DropSchemaOp, ExecuteOp, type RowValue } from './misc-ops.js'
import { RenameConstraintOp, type RenamedKind } from './rename-constraint-op.js'
import { CreateTableOp, DropTableOp, RenameTableOp, SetTableCommentOp } from './table-ops.js'

/** What executes operations for the `op` API: the online runner, the offline SQL writer, or a recorder. */
export interface OperationSink {
  run(operation: AnyOperation): Promise<void>
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>
  /** Leaves (`true`) or re-enters (`false`) autocommit mode: commit the open transaction, or begin a new one. */
  setAutocommit(on: boolean): Promise<void>
}

export interface SchemaOption {
  schema?: string
}

export type DefaultInput = string | number | boolean | SqlFragment | null

export interface AlterColumnOptions extends SchemaOption {
  type?: ColumnBuilder
  nullable?: boolean
  default?: DefaultInput
  comment?: string | null
  autoincrement?: Autoincrement
  /** `COLLATE name`; null: the server's default collation. */
  collation?: string | null
  /** MySQL/MariaDB: `ON UPDATE CURRENT_TIMESTAMP`. */
  onUpdateNow?: boolean
  /** PostgreSQL: the cast for a type change (`USING col::integer`). */
  using?: string
  /** MySQL: `ALGORITHM=INPLACE, LOCK=NONE`: the server refuses a change that would copy the table (ignored elsewhere). */
  online?: boolean
  existingType?: ColumnBuilder
  existingNullable?: boolean
  existingDefault?: DefaultInput
  existingComment?: string | null
  existingAutoincrement?: Autoincrement
  existingCollation?: string | null
  existingOnUpdateNow?: boolean
}

/** An index element of `op.createIndex`: a column, an SQL expression, or either with options. */
export type IndexElementInput = string | SqlFragment | ({ column: string } & IndexElementOptions) | ({ expression: string | SqlFragment } & IndexElementOptions)

export interface CreateIndexOptions extends SchemaOption {
  unique?: boolean
  where?: string | SqlFragment
  online?: boolean
  /** Access method (PostgreSQL `gin`, `gist`…). */
  using?: string
  /** PostgreSQL: non-key columns stored in the index. */
  include?: string[]
}

function indexElementOf(input: IndexElementInput): IndexElement {
  if (typeof input === 'string') return input
  if (isSqlFragment(input)) return { expression: input.text }
  if ('column' in input) return { ...input }
  return { ...input, expression: isSqlFragment(input.expression) ? input.expression.text : input.expression }
}

export interface ForeignKeyOpOptions extends SchemaOption {
  referencedSchema?: string
  onDelete?: ReferentialAction
  onUpdate?: ReferentialAction
  deferrable?: boolean | 'initially deferred'
  /** `false`: PostgreSQL `NOT VALID` (existing rows are checked by a later `VALIDATE CONSTRAINT`); ignored elsewhere. */
  validate?: boolean
}

function toDefault(value: DefaultInput): DefaultValue | null {
  if (value === null) return null
  if (isSqlFragment(value)) return { kind: 'sql', sql: value.text }
  return { kind: 'literal', value }
}

function typeOf(builder: ColumnBuilder) {
  return cloneColumnType(builder.config.type)
}

/**
 * The queue under the `op` object and its operations on tables, columns, indexes, constraints, enums and schemas
 * (the database objects are in api.ts). Every method builds one operation (data) and hands it to the sink. Calls
 * are queued in order, so a forgotten `await` cannot reorder or lose an operation; the runner drains the queue
 * after `upgrade`/`downgrade` returns and reports the first failure.
 */
export class TableOperations {
  private tail: Promise<void> = Promise.resolve()
  private failure: unknown = undefined

  constructor(private readonly sink: OperationSink, protected readonly naming: NamingConvention = defaultNamingConvention) {}

  /** Waits for every queued operation; rethrows the first failure. */
  async drain(): Promise<void> {
    await this.tail
    if (this.failure !== undefined) throw this.failure
  }

  private enqueue<T>(work: () => Promise<T>): Promise<T> {
    const result = this.tail.then(() => {
      if (this.failure !== undefined) throw this.failure
      return work()
    })
    this.tail = result.then(
      () => undefined,
      (error: unknown) => {
        if (this.failure === undefined) this.failure = error
      },
    )
    return result
  }

  protected emit(...operations: AnyOperation[]): Promise<void> {
    return this.enqueue(async () => {
      for (const operation of operations) await this.sink.run(operation)
    })
  }

  createTable<C extends ColumnMap>(name: string, columns: C, extras?: ExtrasFn<C> | TableExtra[] | TableOptions, options?: TableOptions): Promise<void> {
    const model = buildTableModel(defineTable(name, columns, extras, options), this.naming)
    delete model.renamedFrom
    for (const column of model.columns) delete column.renamedFrom
    return this.emit(new CreateTableOp(model))
  }

  dropTable(name: string, options: SchemaOption = {}): Promise<void> {
    return this.emit(new DropTableOp(name, options.schema ?? null))
  }

  renameTable(from: string, to: string, options: SchemaOption = {}): Promise<void> {
    return this.emit(new RenameTableOp(from, to, options.schema ?? null))
  }

  setTableComment(tableName: string, comment: string | null, options: SchemaOption & { existing?: string | null } = {}): Promise<void> {
    return this.emit(new SetTableCommentOp(tableName, comment, options.existing, options.schema ?? null))
  }

  /** Adds a column; a `.references()` or `.unique()` on the builder adds the constraint too. */
  addColumn(tableName: string, name: string, builder: ColumnBuilder, options: SchemaOption = {}): Promise<void> {
    const schema = options.schema ?? null
    const probe = buildTableModel(defineTable(tableName, { [name]: builder }, schema ? { schema } : {}), this.naming)
    const column = probe.columns[0]!
    column.name = builder.config.name ?? name
    delete column.renamedFrom
    const ops: AnyOperation[] = [new AddColumnOp(tableName, column, schema)]
    for (const unique of probe.uniques) ops.push(new AddUniqueOp(tableName, unique, schema))
    for (const fk of probe.foreignKeys) ops.push(new AddForeignKeyOp(tableName, fk, schema))
    return this.emit(...ops)
  }

  dropColumn(tableName: string, name: string, options: SchemaOption = {}): Promise<void> {
    return this.emit(new DropColumnOp(tableName, name, options.schema ?? null))
  }

  renameColumn(tableName: string, from: string, to: string, options: SchemaOption = {}): Promise<void> {
    return this.emit(new RenameColumnOp(tableName, from, to, options.schema ?? null))
  }

  alterColumn(tableName: string, name: string, options: AlterColumnOptions): Promise<void> {
    const changes: ColumnChanges = {}
    const existing: ColumnChanges = {}
    if (options.type) changes.type = typeOf(options.type)
    if (options.nullable !== undefined) changes.nullable = options.nullable
    if (options.default !== undefined) changes.default = toDefault(options.default)
    if (options.comment !== undefined) changes.comment = options.comment
    if (options.autoincrement !== undefined) changes.autoincrement = options.autoincrement
    if (options.existingType) existing.type = typeOf(options.existingType)
    if (options.existingNullable !== undefined) existing.nullable = options.existingNullable
    if (options.existingDefault !== undefined) existing.default = toDefault(options.existingDefault)
    if (options.existingComment !== undefined) existing.comment = options.existingComment
    if (options.existingAutoincrement !== undefined) existing.autoincrement = options.existingAutoincrement
    if (options.collation !== undefined) changes.collation = options.collation
    if (options.onUpdateNow !== undefined) changes.onUpdateNow = options.onUpdateNow
    if (options.existingCollation !== undefined) existing.collation = options.existingCollation
    if (options.existingOnUpdateNow !== undefined) existing.onUpdateNow = options.existingOnUpdateNow
    return this.emit(new AlterColumnOp(tableName, name, changes, existing, options.schema ?? null, options.using, options.online ?? false))
  }

  /**
   * `online: true` builds without blocking writes: PostgreSQL `CREATE INDEX CONCURRENTLY` (call it inside
   * `op.autocommit`), MySQL `ALGORITHM=INPLACE, LOCK=NONE` (the server refuses rather than copy the table).
   */
  createIndex(name: string, tableName: string, elements: IndexElementInput[], options: CreateIndexOptions = {}): Promise<void> {
    const items = elements.map(indexElementOf)
    const where = isSqlFragment(options.where) ? options.where.text : options.where
    const index: IndexModel = { name, elements: items, unique: options.unique ?? false, ...(where ? { where } : {}) }
    if (options.using) index.using = options.using
    if (options.include?.length) index.include = [...options.include]
    return this.emit(new CreateIndexOp(tableName, index, options.schema ?? null, options.online ?? false))
  }

  /** `online: true`: PostgreSQL `DROP INDEX CONCURRENTLY` (call it inside `op.autocommit`). */
  dropIndex(name: string, tableName: string, options: SchemaOption & { online?: boolean } = {}): Promise<void> {
    return this.emit(new DropIndexOp(tableName, name, options.schema ?? null, undefined, options.online ?? false))
  }

  createUnique(name: string | null, tableName: string, columns: string[], options: SchemaOption = {}): Promise<void> {
    const uqName = name ?? applyConvention(this.naming.unique, { table: tableName, columns })
    return this.emit(new AddUniqueOp(tableName, { name: uqName, columns }, options.schema ?? null))
  }

  dropUnique(name: string, tableName: string, options: SchemaOption = {}): Promise<void> {
    return this.emit(new DropUniqueOp(tableName, name, options.schema ?? null))
  }

  /** `validate: false`: PostgreSQL `NOT VALID` (existing rows are checked by a later `VALIDATE CONSTRAINT`). */
  createCheck(name: string, tableName: string, expression: string | SqlFragment, options: SchemaOption & { validate?: boolean } = {}): Promise<void> {
    const text = isSqlFragment(expression) ? expression.text : expression
    return this.emit(new AddCheckOp(tableName, { name, expression: text }, options.schema ?? null, options.validate ?? true))
  }

  dropCheck(name: string, tableName: string, options: SchemaOption = {}): Promise<void> {
    return this.emit(new DropCheckOp(tableName, name, options.schema ?? null))
  }

  createForeignKey(name: string | null, tableName: string, columns: string[], referencedTable: string, referencedColumns: string[], options: ForeignKeyOpOptions = {}): Promise<void> {
    const fkName = name ?? applyConvention(this.naming.foreignKey, { table: tableName, columns, referredTable: referencedTable })
    const fk = { name: fkName, columns, referencedTable, referencedColumns } as AddForeignKeyOp['object']
    if (options.referencedSchema) fk.referencedSchema = options.referencedSchema
    if (options.onDelete) fk.onDelete = options.onDelete
    if (options.onUpdate) fk.onUpdate = options.onUpdate
    if (options.deferrable) fk.deferrable = options.deferrable
    return this.emit(new AddForeignKeyOp(tableName, fk, options.schema ?? null, options.validate ?? true))
  }

  dropForeignKey(name: string, tableName: string, options: SchemaOption = {}): Promise<void> {
    return this.emit(new DropForeignKeyOp(tableName, name, options.schema ?? null))
  }

  createPrimaryKey(name: string | null, tableName: string, columns: string[], options: SchemaOption = {}): Promise<void> {
    const pkName = name ?? applyConvention(this.naming.primaryKey, { table: tableName, columns })
    return this.emit(new AddPrimaryKeyOp(tableName, { name: pkName, columns }, options.schema ?? null))
  }

  /** Renames an index, or a unique, check, foreign-key or primary-key constraint (`kind` says which). */
  renameConstraint(tableName: string, from: string, to: string, options: SchemaOption & { kind: RenamedKind }): Promise<void> {
    return this.emit(new RenameConstraintOp(tableName, from, to, options.kind, options.schema ?? null))
  }

  dropPrimaryKey(tableName: string, options: SchemaOption & { name?: string; columns?: string[] } = {}): Promise<void> {
    const pk = options.columns ? { name: options.name ?? null, columns: options.columns } : undefined
    return this.emit(new DropPrimaryKeyOp(tableName, options.schema ?? null, pk))
  }

  createEnum(name: string, values: string[], options: SchemaOption = {}): Promise<void> {
    const model: EnumModel = { name, schema: options.schema ?? null, values: [...values] }
    return this.emit(new CreateEnumOp(model))
  }

  dropEnum(name: string, options: SchemaOption = {}): Promise<void> {
    return this.emit(new DropEnumOp(name, options.schema ?? null))
  }

  /** `existing` (the values before) and `columns` (where the enum is used) let MySQL and SQLite restate the columns. */
  addEnumValue(name: string, value: string, options: SchemaOption & { before?: string; after?: string; existing: string[]; columns?: EnumUsage[] }): Promise<void> {
    const position: { before?: string; after?: string } = {}
    if (options.before !== undefined) position.before = options.before
    if (options.after !== undefined) position.after = options.after
    return this.emit(new AddEnumValueOp(name, value, position, options.existing, options.columns ?? [], options.schema ?? null))
  }

  renameEnumValue(name: string, from: string, to: string, options: SchemaOption & { existing: string[]; columns?: EnumUsage[] }): Promise<void> {
    return this.emit(new RenameEnumValueOp(name, from, to, options.existing, options.columns ?? [], options.schema ?? null))
  }

  /** Rebuilds the enum with `values` (removing or reordering values); `renames` maps new → old value. */
  alterEnum(name: string, values: string[], options: SchemaOption & { existing: string[]; renames?: Record<string, string>; columns?: EnumUsage[] }): Promise<void> {
    return this.emit(new AlterEnumOp(name, values, options.existing, options.renames ?? {}, options.columns ?? [], options.schema ?? null))
  }

  createSchema(name: string): Promise<void> {
    return this.emit(new CreateSchemaOp(name))
  }

  dropSchema(name: string): Promise<void> {
    return this.emit(new DropSchemaOp(name))
  }

  /** Raw SQL. Pass `reverseSql` to make it reversible. */
  execute(statement: string | SqlFragment, reverseSql?: string): Promise<void> {
    return this.emit(new ExecuteOp(isSqlFragment(statement) ? statement.text : statement, reverseSql))
  }

  bulkInsert(tableName: string, rows: Record<string, RowValue>[], options: SchemaOption = {}): Promise<void> {
    return this.emit(new BulkInsertOp(tableName, rows, options.schema ?? null))
  }

  /** Reads rows, for data migrations. Not available in offline (`--sql`) mode. */
  query<T = Record<string, unknown>>(statement: string | SqlFragment, params?: unknown[]): Promise<T[]> {
    const text = isSqlFragment(statement) ? statement.text : statement
    return this.enqueue(() => this.sink.query<T>(text, params))
  }

  /**
   * Runs `body` outside the run's transaction (for CREATE INDEX CONCURRENTLY, or enum ADD VALUE on old servers):
   * strata commits before and opens a new transaction after.
   */
  async autocommit(body: () => Promise<void>): Promise<void> {
    await this.enqueue(() => this.sink.setAutocommit(true))
    try {
      await body()
      await this.drain()
    } finally {
      await this.enqueue(() => this.sink.setAutocommit(false)).catch(() => undefined)
    }
  }
}
