import type { Dialect } from '../dialect.js'
import { canonicalizeMysql, normalizeMysqlDefault } from './mysql-canonical.js'
import { mysqlCompilers } from './mysql-ddl-compiler.js'
import { compilerMembers } from '../shared/compiler-table.js'
import { connectMysql, mysqlDatabaseExists } from './mysql-driver.js'
import { normalizeMysqlExpression } from './mysql-expression.js'
import { introspectMysql } from './mysql-introspector.js'
import { describeMysqlUnmodelled } from './mysql-unmodelled.js'
import { mysqlFeatures } from './mysql-features.js'
import { acquireMysqlLock, galeraLockWarning, prepareMysqlSession } from './mysql-lock.js'
import { mysqlLockWaitBound } from './mysql-lock-wait.js'
import { MYSQL_MAX_IDENTIFIER_LENGTH, quoteMysqlIdentifier, quoteMysqlLiteral } from './mysql-sql.js'
import { mysqlDetails } from './mysql-features.js'

/** MySQL 8 and MariaDB 10.5+ (one database per URL; DDL is not transactional). */
export const mysqlDialect: Dialect = {
  name: 'mysql',
  features: mysqlFeatures,
  transactionalDDL: false,
  maxIdentifierLength: MYSQL_MAX_IDENTIFIER_LENGTH,
  schemaRules: { displayName: 'MySQL/MariaDB', identifierLengthUnit: 'characters', indexNamesPerTable: true, missingFunctions: {}, details: mysqlDetails },
  connect: connectMysql,
  databaseExists: mysqlDatabaseExists,
  introspect: introspectMysql,
  describeUnmodelled: describeMysqlUnmodelled,
  ...compilerMembers(mysqlCompilers),
  canonicalize: canonicalizeMysql,
  normalizeDefault: normalizeMysqlDefault,
  normalizeExpression: normalizeMysqlExpression,
  quoteIdentifier: quoteMysqlIdentifier,
  quoteLiteral: quoteMysqlLiteral,
  beginSql: 'START TRANSACTION',
  commitSql: 'COMMIT',
  rollbackSql: 'ROLLBACK',
  lockOpensTransaction: false,
  acquireLock: acquireMysqlLock,
  prepareSession: prepareMysqlSession,
  advisoryLockUnsafe: galeraLockWarning,
  nowMillisSql: 'CAST(UNIX_TIMESTAMP(NOW(3)) * 1000 AS SIGNED)',
  lockWaitBound: mysqlLockWaitBound,
  // The connection's character set as strata's own sessions have it (mysql-driver.ts): a client defaulting to
  // utf8mb3 refused an emoji, and one defaulting to latin1 would store non-ASCII text double-encoded.
  scriptFraming: { prelude: ['SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci'], beforeCommit: [], postlude: [], begin: 'START TRANSACTION' },
}
