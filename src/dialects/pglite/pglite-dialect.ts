import type { Dialect } from '../dialect.js'
import { postgresDialect } from '../postgres/postgres-dialect.js'
import { connectPglite, pgliteDatabaseExists } from './pglite-driver.js'
import { pgliteFeatures } from './pglite-features.js'
import { acquirePgliteLock, pgliteRunLock } from './pglite-lock.js'

/**
 * PGlite (@electric-sql/pglite): PostgreSQL compiled to WASM, in-process. A variant of the PostgreSQL dialect:
 * its introspection, compiler and canonical forms, over a PGlite session, with a run lock instead of advisory
 * locks (pglite-lock.ts).
 */
export const pgliteDialect: Dialect = {
  ...postgresDialect,
  name: 'pglite',
  features: pgliteFeatures,
  schemaRules: { ...postgresDialect.schemaRules, displayName: 'PGlite' },
  connect: connectPglite,
  databaseExists: pgliteDatabaseExists,
  acquireLock: acquirePgliteLock,
  runLock: pgliteRunLock,
  // No client can be killed under a running statement: there is no socket.
  prepareSession: undefined,
}
