/**
 * A run lock for file databases (SQLite). SQLite's own lock (BEGIN IMMEDIATE) ends at the first COMMIT, so a run
 * that commits along the way (transactionMode 'each' or 'none', `export const transaction = false`) would let
 * another process in between two of its steps. This lock spans the whole run: an exclusive transaction on a small
 * side database `<file>-strata-lock`, held by its own connection. The operating system drops it with the process,
 * so a killed run never leaves it stale.
 */
import { readFileSync, statSync } from 'node:fs'
import { LockLostError, LockTimeoutError } from '../errors.js'
import type { HeldLock } from '../dialects/dialect.js'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export function lockFilePath(databaseFile: string): string {
  return `${databaseFile}-strata-lock`
}

/** Who holds a POSIX lock on `file`, from /proc/locks (Linux); undefined elsewhere or when unknown. */
export function describeFileLockHolder(file: string): string | undefined {
  try {
    const inode = statSync(file).ino
    const pids = new Set<number>()
    for (const line of readFileSync('/proc/locks', 'utf8').split('\n')) {
      const fields = line.trim().split(/\s+/)
      // "1: POSIX  ADVISORY  WRITE 12345 fe:00:2146328 1073741824 1073742335"
      const pid = Number(fields[4])
      const where = fields[5]?.split(':')
      if (pid > 0 && pid !== process.pid && Number(where?.[2]) === inode) pids.add(pid)
    }
    if (pids.size === 0) return undefined
    return [...pids]
      .map((pid) => {
        let command = ''
        try {
          command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).slice(0, 4).join(' ')
        } catch {
          // The process may have just exited.
        }
        return command ? `pid ${pid} (${command.length > 120 ? `${command.slice(0, 117)}...` : command})` : `pid ${pid}`
      })
      .join(', ')
  } catch {
    return undefined
  }
}

export class FileLockTimeoutError extends LockTimeoutError {}

/** Takes the lock, retrying with growing pauses until `timeoutMs`; then fails naming the holder when it can. */
export async function acquireFileLock(databaseFile: string, timeoutMs: number): Promise<HeldLock> {
  const { default: Database } = await import('better-sqlite3')
  const path = lockFilePath(databaseFile)
  const db = new Database(path)
  const deadline = Date.now() + Math.max(0, timeoutMs)
  let pause = 25
  try {
    for (;;) {
      db.pragma(`busy_timeout = ${Math.max(0, Math.min(100, deadline - Date.now()))}`)
      try {
        db.exec('BEGIN EXCLUSIVE')
        break
      } catch (error) {
        const code = (error as { code?: string }).code ?? ''
        if (!code.startsWith('SQLITE_BUSY') && !code.startsWith('SQLITE_LOCKED')) throw error
        if (Date.now() >= deadline) {
          const holder = describeFileLockHolder(path)
          throw new FileLockTimeoutError(
            `another strata run holds the migration lock on ${databaseFile} (${holder ? `held by ${holder}` : `lock file ${path}`}); gave up after ${timeoutMs} ms`,
          )
        }
        await sleep(Math.min(pause, Math.max(0, deadline - Date.now())))
        pause = Math.min(pause * 2, 500)
      }
    }
  } catch (error) {
    db.close()
    throw error
  }
  let released = false
  const inode = statSync(path).ino
  return {
    // The lock is the open exclusive transaction on this very file: gone if the file was replaced or removed.
    async verify() {
      let now: number | undefined
      try {
        now = statSync(path).ino
      } catch {
        now = undefined
      }
      if (!db.inTransaction || now !== inode)
        throw new LockLostError(`the migration lock file ${path} was removed or replaced while this run held it; stopped before committing`)
    },
    async release() {
      if (released) return
      released = true
      if (db.inTransaction) db.exec('ROLLBACK')
      db.close()
    },
  }
}
