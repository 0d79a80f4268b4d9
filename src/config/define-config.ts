import type { IncludeObject } from '../autogenerate/index.js'
import type { NamingConvention } from '../schema/naming.js'

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
  /** Overrides of the naming convention for unnamed constraints and indexes. */
  naming?: Partial<NamingConvention>
  /** Revision file name pattern; tokens {rev} and {slug}. Default `{rev}_{slug}`. */
  fileTemplate?: string
  /** Pipe generated files through the project's Prettier when it has one (default true). */
  prettier?: boolean
}

/** Identity function that gives `strata.config.ts` type checking and completion. */
export function defineConfig(config: StrataConfig): StrataConfig {
  return config
}
