import type { DialectFeatures, SchemaDetails } from '../dialect.js'

/** MySQL/MariaDB's capabilities (a light module: the registry reads it without loading mysql2). */
export const mysqlFeatures: DialectFeatures = {
  namedEnumTypes: false,
  schemas: false,
  enumValueNeedsCommit: false,
  fileDatabase: false,
  advisoryLocks: true,
  onlineDdlOutsideTransaction: false,
  extensions: false,
  rowSecurity: false,
  storedRoutines: true,
  partitionedTables: false,
  sequences: false,
  materializedViews: false,
  atomicOperations: false,
}

/** InnoDB keeps every index as a B-tree (HASH is read back as BTREE): only 'btree' is accepted. DESC is kept from MySQL 8 and MariaDB 10.8. */
export const mysqlDetails: SchemaDetails = { indexMethods: ['btree'], include: false, opclass: false, nulls: false, desc: true, elementCollate: false, onUpdateNow: true }
