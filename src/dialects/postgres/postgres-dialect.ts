/** PostgreSQL (node-postgres): transactional DDL, native enums, schemas, identity columns, advisory locks. */
import type { Dialect } from '../dialect.js'
import { canonicalizePostgres, normalizeExpressionText, normalizePgDefault } from './postgres-canonical.js'
import { portablePostgresExpression } from './postgres-portable.js'
import { postgresCompilers } from './postgres-ddl-compiler.js'
import { compilerMembers } from '../shared/compiler-table.js'
import { connectPostgres, postgresDatabaseExists } from './postgres-driver.js'
import { introspectPostgres } from './postgres-introspector.js'
import { postgresFeatures } from './postgres-features.js'
import { acquirePostgresLock, postgresTransactionBudget } from './postgres-lock.js'
import { postgresLockWaitBound } from './postgres-lock-wait.js'
import { declaredPostgresColumn, describePostgresUnmodelled } from './postgres-unmodelled.js'
import { PG_MAX_IDENTIFIER_BYTES, quoteIdentifier, quoteLiteral } from './postgres-quote.js'
import { postgresDetails } from './postgres-features.js'

export const postgresDialect: Dialect = {
  name: 'postgres',
  features: postgresFeatures,
  transactionalDDL: true,
  maxIdentifierLength: PG_MAX_IDENTIFIER_BYTES,
  schemaRules: { displayName: 'PostgreSQL', identifierLengthUnit: 'bytes', indexNamesPerTable: false, missingFunctions: {}, details: postgresDetails },
  connect: connectPostgres,
  databaseExists: postgresDatabaseExists,
  introspect: introspectPostgres,
  describeUnmodelled: describePostgresUnmodelled,
  declaredColumn: declaredPostgresColumn,
  ...compilerMembers(postgresCompilers),
  canonicalize: canonicalizePostgres,
  normalizeDefault: normalizePgDefault,
  normalizeExpression: normalizeExpressionText,
  portableExpression: portablePostgresExpression,
  quoteIdentifier,
  quoteLiteral,
  beginSql: 'BEGIN',
  commitSql: 'COMMIT',
  rollbackSql: 'ROLLBACK',
  lockOpensTransaction: false,
  acquireLock: acquirePostgresLock,
  /**
   * PostgreSQL keeps running a statement whose client was killed (until it tries to answer), holding its
   * transaction's locks: the next run would wait on them. Checking the client every second ends such orphans.
   */
  async prepareSession(connection) {
    await connection.execute(`SET client_connection_check_interval = 1000`).catch(() => undefined)
  },
  nowMillisSql: 'CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)',
  transactionBudget: postgresTransactionBudget,
  lockWaitBound: postgresLockWaitBound,
  scriptFraming: { prelude: [], beforeCommit: [], postlude: [], begin: 'BEGIN' },
}

export { PostgresConnection, PostgresError } from './postgres-driver.js'
export { INTROSPECTION_QUERY_COUNT } from './postgres-introspector.js'
export { STRATA_LOCK_KEY } from './postgres-lock.js'
export { LockTimeoutError } from '../../errors.js'
