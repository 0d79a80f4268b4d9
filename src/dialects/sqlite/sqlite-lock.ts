import type { Connection, HeldLock } from '../dialect.js'
import { DatabaseError, LockTimeoutError } from '../../errors.js'
import { BUSY_TIMEOUT_MS, SqliteConnection } from './sqlite-driver.js'

/**
 * SQLite's migration lock is the database write lock: `BEGIN IMMEDIATE` takes it and opens the run's transaction
 * (Dialect.lockOpensTransaction). A second strata process waits here until the first commits; a killed process's
 * lock vanishes with its file handle, so no lock can go stale.
 */

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

function isBusy(error: unknown): boolean {
  const code = error instanceof DatabaseError ? (error.driverCode ?? '') : ''
  return code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')
}

function isRemovedFile(error: unknown, connection: Connection): connection is SqliteConnection {
  return connection instanceof SqliteConnection && error instanceof DatabaseError && (error.driverCode ?? '').startsWith('SQLITE_IOERR')
}

async function databaseFile(connection: Connection): Promise<string> {
  if (connection instanceof SqliteConnection) return connection.filename
  const rows = await connection.query<{ name: string; file: string }>('PRAGMA database_list')
  return rows.find((r) => r.name === 'main')?.file || ':memory:'
}

export async function acquireSqliteLock(connection: Connection, timeoutMs: number): Promise<HeldLock> {
  const deadline = Date.now() + Math.max(0, timeoutMs)
  let pause = 25
  try {
    for (;;) {
      // Each attempt waits briefly inside SQLite (the API is synchronous), then we yield to the event loop.
      const wait = Math.max(0, Math.min(250, deadline - Date.now()))
      // The run we waited for created the file, wrote nothing and removed it again: open the file there now.
      if (connection instanceof SqliteConnection && !connection.isStillAtPath()) connection.reopen()
      await connection.execute(`PRAGMA busy_timeout = ${wait}`)
      try {
        await connection.execute('BEGIN IMMEDIATE')
        if (connection instanceof SqliteConnection && !connection.isStillAtPath()) {
          await connection.execute('ROLLBACK')
          continue
        }
        break
      } catch (error) {
        // The file this connection opened was removed meanwhile (SQLite fails with an I/O error): open it again.
        if (isRemovedFile(error, connection) && Date.now() < deadline) {
          connection.reopen()
          continue
        }
        if (!isBusy(error)) throw error
        if (Date.now() >= deadline)
          throw new LockTimeoutError(`another process holds the write lock on ${await databaseFile(connection)} (waited ${timeoutMs} ms); SQLite cannot tell which process`)
        await sleep(Math.min(pause, Math.max(0, deadline - Date.now())))
        pause = Math.min(pause * 2, 1000)
      }
    }
  } finally {
    const busyTimeoutMs = connection instanceof SqliteConnection ? connection.busyTimeoutMs : BUSY_TIMEOUT_MS
    await connection.execute(`PRAGMA busy_timeout = ${busyTimeoutMs}`).catch(() => undefined)
  }
  return {
    // The write lock is the open transaction itself: it cannot be lost without the connection failing.
    async verify() {},
    async release() {
      // The runtime commits; a transaction still open here belongs to a failed run.
      const open = connection instanceof SqliteConnection ? connection.inTransaction : true
      if (open) await connection.execute('ROLLBACK').catch(() => undefined)
      // Still under the run's file lock (released after this one): a database file this run created and never
      // wrote to is removed again, so that a failed command leaves no empty database behind.
      if (connection instanceof SqliteConnection) connection.removeIfUntouched()
    },
  }
}
