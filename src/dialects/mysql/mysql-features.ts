import type { DialectFeatures } from '../dialect.js'

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
  sequences: false,
  materializedViews: false,
}
