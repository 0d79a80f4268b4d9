import type { Dialect } from '../dialect.js'
import { canonicalize, normalizeDefault, normalizeExpression } from './sqlite-canonical.js'
import { compileSqlite } from './sqlite-ddl-compiler.js'
import { connectSqlite, sqliteDatabaseExists } from './sqlite-driver.js'
import { introspectSqlite } from './sqlite-introspector.js'
import { acquireSqliteLock } from './sqlite-lock.js'
import { quoteLiteral } from './sqlite-schema-sql.js'
import { quoteName } from './sqlite-types.js'

/** SQLite through better-sqlite3: transactional DDL, table rebuilds for what ALTER TABLE cannot do. */
export const sqliteDialect: Dialect = {
  name: 'sqlite',
  transactionalDDL: true,
  storedRoutines: false,
  maxIdentifierLength: Infinity,
  connect: connectSqlite,
  databaseExists: sqliteDatabaseExists,
  introspect: introspectSqlite,
  compile: compileSqlite,
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
  // PRAGMA foreign_keys is a no-op inside a transaction, so it is switched off around them: a client with foreign
  // keys on would otherwise cascade-delete child rows when a rebuild drops the old table.
  scriptFraming: {
    prelude: ['PRAGMA foreign_keys = OFF'],
    beforeCommit: ['PRAGMA foreign_key_check'],
    postlude: ['PRAGMA foreign_keys = ON'],
    begin: 'BEGIN',
  },
}
