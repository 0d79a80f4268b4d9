import type { Dialect } from '../dialect.js'
import { sqliteDialect } from '../sqlite/sqlite-dialect.js'
import { connectLibsql, libsqlDatabaseExists } from './libsql-driver.js'
import { libsqlFeatures } from './libsql-features.js'
import { acquireLibsqlLock, libsqlRunLock } from './libsql-lock.js'

/**
 * libSQL (Turso, local files) through @libsql/client: a variant of the SQLite dialect. Introspection, compiling
 * and canonical forms are SQLite's. A local file migrates with foreign keys off, as SQLite does; a remote database
 * (Turso) keeps them on, and table rebuilds then take the enforced path (libsql-driver.ts).
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
