/**
 * `lock_timeout` for migration statements (config `ddlLockTimeout`): a statement that waits longer for a lock is
 * cancelled with SQLSTATE 55P03 (lock_not_available), so the queries queued behind its ACCESS EXCLUSIVE request
 * go on, and the run loop retries it.
 */
import type { LockWaitBound } from '../dialect.js'
import { invalidIndexDrop } from './postgres-ddl-compiler.js'

const LOCK_NOT_AVAILABLE = '55P03'

export const postgresLockWaitBound: LockWaitBound = {
  // Session-wide: it covers statements in transactions and outside them (CONCURRENTLY, autocommit blocks) alike.
  sessionSql: (ms) => [`SET lock_timeout = '${Math.round(ms)}ms'`],
  isLockTimeout: (error) => (error as { sqlState?: unknown })?.sqlState === LOCK_NOT_AVAILABLE,
  // A CREATE INDEX CONCURRENTLY cancelled while waiting for older transactions leaves an INVALID index: dropped first.
  async beforeRetry(operation, connection) {
    if (operation.kind !== 'createIndex' || !operation.online) return []
    return invalidIndexDrop(operation.object.name, operation.schema, { offline: false, connection, table: async () => undefined })
  },
}
