import type { CompileContext, Connection, Dialect } from '../dialects/dialect.js'
import type { OperationSink } from '../operations/api.js'
import type { AnyOperation } from '../operations/index.js'

/** Why a statement failed, with everything the user needs to find it. */
export class StatementError extends Error {
  constructor(
    readonly operation: AnyOperation | undefined,
    readonly statement: string,
    readonly statementIndex: number,
    override readonly cause: unknown,
  ) {
    super((cause as Error)?.message ?? String(cause))
    this.name = 'StatementError'
  }
}

export interface SinkHooks {
  /** Called before each statement that will execute (the runner writes a step's history row lazily). */
  beforeStatement?: () => Promise<void>
  /** Called after each executed statement (MySQL records progress for resumes). */
  afterStatement?: (statementsDone: number) => Promise<void>
  setAutocommit: (on: boolean) => Promise<void>
}

/** Runs operations online: compile with the dialect, execute on the connection, count statements. */
export class DatabaseSink implements OperationSink {
  /** Statements of this step executed (or skipped on resume) so far. */
  statementsDone = 0

  constructor(
    private readonly dialect: Dialect,
    private readonly connection: Connection,
    private readonly hooks: SinkHooks,
    /** Statements already done by an earlier, failed attempt of this step (MySQL resume). */
    private readonly skip = 0,
  ) {}

  private readonly context: CompileContext = {
    offline: false,
    table: async (name, schema) => {
      const model = await this.dialect.introspect(this.connection, {
        ...(schema ? { schemas: [schema] } : {}),
        excludeTables: (other, otherSchema) => other !== name || (otherSchema ?? null) !== (schema ?? null),
      })
      return model.tables.find((t) => t.name === name)
    },
  }

  async run(operation: AnyOperation): Promise<void> {
    const statements = await this.dialect.compile(operation, { ...this.context, connection: this.connection })
    for (const statement of statements) {
      if (this.statementsDone < this.skip) {
        this.statementsDone++
        continue
      }
      await this.hooks.beforeStatement?.()
      try {
        await this.connection.execute(statement)
      } catch (error) {
        throw new StatementError(operation, statement, this.statementsDone + 1, error)
      }
      this.statementsDone++
      await this.hooks.afterStatement?.(this.statementsDone)
    }
  }

  query<T>(sql: string, params?: unknown[]): Promise<T[]> {
    return this.connection.query<T>(sql, params)
  }

  setAutocommit(on: boolean): Promise<void> {
    return this.hooks.setAutocommit(on)
  }
}
