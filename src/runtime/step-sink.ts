import { DatabaseError } from '../errors.js'
import type { CompileContext, Dialect } from '../dialects/dialect.js'
import type { OperationSink } from '../operations/api.js'
import type { AnyOperation } from '../operations/index.js'
import { isIdempotentDdl } from './idempotent-ddl.js'

/** Why a statement failed, with everything the user needs to find it. */
export class StatementError extends DatabaseError {
  /** Operations compiled together into the statement; 1: the operation alone. */
  readonly batchSize: number

  constructor(
    readonly operation: AnyOperation | undefined,
    statement: string,
    readonly statementIndex: number,
    cause: unknown,
    /**
     * `code` `ddl-lock-timeout`: the statement's lock retries ran out (its message then says so); else `database`.
     * `batchSize`: operations compiled together into the statement (the dialect's batching); 1: the operation alone.
     */
    options: { code?: 'ddl-lock-timeout'; message?: string; batchSize?: number } = {},
  ) {
    super(options.message ?? (cause as Error)?.message ?? String(cause), { statement, cause, ...(options.code ? { code: options.code } : {}) })
    this.name = 'StatementError'
    this.batchSize = options.batchSize ?? 1
    const source = cause as { sqlState?: string; code?: unknown; errno?: number }
    if (typeof source?.sqlState === 'string') this.sqlState = source.sqlState
    else if (typeof source?.code === 'string' && /^[0-9A-Z]{5}$/.test(source.code)) this.sqlState = source.code
    if (typeof source?.errno === 'number') this.errno = source.errno
  }
}

/** One statement of a step, with the operation that produced it and its place among that operation's statements. */
export interface StatementInfo {
  sql: string
  operation: AnyOperation
  /** 1-based number of the statement within the step. */
  number: number
  /** 0-based position among the operation's own statements, and how many it has. */
  index: number
  count: number
  /** Operations compiled together with `operation` (the first of them) into these statements; absent: it alone. */
  batch?: AnyOperation[]
}

export interface StepHooks {
  /** Runs (or prints) one statement; returns false when the statement was found done and skipped. */
  statement(info: StatementInfo): Promise<void>
  setAutocommit(on: boolean): Promise<void>
  query<T>(sql: string, params?: unknown[]): Promise<T[]>
}

/**
 * The sink a step's `op` calls run into, online and offline alike: compile with the dialect, hand each statement
 * to the run loop, count them. Offline, each operation is also replayed on the model the script is built from.
 */
export class StepSink implements OperationSink {
  /** Statements of this step handed on (or skipped on resume) so far. */
  statementsDone = 0
  /** Operations waiting to be compiled with their neighbours (the dialect's `batching`). */
  private readonly held: AnyOperation[] = []

  constructor(
    private readonly dialect: Dialect,
    private readonly context: CompileContext,
    private readonly hooks: StepHooks,
    /** Statements already done by an earlier attempt of this step (resume). */
    private readonly skip = 0,
    /** Offline: the model to replay operations on after compiling them. */
    private readonly replay?: (operation: AnyOperation) => void,
    /** Offline: turns a compile failure on a table the model lacks into advice. */
    private readonly explainCompileError?: (operation: AnyOperation, error: unknown) => unknown,
  ) {}

  async run(operation: AnyOperation): Promise<void> {
    if (this.dialect.batching?.holds(operation)) {
      this.held.push(operation)
      return
    }
    if (this.holding) await this.flush()
    await this.runBatch([operation])
  }

  /** Whether operations wait for `flush`. */
  get holding(): boolean {
    return this.held.length > 0
  }

  /** Runs the operations held back for batching (before a query, an autocommit boundary, the step's end). */
  async flush(): Promise<void> {
    const held = this.held.splice(0)
    if (held.length === 0) return
    const batches = held.length === 1 ? [held] : await this.dialect.batching!.plan(held, this.context)
    for (const batch of batches) await this.runBatch(batch)
  }

  private async runBatch(batch: AnyOperation[]): Promise<void> {
    const operation = batch[0]!
    let statements: string[]
    try {
      statements = batch.length === 1 ? await this.dialect.compile(operation, this.context) : await this.dialect.batching!.compile(batch, this.context)
    } catch (error) {
      throw this.explainCompileError ? this.explainCompileError(operation, error) : error
    }
    const folded = batch.length > 1 ? { batch } : {}
    const from = this.resumeFrom(statements)
    for (const [index, sql] of statements.entries()) {
      const number = this.statementsDone + 1
      if (number >= from) await this.hooks.statement({ sql, operation, number, index, count: statements.length, ...folded })
      this.statementsDone = number
    }
    if (this.replay) for (const each of batch) this.replay(each)
  }

  /**
   * The first statement number of this operation to run. A resume inside an operation whose statements before the
   * resume point are all safe to run twice (PostgreSQL's DROP INDEX CONCURRENTLY IF EXISTS before an index built
   * again) restarts it from its first: how many statements it compiles to depends on what the failure left (an
   * invalid index), so the recorded count may point past the drop it needs.
   */
  private resumeFrom(statements: string[]): number {
    const first = this.statementsDone + 1
    const resumeAt = this.skip + 1
    if (first < resumeAt && resumeAt < first + statements.length && statements.slice(0, resumeAt - first).every(isIdempotentDdl)) return first
    return resumeAt
  }

  async query<T>(sql: string, params?: unknown[]): Promise<T[]> {
    await this.flush()
    return this.hooks.query<T>(sql, params)
  }

  async setAutocommit(on: boolean): Promise<void> {
    await this.flush()
    return this.hooks.setAutocommit(on)
  }
}
