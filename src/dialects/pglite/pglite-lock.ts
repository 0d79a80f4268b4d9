import type { HeldLock } from '../dialect.js'
import type { DatabaseUrl } from '../../runtime/url.js'
import { LockTimeoutError } from '../../errors.js'
import { acquireFileLock } from '../shared/file-lock.js'

/**
 * PGlite has one session per database and process, so PostgreSQL's advisory lock (kept as `acquireLock`: it
 * always succeeds there) excludes nothing. The run lock does: in one process, a mutex per database; across
 * processes on a folder database, the SQLite side-file lock `<folder>-strata-lock`.
 */
export { acquirePostgresLock as acquirePgliteLock } from '../postgres/postgres-lock.js'

const held = new Map<string, Promise<void>>()

async function inProcessMutex(key: string, timeoutMs: number): Promise<() => void> {
  const previous = held.get(key) ?? Promise.resolve()
  let unlock!: () => void
  const mine = new Promise<void>((resolve) => (unlock = resolve))
  const chained = previous.then(() => mine)
  held.set(key, chained)
  let timer: NodeJS.Timeout | undefined
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new LockTimeoutError(`another run in this process holds the migration lock on ${key} (waited ${timeoutMs} ms)`)), Math.max(0, timeoutMs))
  })
  try {
    await Promise.race([previous, timedOut])
  } catch (error) {
    // Give the turn on when it comes, so that later waiters are not blocked by this one.
    void previous.then(unlock)
    throw error
  } finally {
    clearTimeout(timer)
  }
  return () => {
    unlock()
    if (held.get(key) === chained) held.delete(key)
  }
}

export async function pgliteRunLock(url: DatabaseUrl, timeoutMs: number): Promise<HeldLock> {
  const started = Date.now()
  const unlock = await inProcessMutex(url.filename ?? url.display, timeoutMs)
  let file: HeldLock | undefined
  try {
    if (url.filename && url.filename !== ':memory:') file = await acquireFileLock(url.filename, Math.max(0, timeoutMs - (Date.now() - started)))
  } catch (error) {
    unlock()
    throw error
  }
  return {
    async verify() {
      await file?.verify()
    },
    async release() {
      try {
        await file?.release()
      } finally {
        unlock()
      }
    },
  }
}
