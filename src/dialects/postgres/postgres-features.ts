import type { DialectFeatures, SchemaDetails } from '../dialect.js'

/** PostgreSQL's capabilities (a light module: the registry reads it without loading pg). */
export const postgresFeatures: DialectFeatures = {
  namedEnumTypes: true,
  schemas: true,
  enumValueNeedsCommit: true,
  fileDatabase: false,
  advisoryLocks: true,
  onlineDdlOutsideTransaction: true,
  extensions: true,
  rowSecurity: true,
  storedRoutines: true,
  partitionedTables: true,
  sequences: true,
  materializedViews: true,
  atomicOperations: false,
}

/** Every index detail; no ON UPDATE columns (a trigger does that on PostgreSQL). */
export const postgresDetails: SchemaDetails = { indexMethods: 'any', include: true, opclass: true, nulls: true, desc: true, elementCollate: true, onUpdateNow: false }
