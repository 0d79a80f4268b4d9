// strata's public API: the schema DSL, the migration `op` API, and every CLI command as a typed function.

// Configuration
export { defineConfig, type StrataConfig, type TransactionMode } from './config/define-config.js'
export { loadConfig, resolveConfig, type ResolvedConfig } from './config/load-config.js'
export {
  StrataError,
  UsageError,
  LockTimeoutError,
  LockLostError,
  DatabaseError,
  TimeoutError,
  type StrataErrorCode,
} from './errors.js'

// Schema DSL
export {
  smallint,
  integer,
  bigint,
  varchar,
  char,
  text,
  boolean,
  real,
  double,
  numeric,
  date,
  time,
  timestamp,
  json,
  jsonb,
  uuid,
  bytes,
  customType,
  ColumnBuilder,
  type JsonDefault,
  type JsonValue,
  type ColumnRef,
  type ReferenceOptions,
} from './schema/columns.js'
export { enumeration, type Enumeration, type EnumOptions } from './schema/enum.js'
export { index, uniqueIndex, unique, check, primaryKey, foreignKey, type TableExtra } from './schema/extras.js'
export { indexColumn, IndexColumn, type IndexColumnMethods } from './schema/index-column.js'
export { table, type Table, type TableOptions } from './schema/table.js'
export { view, materializedView, type View, type ViewOptions, type MaterializedViewOptions } from './schema/view.js'
export { sequence, type Sequence, type SequenceOptions } from './schema/sequence.js'
export { extension, policy, type Extension, type Policy, type ExtensionOptions, type PolicyOptions } from './schema/postgres-objects.js'
export { partition, minValue, maxValue, type Partition, type PartitionOptions, type PartitionValues } from './schema/partitions.js'
export { sqlFunction, procedure, trigger, type Routine, type Trigger, type FunctionOptions, type RoutineOptions, type TriggerOptions } from './schema/routines.js'
export { sql, SqlFragment } from './schema/sql.js'
export { defaultNamingConvention, namingPresets, type NamingConvention, type NamingPreset, type NamingRule, type NamingTokens } from './schema/naming.js'
export type * from './schema/model.js'

// Operations (as data) and the `op` API migration files use
export * from './operations/index.js'
export type { Migration } from './runtime/migration-module.js'

// Commands: every CLI verb, returning what the CLI prints (with --json)
export { init, type InitOptions, type InitResult } from './commands/init.js'
export { revision, merge, type RevisionOptions, type RevisionResult, type MergeOptions } from './commands/revision.js'
export { upgrade, downgrade, stamp, type UpgradeOptions } from './commands/run.js'
export { upgradeSql, downgradeSql, stampSql, type ScriptOptions } from './commands/offline.js'
export { current, type CurrentInfo } from './commands/current.js'
export { lint, type LintOptions, type LintReport } from './commands/lint.js'
export { lintRules, type LintRuleId } from './lint/catalogue.js'
export type { LintFinding } from './lint/lint-revisions.js'
export { heads, branches, show, history, type HistoryOptions, type RevisionInfo } from './commands/graph.js'
export { appliedHistory, verify } from './commands/inspect.js'
export { checkSchema, type CheckOptions } from './commands/check.js'
export { upgradeFleet, currentFleet, type FleetOptions, type FleetResult, type FleetStatus } from './commands/fleet.js'
export { checkFleet, verifyFleet, appliedHistoryFleet, type CheckFleetOptions, type CheckFleetResult, type VerifyFleetResult, type HistoryFleetResult, type FleetChange } from './commands/fleet-read.js'
export { pull, type PullOptions, type PullResult } from './commands/pull.js'
export { refuseBelowBaseline } from './revisions/baseline-guard.js'
export { baseline, initFromDatabase, type BaselineOptions, type BaselineResult, type InitFromDatabaseOptions, type InitFromDatabaseResult } from './commands/baseline.js'
export { squash, type SquashOptions, type SquashResult } from './commands/squash.js'
export { compareWithDatabase, type CompareOptions, type ComparisonResult } from './commands/autogenerate.js'
export type { ProjectOptions, ConfigInput } from './commands/project.js'
export type { RunOptions, RunResult } from './runtime/runner.js'
export type { ChangedFile } from './runtime/verify.js'
export type { HistoryRow } from './runtime/version-store.js'
export type { DetectedChange, RenameHints } from './autogenerate/index.js'
export { parseDatabaseUrl, type DatabaseUrl } from './runtime/url.js'
export type { Dialect, DialectName, Connection } from './dialects/dialect.js'
