import type { DialectFeatures } from '../dialect.js'
import { postgresFeatures } from '../postgres/postgres-features.js'

/**
 * PGlite is PostgreSQL in-process: PostgreSQL's capabilities, but its database is a folder (or memory) that
 * opening creates, and its one session makes advisory locks meaningless across processes (a run lock stands in).
 */
export const pgliteFeatures: DialectFeatures = { ...postgresFeatures, fileDatabase: true, advisoryLocks: false }
