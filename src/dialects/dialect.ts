import type { AnyOperation } from '../operations/index.js'
import type { CompilerTable } from './shared/compiler-table.js'
import type { ColumnModel, DefaultValue, SchemaModel, TableModel } from '../schema/model.js'
import type { DatabaseUrl } from '../runtime/url.js'
import type { NamingConvention } from '../schema/naming.js'

/** The three SQL families strata knows; every dialect is one of them or a variant of one (registry `variantOf`). */
export type DialectFamily = 'sqlite' | 'postgres' | 'mysql'

export type DialectName = DialectFamily | 'libsql' | 'pglite'

/** A live database session. One connection per run; strata never pools. */
export interface Connection {
  readonly dialect: DialectName
  /** Rows of a SELECT (or any statement returning rows). */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>
  /** A statement; `rowCount` is the number of rows it changed (version-table steps assert it). */
  execute(sql: string, params?: unknown[]): Promise<{ rowCount: number }>
  close(): Promise<void>
  /**
   * True when statements may be sent before earlier ones have answered: the connection runs them one at a time in
   * the order sent, and starts each one's timeout only when it runs (PostgreSQL). The run loop then keeps the
   * server busy while it prepares the next steps. Absent: every call is awaited before the next.
   */
  readonly queuesStatements?: boolean
  /**
   * True when a statement runs on this thread (an in-process database: SQLite, libSQL files, PGlite): until it
   * returns nothing else in this process runs, not even a timer. The run loop writes out held-back progress lines
   * before each statement, since a timer cannot do it during a long one.
   */
  readonly blocksThread?: boolean
  /**
   * Several read statements in one round trip, their rows in order: the server runs them back to back while this
   * process does other work (MySQL: multi-statement text, on a session opened with `readBatches`). Absent: the
   * caller sends them one at a time.
   */
  queryBatch?(statements: ReadStatement[]): Promise<unknown[][]>
}

/** One statement of a `queryBatch`. */
export interface ReadStatement {
  sql: string
  params?: unknown[]
}

export interface IntrospectOptions {
  /** PostgreSQL schemas to reflect; default: the current schema (first of search_path). Ignored elsewhere. */
  schemas?: string[]
  /** Tables to leave out entirely (strata's own tables, excluded tables). */
  excludeTables?: (name: string, schema: string | null) => boolean
  /** Names for constraints the database keeps unnamed (SQLite); default: strata's convention. */
  naming?: NamingConvention
  /**
   * Called once the catalog queries that keep the server busiest are on the wire, so the caller can load the
   * schema files meanwhile (check, autogenerate). Not called: the caller learns it when introspection ends.
   */
  onQueriesSent?: () => void
}

export interface CompileContext {
  /**
   * The table as it is right now: reflected from the database online, or from the model the run has replayed so
   * far offline. SQLite's table rebuild needs it; other dialects may ignore it.
   */
  table(name: string, schema: string | null): Promise<TableModel | undefined>
  /** True when producing an offline script (`--sql`): nothing may be read from a database. */
  offline: boolean
  /** The live connection (absent offline), for facts the model does not carry (e.g. SQLite triggers). */
  connection?: Connection
}

/**
 * Bounds on waiting for the server (`connectTimeout`, `statementTimeout` in the config, in ms here). 0 or absent:
 * no bound. A bound that runs out is a `TimeoutError` and the connection is closed: nothing waits forever on a
 * server that stopped answering.
 */
export interface ConnectOptions {
  /** Give up opening the session (TCP, TLS, authentication) after this long. */
  connectTimeoutMs?: number
  /** Give up on any single statement after this long (the server is asked to cancel it where it can). */
  statementTimeoutMs?: number
  /**
   * The session only ever runs strata's own reads (check, autogenerate): it may offer `queryBatch`. Never set for
   * a session that runs migrations, where a user's `a; b` must stay one statement.
   */
  readBatches?: boolean
}

/**
 * What differs between databases, as facts core code reads (never `dialect.name === …` outside src/dialects/).
 * Every dialect states every flag: a new flag is a type error until each dialect has chosen its value.
 */
export interface DialectFeatures {
  /** Enums are schema objects of their own (CREATE TYPE), diffed and created separately from columns. */
  readonly namedEnumTypes: boolean
  /** A database holds several schemas that strata may manage (`managedSchemas`). */
  readonly schemas: boolean
  /** A new enum value can be used only after the transaction that added it commits. */
  readonly enumValueNeedsCommit: boolean
  /** The database is a file that connecting creates: a missing one is an empty database, not an error. */
  readonly fileDatabase: boolean
  /** `acquireLock` takes a session lock of the server (advisory lock, GET_LOCK); false: no such lock exists. */
  readonly advisoryLocks: boolean
  /** Online index builds and drops (CONCURRENTLY) and constraint validation are run outside any transaction. */
  readonly onlineDdlOutsideTransaction: boolean
  /** PostgreSQL extensions: compared only where true, left out of the comparison elsewhere. */
  readonly extensions: boolean
  /** Row-level security and its policies: compared only where true, left out of the comparison elsewhere. */
  readonly rowSecurity: boolean
  /** Stored functions and procedures exist: where false (SQLite) a schema declaring one is refused when it loads. */
  readonly storedRoutines: boolean
  /** Partitioned tables and their partitions: where false a schema declaring one is refused when it loads. */
  readonly partitionedTables: boolean
  /** Sequences (CREATE SEQUENCE): where false a schema declaring one is refused when it loads. */
  readonly sequences: boolean
  /** Materialized views: where false a schema declaring one is refused when it loads. */
  readonly materializedViews: boolean
  /**
   * An operation compiled to several statements (SQLite's table rebuild) runs in a transaction of its own, with its
   * progress record, where the step has none: a stop half-way leaves the table as it was, never half-rebuilt.
   */
  readonly atomicOperations: boolean
}

/**
 * Consecutive operations a dialect compiles together (SQLite: several changes to one table become one rebuild).
 * The run holds back every operation `holds` accepts until one it does not, an `op.query`, an `op.autocommit`
 * boundary or the end of the step; then it runs them in the batches `plan` returns, in that order.
 */
export interface OperationBatching {
  /** Whether the operation may wait for its neighbours (anything else runs at once, after the held ones). */
  holds(operation: AnyOperation): boolean
  /** The held operations in batches, in execution order; every operation exactly once. */
  plan(operations: AnyOperation[], context: CompileContext): Promise<AnyOperation[][]>
  /** SQL for a batch of more than one operation, in execution order. */
  compile(batch: AnyOperation[], context: CompileContext): Promise<string[]>
}

/** A lock held for a run; released explicitly, and by the database when the session dies. */
export interface HeldLock {
  release(): Promise<void>
  /**
   * Throws `LockLostError` when this run no longer holds the lock (its session was closed, its lease expired). The
   * run loop calls it before every commit point, so a run that lost its lock stops before committing.
   */
  verify(): Promise<void>
}

/** How many locks one transaction may take before the run should commit (PostgreSQL's shared lock table). */
export interface TransactionBudget {
  /** Locks the open transaction holds now. */
  held(connection: Connection): Promise<number>
  /** Commit at the next step boundary once `held` passes this. */
  limit: number
  /** Why the run commits in several steps (printed once). */
  reason: string
}

/**
 * How a database bounds a statement's wait for a table lock (config `ddlLockTimeout`): PostgreSQL `lock_timeout`,
 * MySQL `lock_wait_timeout`. Absent (SQLite): no such bound; its busy timeout is a separate thing.
 */
export interface LockWaitBound {
  /** Statements that bound every later statement of the session to `ms` of waiting for a lock. */
  sessionSql(ms: number): string[]
  /** The error is a statement cancelled by that bound (PostgreSQL SQLSTATE 55P03, MySQL errno 1205). */
  isLockTimeout(error: unknown): boolean
  /**
   * Statements to run before retrying a cancelled statement, for what it may have left behind (PostgreSQL: the
   * INVALID index of an interrupted `CREATE INDEX CONCURRENTLY`). Absent: nothing to clean.
   */
  beforeRetry?(operation: AnyOperation, connection: Connection): Promise<string[]>
}

/** Statements an offline script wraps around its transactions (SQLite: foreign keys off around table rebuilds). */
export interface ScriptFraming {
  /** Before the first BEGIN. */
  prelude: string[]
  /** Before every COMMIT (e.g. a foreign-key check). */
  beforeCommit: string[]
  /** After the last COMMIT. */
  postlude: string[]
  /** BEGIN in a script (SQLite's online BEGIN IMMEDIATE is a locking detail of strata's own runs). */
  begin: string
}

export interface SchemaRules {
  /** The database as messages name it. */
  readonly displayName: string
  /** How `maxIdentifierLength` is counted: PostgreSQL counts UTF-8 bytes, MySQL characters. */
  readonly identifierLengthUnit: 'bytes' | 'characters'
  /** Index names are unique per table (MySQL); elsewhere two tables of a schema cannot share one. */
  readonly indexNamesPerTable: boolean
  /** Functions the database does not have, by lower-case name, with the spelling to use instead. */
  readonly missingFunctions: Readonly<Record<string, string>>
  /** Index and column details the database keeps: a schema using another is refused when it loads. */
  readonly details: SchemaDetails
}

export interface SchemaDetails {
  /** Index access methods (`using`) kept as declared; 'any' leaves the choice to the server. */
  readonly indexMethods: readonly string[] | 'any'
  /** `include(…)` non-key index columns. */
  readonly include: boolean
  /** Per-element operator classes. */
  readonly opclass: boolean
  /** Per-element NULLS FIRST / LAST. */
  readonly nulls: boolean
  /** Per-element DESC. */
  readonly desc: boolean
  /** Per-element COLLATE. */
  readonly elementCollate: boolean
  /** `ON UPDATE CURRENT_TIMESTAMP` columns. */
  readonly onUpdateNow: boolean
}

/**
 * Everything strata needs from a database kind. Each dialect lives in its own folder with the same role files
 * (driver, introspector, ddl-compiler, types) and never imports another dialect.
 */
export interface Dialect {
  readonly name: DialectName
  readonly features: DialectFeatures
  /** DDL inside a transaction is atomic (PostgreSQL, SQLite); MySQL commits implicitly. */
  readonly transactionalDDL: boolean
  /** Longest identifier the server accepts, measured in `schemaRules.identifierLengthUnit` (SQLite: Infinity). */
  readonly maxIdentifierLength: number
  /** What a schema must respect on this database: checked when the schema loads (src/schema/validate.ts). */
  readonly schemaRules: SchemaRules

  connect(url: DatabaseUrl, options?: ConnectOptions): Promise<Connection>
  /** True when the database (file, or server database) exists; `current` must not create it. */
  databaseExists(url: DatabaseUrl, options?: ConnectOptions): Promise<boolean>

  /** The whole schema with a fixed number of catalog queries (not per table). */
  introspect(connection: Connection, options?: IntrospectOptions): Promise<SchemaModel>
  /**
   * Objects and details the model does not carry (domains, exclusion constraints, events, WITHOUT ROWID…), one line each,
   * sorted: `pull` lists them instead of dropping them silently. Shrinks as the model grows.
   */
  describeUnmodelled(connection: Connection, options?: IntrospectOptions): Promise<string[]>
  /**
   * A reflected column as a schema declares it so that `canonicalize` gives it back (PostgreSQL: a serial column is
   * `customType('serial')`, since `autoincrement()` declares an identity). Absent: the column as reflected.
   */
  declaredColumn?(column: ColumnModel): ColumnModel

  /** SQL for one operation, in execution order. Throws for names past the limit or unsupported changes. */
  compile(operation: AnyOperation, context: CompileContext): Promise<string[]>
  /**
   * The compiler of every operation kind (shared/compiler-table.ts); `compile` dispatches over it. Both come from
   * `compilerMembers(table)`, so a variant that changes one entry spreads its parent's table and sets both.
   */
  readonly compilers: CompilerTable
  /** Operations compiled together (SQLite's one rebuild per table). Absent: each operation compiles alone. */
  readonly batching?: OperationBatching

  /**
   * The model as this dialect would reflect it after creating it (types mapped to what the server keeps,
   * defaults and expressions normalised). Compare runs on canonical forms of both sides. A fresh model: it shares
   * no object with its input and leaves it unchanged, so compare hands it the declared model without a deep copy
   * (test/unit/autogenerate/canonicalize-copies.test.ts checks every registered dialect).
   */
  canonicalize(model: SchemaModel): SchemaModel
  /** A default in the dialect's canonical spelling, for comparison (`'0'::integer` and `0` → the same string). */
  normalizeDefault(value: DefaultValue | null | undefined, column: { type: SchemaModel['tables'][number]['columns'][number]['type'] }): string | null
  /** A check/where/index expression in a canonical spelling, for comparison. */
  normalizeExpression(sql: string): string
  /**
   * An expression as this server reflects it, in a spelling every dialect accepts, where the server re-spells
   * what it was given (PostgreSQL's casts and `= ANY (ARRAY[…])`). Absent where the server keeps the text.
   */
  portableExpression?(sql: string): string

  quoteIdentifier(name: string): string
  quoteLiteral(value: unknown): string

  beginSql: string
  commitSql: string
  rollbackSql: string

  /**
   * True when `acquireLock` opens the run's transaction (SQLite: BEGIN IMMEDIATE is the lock); the runtime then
   * does not send `beginSql` for the first transaction.
   */
  readonly lockOpensTransaction: boolean

  /** Takes the migration lock (advisory lock, GET_LOCK, or SQLite's write lock), retrying until `timeoutMs`. */
  acquireLock(connection: Connection, timeoutMs: number): Promise<HeldLock>

  /**
   * A lock that spans the whole run on a handle of its own, taken before `acquireLock` (SQLite: a side file,
   * because its write lock ends at the first COMMIT). Absent: the dialect's lock is enough.
   */
  runLock?(url: DatabaseUrl, timeoutMs: number): Promise<HeldLock>

  /** Tunes the run connection once the lock is held (PostgreSQL: notice killed clients). Absent: nothing to do. */
  prepareSession?(connection: Connection): Promise<void>

  /**
   * Why `acquireLock` cannot protect a run on this server, read from the server (Galera: GET_LOCK is node-local);
   * undefined when it can. strata then uses the table (lease) lock.
   */
  advisoryLockUnsafe?(connection: Connection): Promise<string | undefined>

  /** SQL for the lease lock's clock: the server's time in milliseconds since 1970, as a number. */
  readonly nowMillisSql: string
  /** Where long runs must commit before a transaction outgrows a server limit (PostgreSQL); absent elsewhere. */
  transactionBudget?(connection: Connection): Promise<TransactionBudget | null>

  /** Bounds a migration statement's wait for a table lock (config `ddlLockTimeout`); absent where there is none. */
  readonly lockWaitBound?: LockWaitBound

  /** How an offline script frames its transactions. */
  readonly scriptFraming: ScriptFraming
  /**
   * "No such table" for a database without an SQLSTATE for it (SQLite). Elsewhere `isMissingTable` decides on
   * the SQLSTATE and the server's error number alone.
   */
  isMissingTable?(error: unknown): boolean
}
