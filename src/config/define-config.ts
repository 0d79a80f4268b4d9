import type { IncludeObject } from '../autogenerate/index.js'
import type { NamingConvention, NamingPreset } from '../schema/naming.js'

export type TransactionMode = 'all' | 'each' | 'none'

/** The contents of `strata.config.ts`. Paths are relative to the config file's folder. */
export interface StrataConfig {
  /** Database URL. When absent, `DATABASE_URL` is used. */
  url?: string
  /** Schema file(s): a path, a list, or globs (`./src/db/*.ts`). Every exported table and enum counts. */
  schema: string | string[]
  /** Folder holding `versions/` (default `./migrations`). */
  migrations?: string
  /** Version table name (default `strata_version`); `alembic_version` takes over an Alembic-managed database. */
  versionTable?: string
  /** History table name (default `strata_history`). */
  historyTable?: string
  /** PostgreSQL schemas strata manages (default: the search_path schema). */
  schemas?: string[]
  /** `all`: one transaction per run (default where DDL is transactional); `each`: one per migration; `none`. */
  transactionMode?: TransactionMode
  /** Seconds to wait for the migration lock (default 60). Connecting for a run also ends by then. */
  lockTimeout?: number
  /** Seconds to wait for the server to accept a session (default 10; 0: no bound). */
  connectTimeout?: number
  /**
   * Seconds any one statement may take before the run stops (default 0: no bound, since a migration may rightly
   * run for hours). Set it where a server that stops answering must not hold a job forever, e.g. in CI.
   */
  statementTimeout?: number
  /**
   * How long one migration statement may wait for a table lock (PostgreSQL `lock_timeout`, MySQL
   * `lock_wait_timeout`): milliseconds, or text such as '300ms', '2s'. A statement that waits longer is cancelled,
   * so the queries queued behind it go on, and retried `ddlLockRetries` times after a growing pause. Default: off.
   * Not the same as `lockTimeout` (strata's own migration lock).
   */
  ddlLockTimeout?: number | string
  /** Retries of a statement cancelled by `ddlLockTimeout` before the run fails with `ddl-lock-timeout` (default 3). */
  ddlLockRetries?: number
  /** Pause before the first retry (ms or '1s'; default 1000); it doubles at each retry, with random jitter. */
  ddlLockRetryDelay?: number | string
  /** Longest pause between two retries (ms or '30s'; default 30000). */
  ddlLockRetryMaxDelay?: number | string
  /**
   * The migration lock on a server: `advisory` (default; switches to `table` when the server's advisory lock does
   * not exclude, as on Galera or CockroachDB), `table` (a lease row in strata_lock), `none`. SQLite always uses
   * its file lock.
   */
  lock?: 'advisory' | 'table' | 'none'
  /** Seconds a table-lock lease lasts without renewal (default 30): how long a killed run blocks the next one. */
  lockLease?: number
  /** A fleet for `--all`: database name → URL (relative SQLite paths from this file's folder), or a function giving it. */
  databases?: Record<string, string> | (() => Record<string, string> | Promise<Record<string, string>>)
  /** A fleet for `--all` on PostgreSQL: schemas of the `url` database, each migrated as its own tenant. */
  tenantSchemas?: string[] | (() => string[] | Promise<string[]>)
  /** Tables to compare (names or globs); all when absent. */
  include?: string[]
  /** Tables autogenerate leaves alone (names or globs). */
  exclude?: string[]
  /** Called for every object autogenerate considers; return false to skip it. */
  includeObject?: IncludeObject
  /**
   * Names for unnamed constraints and indexes: a preset reproducing a server's own names ('postgres', 'mysql',
   * 'sqlite'), 'strata' (the default: ix_/uq_/fk_/pk_), or overrides of strata's convention.
   */
  naming?: NamingPreset | Partial<NamingConvention>
  /** Revision file name pattern; tokens {rev} and {slug}. Default `{rev}_{slug}`. */
  fileTemplate?: string
  /** Pipe generated files through the project's Prettier when it has one (default true). */
  prettier?: boolean
  /** Autogenerate writes operations on existing tables in their zero-downtime form (docs/lint.md). Default false. */
  safe?: boolean
  /** `strata lint` and autogenerate's marks: turn rules off or change their severity (docs/lint.md). */
  lint?: { rules?: Record<string, 'off' | 'error' | 'warning' | 'info'> }
}

/** Identity function that gives `strata.config.ts` type checking and completion. */
export function defineConfig(config: StrataConfig): StrataConfig {
  return config
}
