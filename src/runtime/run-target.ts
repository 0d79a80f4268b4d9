import type { CompileContext, Connection, Dialect, HeldLock } from '../dialects/dialect.js'
import type { AnyOperation } from '../operations/index.js'
import { type SchemaModel, findTable } from '../schema/model.js'
import { StrataError } from '../errors.js'
import { applyToReplay, offlineCompileError } from './offline-replay.js'

/**
 * Where a run's SQL goes. The run loop is the same online and offline; only this differs: a live connection
 * (with the lock, progress records and resumes) or the lines of a script (`--sql`).
 */
export interface RunTarget {
  readonly live: boolean
  readonly inTransaction: boolean
  /** Live, on an in-process database: a statement holds this thread until it returns (Connection.blocksThread). */
  readonly blocksThread?: boolean
  begin(): Promise<void>
  /** Live: verifies the lock first, so a run that lost it never commits. */
  commit(): Promise<void>
  rollback(): Promise<void>
  /** Runs one statement; the number of rows it changed (offline: the number it is expected to change). */
  execute(sql: string): Promise<number>
  query<T>(sql: string, params?: unknown[]): Promise<T[]>
  readonly compileContext: CompileContext
  /** Offline: operations are replayed on the model the script is built from. */
  readonly replay?: (operation: AnyOperation) => void
  /** Offline: the error for an operation the dialect cannot compile without knowing a table the model lacks. */
  readonly explainCompileError?: (operation: AnyOperation, error: unknown) => unknown
  /** A comment line in a script (live: nothing). */
  comment(text: string): void
}

/** A live database connection holding the migration lock. */
export class LiveTarget implements RunTarget {
  readonly live = true
  inTransaction: boolean
  readonly blocksThread: boolean
  readonly compileContext: CompileContext

  constructor(
    private readonly dialect: Dialect,
    readonly connection: Connection,
    private readonly lock: HeldLock,
    inTransaction: boolean,
  ) {
    this.inTransaction = inTransaction
    this.blocksThread = connection.blocksThread === true
    this.compileContext = {
      offline: false,
      connection,
      table: async (name, schema) => {
        const model = await dialect.introspect(connection, {
          ...(schema ? { schemas: [schema] } : {}),
          excludeTables: (other, otherSchema) => other !== name || (otherSchema ?? null) !== (schema ?? null),
        })
        return model.tables.find((t) => t.name === name)
      },
    }
  }

  verifyLock(): Promise<void> {
    return this.lock.verify()
  }

  async begin(): Promise<void> {
    if (this.inTransaction) return
    await this.connection.execute(this.dialect.beginSql)
    this.inTransaction = true
  }

  async commit(): Promise<void> {
    if (!this.inTransaction) return
    await this.lock.verify()
    this.inTransaction = false
    await this.connection.execute(this.dialect.commitSql)
  }

  async rollback(): Promise<void> {
    if (!this.inTransaction) return
    this.inTransaction = false
    await this.connection.execute(this.dialect.rollbackSql).catch(() => undefined)
  }

  async execute(sql: string): Promise<number> {
    return (await this.connection.execute(sql)).rowCount
  }

  query<T>(sql: string, params?: unknown[]): Promise<T[]> {
    return this.connection.query<T>(sql, params)
  }

  comment(): void {}
}

/** An offline script: statements become lines, each ending with ';', comments stay comments. */
export class ScriptTarget implements RunTarget {
  readonly live = false
  inTransaction = false
  readonly lines: string[] = []
  readonly compileContext: CompileContext
  readonly replay: (operation: AnyOperation) => void
  readonly explainCompileError: (operation: AnyOperation, error: unknown) => unknown

  constructor(
    private readonly dialect: Dialect,
    readonly model: SchemaModel,
  ) {
    this.compileContext = { offline: true, table: async (name, schema) => structuredClone(findTable(this.model, name, schema)) }
    // A table that predates the first revision is not in the model: operations on it leave the model alone.
    this.replay = (operation) => applyToReplay(operation, this.model)
    this.explainCompileError = (operation, error) => offlineCompileError(operation, error, this.model)
  }

  emit(sql: string): void {
    const text = sql.trim().replace(/;$/, '')
    const commentOnly = text.split('\n').every((line) => line.trim().startsWith('--') || line.trim() === '')
    this.lines.push(commentOnly ? text : `${text};`, '')
  }

  comment(text: string): void {
    this.lines.push(`-- ${text}`, '')
  }

  async begin(): Promise<void> {
    if (this.inTransaction) return
    this.emit(this.dialect.scriptFraming.begin)
    this.inTransaction = true
  }

  async commit(): Promise<void> {
    if (!this.inTransaction) return
    for (const sql of this.dialect.scriptFraming.beforeCommit) this.emit(sql)
    this.emit(this.dialect.commitSql)
    this.inTransaction = false
  }

  async rollback(): Promise<void> {
    this.inTransaction = false
  }

  async execute(sql: string): Promise<number> {
    this.emit(sql)
    return 1
  }

  async query<T>(): Promise<T[]> {
    throw new StrataError('op.query() is not available in offline (--sql) mode: this migration reads data, run it online', { code: 'offline' })
  }
}
