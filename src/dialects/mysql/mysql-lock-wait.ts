/**
 * `lock_wait_timeout` (metadata locks: what ALTER TABLE waits for) and `innodb_lock_wait_timeout` (row locks) for
 * migration statements (config `ddlLockTimeout`). Both count whole seconds, so the bound is rounded up to one at
 * least. A statement that waits longer fails with errno 1205 and the run loop retries it.
 */
import type { LockWaitBound } from '../dialect.js'

const ER_LOCK_WAIT_TIMEOUT = 1205

export const mysqlLockWaitBound: LockWaitBound = {
  sessionSql(ms) {
    const seconds = Math.max(1, Math.ceil(ms / 1000))
    return [`SET SESSION lock_wait_timeout = ${seconds}`, `SET SESSION innodb_lock_wait_timeout = ${seconds}`]
  },
  isLockTimeout: (error) => (error as { errno?: unknown })?.errno === ER_LOCK_WAIT_TIMEOUT,
}
