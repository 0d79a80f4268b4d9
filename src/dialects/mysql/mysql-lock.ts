/**
 * The migration lock: a named user lock (GET_LOCK), held by the session, so a killed process never leaves it
 * behind. It does not open a transaction (MySQL DDL commits implicitly anyway).
 */
import { createHash } from 'node:crypto'
import { LockLostError, LockTimeoutError, StrataError } from '../../errors.js'
import type { Connection, HeldLock } from '../dialect.js'
import { pollUntil } from '../shared/poll.js'

/** GET_LOCK names are limited to 64 characters: long database names are hashed. */
export function mysqlLockName(database: string): string {
  const name = `strata_migrations_${database}`
  if (name.length <= 64) return name
  return `strata_migrations_${createHash('sha1').update(database).digest('hex').slice(0, 40)}`
}

async function describeHolder(connection: Connection, name: string): Promise<string> {
  try {
    const [used] = await connection.query<{ holder: number | string | null }>('SELECT IS_USED_LOCK(?) AS holder', [name])
    const holder = used?.holder
    if (holder === null || holder === undefined) return 'another session (it has just been released)'
    const rows = await connection.query<{ USER: string; HOST: string; DB: string | null; TIME: number | string; COMMAND: string }>(
      'SELECT USER, HOST, DB, TIME, COMMAND FROM information_schema.PROCESSLIST WHERE ID = ?',
      [holder],
    )
    const row = rows[0]
    if (!row) return `connection ${holder}`
    return `connection ${holder} (${row.USER}@${row.HOST}, ${String(row.COMMAND).toLowerCase()} for ${row.TIME}s)`
  } catch {
    return 'another session'
  }
}

export async function acquireMysqlLock(connection: Connection, timeoutMs: number): Promise<HeldLock> {
  const [{ db } = { db: null }] = await connection.query<{ db: string | null }>('SELECT DATABASE() AS db')
  const name = mysqlLockName(db ?? '')
  const locked = await pollUntil(
    async () => {
      const [row] = await connection.query<{ got: number | string | null }>('SELECT GET_LOCK(?, 0) AS got', [name])
      if (row?.got === null) throw new StrataError(`GET_LOCK('${name}') failed on the server`, { code: 'lock' })
      return Number(row?.got) === 1 ? true : undefined
    },
    { timeoutMs, firstPauseMs: 25, maxPauseMs: 1000 },
  )
  if (!locked) {
    const holder = await describeHolder(connection, name)
    throw new LockTimeoutError(`the migration lock '${name}' is held by ${holder}; gave up after ${timeoutMs} ms`)
  }
  let released = false
  return {
    async verify() {
      const [row] = await connection.query<{ mine: number | string | null }>('SELECT IS_USED_LOCK(?) = CONNECTION_ID() AS mine', [name])
      if (Number(row?.mine) !== 1) throw new LockLostError(`the migration lock '${name}' is no longer held by this run; stopped before committing`)
    },
    async release() {
      if (released) return
      released = true
      await connection.query('SELECT RELEASE_LOCK(?) AS released', [name])
    },
  }
}

/** True on a Galera cluster node (MariaDB with wsrep_on): GET_LOCK there holds on one node only. */
export async function isGaleraNode(connection: Connection): Promise<boolean> {
  const rows = await connection.query<{ Value: string }>("SHOW VARIABLES LIKE 'wsrep_on'").catch(() => [])
  return String(rows[0]?.Value ?? '').toUpperCase() === 'ON'
}

/** Galera: GET_LOCK is documented as unsupported and takes a node-local lock (gh-ost #224). */
export async function galeraLockWarning(connection: Connection): Promise<string | undefined> {
  return (await isGaleraNode(connection)) ? 'this server is a Galera cluster node (wsrep_on), where GET_LOCK holds on one node only' : undefined
}

/**
 * Galera: reads wait until this node has applied every write committed anywhere in the cluster
 * (wsrep_sync_wait = 1), so the version and history rows read under the lock are the cluster's.
 */
export async function prepareMysqlSession(connection: Connection): Promise<void> {
  if (await isGaleraNode(connection)) await connection.execute('SET SESSION wsrep_sync_wait = 1')
}
