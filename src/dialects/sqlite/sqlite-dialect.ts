import type { Dialect } from '../dialect.js'
import { canonicalize, normalizeDefault, normalizeExpression } from './sqlite-canonical.js'
import { sqliteCompilers } from './sqlite-ddl-compiler.js'
import { compilerMembers } from '../shared/compiler-table.js'
import { sqliteBatching } from './sqlite-batching.js'
import { connectSqlite, isSqliteMissingTable, sqliteDatabaseExists } from './sqlite-driver.js'
import { introspectSqlite } from './sqlite-introspector.js'
import { describeSqliteUnmodelled } from './sqlite-unmodelled.js'
import { acquireFileLock } from '../shared/file-lock.js'
import { sqliteFeatures } from './sqlite-features.js'
import { acquireSqliteLock } from './sqlite-lock.js'
import { quoteLiteral } from './sqlite-schema-sql.js'
import { quoteName } from './sqlite-types.js'
import { sqliteDetails } from './sqlite-features.js'

/** SQLite through better-sqlite3: transactional DDL, table rebuilds for what ALTER TABLE cannot do. */
export const sqliteDialect: Dialect = {
  name: 'sqlite',
  features: sqliteFeatures,
  transactionalDDL: true,
  maxIdentifierLength: Infinity,
  // now() is PostgreSQL's and MySQL's; SQLite fails every insert that uses such a default.
  schemaRules: { displayName: 'SQLite', identifierLengthUnit: 'bytes', indexNamesPerTable: false, missingFunctions: { now: 'CURRENT_TIMESTAMP' }, details: sqliteDetails },
  connect: connectSqlite,
  databaseExists: sqliteDatabaseExists,
  introspect: introspectSqlite,
  describeUnmodelled: describeSqliteUnmodelled,
  ...compilerMembers(sqliteCompilers),
  // Several changes to one table in one migration: one rebuild, not one each.
  batching: sqliteBatching,
  canonicalize,
  normalizeDefault,
  normalizeExpression,
  quoteIdentifier: quoteName,
  quoteLiteral,
  beginSql: 'BEGIN IMMEDIATE',
  commitSql: 'COMMIT',
  rollbackSql: 'ROLLBACK',
  lockOpensTransaction: true,
  acquireLock: acquireSqliteLock,
  // BEGIN IMMEDIATE's lock ends at the first COMMIT; the side file's lock spans the run (none for :memory:).
  async runLock(url, timeoutMs) {
    return url.filename && url.filename !== ':memory:' ? acquireFileLock(url.filename, timeoutMs) : { async release() {}, async verify() {} }
  },
  nowMillisSql: "CAST(unixepoch('subsec') * 1000 AS INTEGER)",
  // PRAGMA foreign_keys is a no-op inside a transaction, so it is switched off around them: a client with foreign
  // keys on would otherwise cascade-delete child rows when a rebuild drops the old table.
  scriptFraming: {
    prelude: ['PRAGMA foreign_keys = OFF'],
    beforeCommit: ['PRAGMA foreign_key_check'],
    postlude: ['PRAGMA foreign_keys = ON'],
    begin: 'BEGIN',
  },
  isMissingTable: isSqliteMissingTable,
}
