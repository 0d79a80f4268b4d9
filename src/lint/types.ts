import type { DialectFamily } from '../dialects/dialect.js'
import type { AnyOperation } from '../operations/index.js'
import type { SchemaModel } from '../schema/model.js'

export type IdentifierLengthUnit = 'bytes' | 'characters'

export type Severity = 'error' | 'warning' | 'info'

/** A server version, `major.minor` (PostgreSQL 16.4 → { major: 16, minor: 4 }; MariaDB 11.4 → { major: 11, minor: 4 }). */
export interface ServerVersion {
  major: number
  minor: number
  /** MySQL-family servers: MariaDB numbers its versions differently from MySQL. */
  mariadb?: boolean
}

/** What a rule knows besides the operation: where it runs and what ran before it in the same migration. */
export interface LintContext {
  dialect: DialectFamily
  /** The server's version when a database was reached (`--database`); null: assume a current server. */
  serverVersion: ServerVersion | null
  /** Longest identifier the dialect accepts, counted in `identifierLengthUnit`. */
  maxIdentifierLength: number
  /** PostgreSQL counts UTF-8 bytes, MySQL characters. */
  identifierLengthUnit: IdentifierLengthUnit
  /** The schema just before this operation (replayed from the earlier revisions and operations). */
  model: SchemaModel
  /** True when an earlier statement of the same migration set `lock_timeout`. */
  lockTimeoutSet: boolean
  /** True when this operation runs outside a transaction (`op.autocommit`, or `export const transaction = false`). */
  outsideTransaction: boolean
  /** Constraints (lower case) this migration added NOT VALID and has not validated since. */
  unvalidated: Set<string>
}

/** A count a finding can quote when a database is reachable ("table holds 1,204,553 rows"). */
export type DataQuestion =
  | { kind: 'rows'; table: string; schema: string | null }
  | { kind: 'nulls'; table: string; schema: string | null; column: string }
  | { kind: 'duplicates'; table: string; schema: string | null; columns: string[] }
  | { kind: 'triggers'; table: string; schema: string | null }

/** One problem a rule found in one operation. */
export interface RuleHit {
  message: string
  fix: string
  /** A count that makes the finding concrete, asked only with `--database`. */
  data?: DataQuestion
}

/**
 * `data`: the operation loses data, breaks the running application, or fails on rows already there (autogenerate
 * marks these with `!`); `lock`: it blocks writes or rewrites the table while it runs; `hygiene`: a better choice
 * exists.
 */
export type RuleCategory = 'data' | 'lock' | 'hygiene'

export interface LintRule {
  readonly id: string
  readonly severity: Severity
  readonly category: RuleCategory
  readonly dialects: readonly DialectFamily[]
  /** Lock and rewrite rules do not apply to a table created earlier in the same migration (it is empty and unused). */
  readonly exemptOnNewTable: boolean
  /** Reported once per revision (the first operation it applies to), not once per operation. */
  readonly oncePerRevision?: boolean
  /** One line for docs and `--help`: what the rule catches. */
  readonly summary: string
  check(operation: AnyOperation, context: LintContext): RuleHit | null
}
