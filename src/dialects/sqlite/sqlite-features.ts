import type { DialectFeatures } from '../dialect.js'

/** SQLite's capabilities (a light module: the registry reads it without loading better-sqlite3). */
export const sqliteFeatures: DialectFeatures = {
  namedEnumTypes: false,
  schemas: false,
  enumValueNeedsCommit: false,
  fileDatabase: true,
  advisoryLocks: false,
  onlineDdlOutsideTransaction: false,
  extensions: false,
  rowSecurity: false,
  storedRoutines: false,
  sequences: false,
  materializedViews: false,
}
