/**
 * A run lock for file databases (SQLite, local libSQL files, PGlite folders). SQLite's own lock (BEGIN IMMEDIATE)
 * ends at the first COMMIT, so a run that commits along the way (transactionMode 'each' or 'none', `export const transaction = false`) would let
 * another process in between two of its steps. This lock spans the whole run: an exclusive transaction on a small
 * side database `<file>-strata-lock`, held by its own connection. The operating system drops it with the process,
 * so a killed run never leaves it stale (a killed run may leave the file itself behind; the next run uses it, then
 * removes it).
 */
import { mkdirSync, readFileSync, statSync, unlinkSync } from 'node:fs'
import { dirname } from 'node:path'
import type { HeldLock } from '../dialect.js'
import { LockLostError, LockTimeoutError } from '../../errors.js'
import { missingFolders, removeEmptyFolders } from '../../runtime/created-folders.js'
import { importDriver } from '../../runtime/drivers.js'
import { importCommonJs } from '../../runtime/external-import.js'

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


type LockDatabase = import('better-sqlite3').Database

/** The inode at `path`, or undefined when nothing is there. */
function inodeAt(path: string): number | undefined {
  try {
    return statSync(path).ino
  } catch {
    return undefined
  }
}

/**
 * Takes the lock, retrying with growing pauses until `timeoutMs`; then fails naming the holder when it can.
 *
 * The lock file exists only while a run holds it: the run holding it removes it on release, still holding it. A run that waited on the removed file notices once it gets the lock (the path no longer leads to the file
 * it locked) and starts over on a new one, so two runs never hold locks on different files.
 */
export async function acquireFileLock(databaseFile: string, timeoutMs: number): Promise<HeldLock> {
  const { default: Database } = await importDriver('sqlite', () => importCommonJs<typeof import('better-sqlite3')>('better-sqlite3'))
  const path = lockFilePath(databaseFile)
  const deadline = Date.now() + Math.max(0, timeoutMs)
  // Folders this made (deepest first), removed again on release when they are left empty.
  let folders: string[] = []
  for (;;) {
    // Its folder is missing when the run we waited for removed the empty database it had made, with the folder.
    folders = [...new Set([...missingFolders(dirname(path)), ...folders])]
    mkdirSync(dirname(path), { recursive: true })
    const db = new Database(path)
    const inode = inodeAt(path)
    try {
      await lockExclusively(db, deadline, () => describeTimeout(databaseFile, path, timeoutMs))
    } catch (error) {
      db.close()
      // Removed by the holder we waited for (SQLite then fails with an I/O error on the file it has open): start over.
      const code = (error as { code?: string }).code ?? ''
      if ((code.startsWith('SQLITE_IOERR') || inodeAt(path) !== inode) && Date.now() < deadline) continue
      // The file stays: whoever holds it removes it on release, or the next run uses it.
      removeEmptyFolders(folders)
      throw error
    }
    if (inode === undefined || inodeAt(path) !== inode) {
      // The holder we waited for removed this file on release: lock the current one instead.
      db.exec('ROLLBACK')
      db.close()
      continue
    }
    let released = false
    return {
      // The lock is the open exclusive transaction on this very file: gone if the file was replaced or removed.
      async verify() {
        if (!db.inTransaction || inodeAt(path) !== inode)
          throw new LockLostError(`the migration lock file ${path} was removed or replaced while this run held it; stopped before committing`)
      },
      async release() {
        if (released) return
        released = true
        // Removed while still held: nobody can take a lock on it between the removal and the release. (The
        // rollback then removes the journal SQLite keeps next to it while the lock is held.) Also a file a killed
        // run left behind: whoever holds the lock may remove it, and a waiter starts over on a new one.
        removeLockFile(path, inode)
        if (db.inTransaction) db.exec('ROLLBACK')
        db.close()
        removeEmptyFolders(folders)
      },
    }
  }
}

/** BEGIN EXCLUSIVE on the lock file, retrying while another run holds it, until `deadline`. */
async function lockExclusively(db: LockDatabase, deadline: number, timeout: () => Error): Promise<void> {
  let pause = 25
  for (;;) {
    db.pragma(`busy_timeout = ${Math.max(0, Math.min(100, deadline - Date.now()))}`)
    try {
      db.exec('BEGIN EXCLUSIVE')
      return
    } catch (error) {
      // better-sqlite3's own error (not a strata one): its `code` is SQLite's result code.
      const code = (error as { code?: string }).code ?? ''
      if (!code.startsWith('SQLITE_BUSY') && !code.startsWith('SQLITE_LOCKED')) throw error
      if (Date.now() >= deadline) throw timeout()
      await sleep(Math.min(pause, Math.max(0, deadline - Date.now())))
      pause = Math.min(pause * 2, 500)
    }
  }
}

function describeTimeout(databaseFile: string, path: string, timeoutMs: number): LockTimeoutError {
  const holder = describeFileLockHolder(path)
  return new LockTimeoutError(`another strata run holds the migration lock on ${databaseFile} (${holder ? `held by ${holder}` : `lock file ${path}`}); gave up after ${timeoutMs} ms`)
}

/** Removes the lock file when it is still the one this run made. */
function removeLockFile(path: string, inode: number | undefined): void {
  if (inode === undefined || inodeAt(path) !== inode) return
  try {
    unlinkSync(path)
  } catch {
    // Cannot be removed while open (Windows): it is harmless left behind, the next run uses it.
  }
}
