import { DatabaseError } from '../errors.js'
import type { CompileContext, Dialect } from '../dialects/dialect.js'
import type { OperationSink } from '../operations/api.js'
import type { AnyOperation } from '../operations/index.js'

/** Why a statement failed, with everything the user needs to find it. */
export class StatementError extends DatabaseError {
  constructor(
    readonly operation: AnyOperation | undefined,
    statement: string,
    readonly statementIndex: number,
    cause: unknown,
    /** `ddl-lock-timeout`: the statement's lock retries ran out (its message then says so); else `database`. */
    options: { code?: 'ddl-lock-timeout'; message?: string } = {},
  ) {
    super(options.message ?? (cause as Error)?.message ?? String(cause), { statement, cause, ...(options.code ? { code: options.code } : {}) })
    this.name = 'StatementError'
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
    let statements: string[]
    try {
      statements = await this.dialect.compile(operation, this.context)
    } catch (error) {
      throw this.explainCompileError ? this.explainCompileError(operation, error) : error
    }
    for (const [index, sql] of statements.entries()) {
      const number = this.statementsDone + 1
      if (number > this.skip) await this.hooks.statement({ sql, operation, number, index, count: statements.length })
      this.statementsDone = number
    }
    this.replay?.(operation)
  }

  query<T>(sql: string, params?: unknown[]): Promise<T[]> {
    return this.hooks.query<T>(sql, params)
  }

  setAutocommit(on: boolean): Promise<void> {
    return this.hooks.setAutocommit(on)
  }
}
