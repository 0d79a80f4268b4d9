import type { DialectFeatures } from '../dialect.js'
import { sqliteFeatures } from '../sqlite/sqlite-features.js'

/** libSQL is SQLite underneath: the same capabilities (a light module, read by the registry). */
export const libsqlFeatures: DialectFeatures = { ...sqliteFeatures }
