import type { Dialect } from '../dialects/dialect.js'
import type { AnyOperation } from '../operations/index.js'
import type { EnumModel, SchemaModel } from '../schema/model.js'
import type { RuleSettings } from '../lint/lint-operations.js'
import type { OperationMark } from '../lint/marks.js'

/** What compare needs from a dialect: its canonical forms. */
export type CompareDialect = Pick<Dialect, 'name' | 'features' | 'canonicalize' | 'normalizeDefault' | 'normalizeExpression' | 'portableExpression'> &
  Partial<Pick<Dialect, 'maxIdentifierLength' | 'schemaRules' | 'declaredColumn'>>

/**
 * Rename hints given outside the schema (CLI flags, API callers), old name → new name.
 * Tables: `'old'` or `'schema.old'` → `'new'`. Columns: `'table.old'` or `'schema.table.old'` → `'new'`
 * (the table may be named by its new or its old name).
 */
export interface RenameHints {
  tables?: Record<string, string>
  columns?: Record<string, string>
}

export type ComparedObjectType = 'table' | 'column' | 'index' | 'unique' | 'foreignKey' | 'check' | 'enum' | 'view' | 'function' | 'procedure' | 'trigger' | 'extension' | 'policy' | 'partition' | 'sequence'

/** Like Alembic's include_object: return false to leave an object out of the comparison. */
export interface IncludeObject {
  (object: {
    type: ComparedObjectType
    name: string
    /** The owning table, for objects that live in a table. */
    table?: string
    schema?: string | null
    /** True when the object comes from the database (it has no counterpart in the target). */
    reflected: boolean
    /** The object on the other side (the reflected one for a target object), or null. */
    compareTo: unknown
  }): boolean
}

export interface RenameQuestion {
  kind: 'table' | 'column'
  /** For a column: the table, by its (new) qualified name. */
  table?: string
  from: string
  to: string
}

export interface CompareOptions {
  dialect: CompareDialect
  renames?: RenameHints
  /** Tables to compare (names, `schema.name`, or globs with `*` / `?`); all when absent or empty. */
  include?: string[]
  /** Tables to leave alone; wins over `include`. */
  exclude?: string[]
  includeObject?: IncludeObject
  /** Asked for an unhinted dropped + added pair that may be a rename. Never called when absent. */
  askRename?: (question: RenameQuestion) => Promise<boolean>
  /** PostgreSQL schemas strata manages: schemas are created / dropped only within these. */
  managedSchemas?: string[]
  /** Tables never compared, besides strata's own `strata_version` and `strata_history`. */
  ignoreTables?: string[]
  /**
   * The schema as the applied revisions declare it (their upgrades replayed on a model). It tells what the
   * database does not keep: enum names and enums no column uses (MySQL, SQLite), and checks, predicates and
   * defaults as written, which downgrades restate instead of the server's own spelling.
   */
  history?: SchemaModel
  /**
   * Or the history on demand: asked only when the comparison needs it (enum lifetimes on MySQL and SQLite, or
   * operations to write). A comparison that finds nothing on PostgreSQL never replays the revisions.
   */
  loadHistory?: () => Promise<SchemaModel | undefined>
  /**
   * Only the history's enums, which is all enum lifetimes need (MySQL and SQLite): the CLI answers from a cache
   * instead of replaying the revisions. Without it they come from `history` / `loadHistory`.
   */
  loadHistoryEnums?: () => Promise<EnumModel[] | undefined>
  /** `lint.rules` of the config: the marks come from the lint catalogue. */
  lintRules?: RuleSettings
  /** `safe: true`: the marks describe the zero-downtime form the file will hold, not the plain one. */
  safe?: boolean
}

export interface DetectedChange {
  operation: AnyOperation
  /** `operation.describe()`. */
  message: string
  /** The data marks' messages (can lose data, break the running application, or fail on existing rows), or null. */
  warning: string | null
  /**
   * What the operation's reverse restates in the server's own spelling (no applied revision declares it): the
   * downgrade may not run on another dialect. Absent when everything is in the declared spelling.
   */
  reflectedSpelling?: string[]
  /** The lint findings autogenerate writes above the operation (data and lock), with their rule ids. */
  marks: OperationMark[]
}

/** strata's own tables; `strata_objects` records what MySQL does not keep (a view's declared text). */
export const STRATA_TABLES = ['strata_version', 'strata_history', 'strata_lock', 'strata_objects'] as const
