/** PostgreSQL (node-postgres): transactional DDL, native enums, schemas, identity columns, advisory locks. */
import type { Dialect } from '../dialect.js'
import { canonicalizePostgres, normalizeExpressionText, normalizePgDefault } from './postgres-canonical.js'
import { compilePostgres } from './postgres-ddl-compiler.js'
import { connectPostgres, postgresDatabaseExists } from './postgres-driver.js'
import { introspectPostgres } from './postgres-introspector.js'
import { acquirePostgresLock, postgresTransactionBudget } from './postgres-lock.js'
import { PG_MAX_IDENTIFIER_BYTES, quoteIdentifier, quoteLiteral } from './postgres-quote.js'

export const postgresDialect: Dialect = {
  name: 'postgres',
  transactionalDDL: true,
  extensions: true,
  rowSecurity: true,
  maxIdentifierLength: PG_MAX_IDENTIFIER_BYTES,
  connect: connectPostgres,
  databaseExists: postgresDatabaseExists,
  introspect: introspectPostgres,
  compile: compilePostgres,
  canonicalize: canonicalizePostgres,
  normalizeDefault: normalizePgDefault,
  normalizeExpression: normalizeExpressionText,
  quoteIdentifier,
  quoteLiteral,
  beginSql: 'BEGIN',
  commitSql: 'COMMIT',
  rollbackSql: 'ROLLBACK',
  lockOpensTransaction: false,
  acquireLock: acquirePostgresLock,
  transactionBudget: postgresTransactionBudget,
  scriptFraming: { prelude: [], beforeCommit: [], postlude: [], begin: 'BEGIN' },
}

export { PostgresConnection, PostgresError } from './postgres-driver.js'
export { INTROSPECTION_QUERY_COUNT } from './postgres-introspector.js'
export { STRATA_LOCK_KEY, LockTimeoutError } from './postgres-lock.js'
