/**
 * The migration lock: a session-level advisory lock on a fixed key. It is not tied to a transaction (so it spans
 * every step of a run) and the server releases it when the session ends, so a killed process never leaves it stale.
 * Advisory locks are per database: runs against different databases do not block each other.
 */
import { createHash } from 'node:crypto'
import type { Connection, HeldLock } from '../dialect.js'
import { LockTimeoutError } from '../../errors.js'

/** The first 8 bytes of sha256('strata') as a signed 64-bit integer: the same key in every strata process. */
export const STRATA_LOCK_KEY: bigint = createHash('sha256').update('strata').digest().readBigInt64BE(0)

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

interface Holder {
  pid: number
  application_name: string | null
  client_addr: string | null
  usename: string | null
  backend_start: Date | null
  state: string | null
}

/** Who holds the lock, from pg_locks ⋈ pg_stat_activity (a bigint key is split into classid/objid, objsubid 1). */
async function describeHolder(connection: Connection, key: bigint): Promise<string> {
  const unsigned = BigInt.asUintN(64, key)
  const classid = Number(unsigned >> 32n)
  const objid = Number(unsigned & 0xffffffffn)
  try {
    const rows = await connection.query<Holder>(
      `SELECT a.pid, a.application_name, a.client_addr::text AS client_addr, a.usename, a.backend_start, a.state
       FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
       WHERE l.locktype = 'advisory' AND l.granted AND l.classid = $1::oid AND l.objid = $2::oid AND l.objsubid = 1
         AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      [classid, objid],
    )
    const holder = rows[0]
    if (!holder) return 'the holder could not be identified (it may just have released it)'
    const parts = [`pid ${holder.pid}`]
    if (holder.application_name) parts.push(`application_name '${holder.application_name}'`)
    if (holder.usename) parts.push(`user '${holder.usename}'`)
    parts.push(holder.client_addr ? `client ${holder.client_addr}` : 'client local socket')
    if (holder.backend_start) parts.push(`connected since ${new Date(holder.backend_start).toISOString()}`)
    return `held by ${parts.join(', ')}`
  } catch {
    return 'the holder could not be identified (no permission to read pg_stat_activity)'
  }
}

/**
 * Takes the lock with pg_try_advisory_lock, retrying with growing pauses (50 ms doubling up to 1 s) until
 * `timeoutMs`; then fails naming the session that holds it.
 */
export async function acquirePostgresLock(connection: Connection, timeoutMs: number, key: bigint = STRATA_LOCK_KEY): Promise<HeldLock> {
  const deadline = Date.now() + Math.max(0, timeoutMs)
  let pause = 50
  for (;;) {
    const [row] = await connection.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS locked', [key.toString()])
    if (row?.locked) break
    const remaining = deadline - Date.now()
    if (remaining <= 0) {
      const holder = await describeHolder(connection, key)
      throw new LockTimeoutError(`another strata run holds the migration lock (advisory lock ${key}): ${holder}; gave up after ${timeoutMs} ms`)
    }
    await sleep(Math.min(pause, remaining))
    pause = Math.min(pause * 2, 1000)
  }
  let released = false
  return {
    async release() {
      if (released) return
      released = true
      await connection.query('SELECT pg_advisory_unlock($1::bigint)', [key.toString()])
    },
  }
}
