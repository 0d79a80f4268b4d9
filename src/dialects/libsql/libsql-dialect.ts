import type { Dialect } from '../dialect.js'
import { sqliteDialect } from '../sqlite/sqlite-dialect.js'
import { connectLibsql, libsqlDatabaseExists } from './libsql-driver.js'
import { libsqlFeatures } from './libsql-features.js'
import { acquireLibsqlLock, libsqlRunLock } from './libsql-lock.js'

/**
 * libSQL (Turso, local files) through @libsql/client: a variant of the SQLite dialect. Introspection, compiling
 * and canonical forms are SQLite's; the connection keeps foreign keys on, so table rebuilds never depend on
 * `PRAGMA foreign_keys = OFF` (which Turso and D1 ignore).
 */
export const libsqlDialect: Dialect = {
  ...sqliteDialect,
  name: 'libsql',
  features: libsqlFeatures,
  schemaRules: { ...sqliteDialect.schemaRules, displayName: 'libSQL' },
  connect: connectLibsql,
  databaseExists: libsqlDatabaseExists,
  acquireLock: acquireLibsqlLock,
  runLock: libsqlRunLock,
}
