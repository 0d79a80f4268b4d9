import type { DialectFeatures, SchemaDetails } from '../dialect.js'

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
  partitionedTables: false,
  sequences: false,
  materializedViews: false,
  atomicOperations: true,
}

/** SQLite indexes are B-trees with a direction and a collation per column, nothing more. */
export const sqliteDetails: SchemaDetails = { indexMethods: [], include: false, opclass: false, nulls: false, desc: true, elementCollate: true, onUpdateNow: false }
