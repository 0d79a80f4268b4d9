import type { HeldLock } from '../dialect.js'
import type { DatabaseUrl } from '../../runtime/url.js'
import { acquireFileLock } from '../shared/file-lock.js'

/**
 * The run's write lock is SQLite's: `BEGIN IMMEDIATE`, which the libSQL connection turns into
 * `client.transaction('write')` (one connection, held until COMMIT), so sqlite-lock.ts's loop serves unchanged.
 * A local file also gets SQLite's side-file lock for the whole run; a remote database (Turso) has none: its
 * write transaction is the only lock, and it ends at each commit.
 */
export { acquireSqliteLock as acquireLibsqlLock } from '../sqlite/sqlite-lock.js'

export async function libsqlRunLock(url: DatabaseUrl, timeoutMs: number): Promise<HeldLock> {
  if (url.filename && url.filename !== ':memory:') return acquireFileLock(url.filename, timeoutMs)
  return { async release() {}, async verify() {} }
}
