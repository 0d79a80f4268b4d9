import type { DialectFeatures } from '../dialect.js'

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
  sequences: true,
  materializedViews: true,
}
