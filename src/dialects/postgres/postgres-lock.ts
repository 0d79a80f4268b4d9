/**
 * The migration lock: a session-level advisory lock on a fixed key. It is not tied to a transaction (so it spans
 * every step of a run) and the server releases it when the session ends, so a killed process never leaves it stale.
 * Advisory locks are per database: runs against different databases do not block each other. Within one database
 * the key follows the session's schema, where strata keeps its tables: the tenants of a fleet (`tenantSchemas`)
 * lock apart, so one stuck tenant no longer holds up the others.
 */
import { createHash } from 'node:crypto'
import { LockLostError, LockTimeoutError } from '../../errors.js'
import type { Connection, HeldLock, TransactionBudget } from '../dialect.js'
import { pollUntil } from '../shared/poll.js'

/** The first 8 bytes of sha256('strata') as a signed 64-bit integer: the same key in every strata process. */
export const STRATA_LOCK_KEY: bigint = createHash('sha256').update('strata').digest().readBigInt64BE(0)

export { LockTimeoutError }

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
 * The key for the session's current schema: STRATA_LOCK_KEY in `public` (the key every strata release used), else
 * the first 8 bytes of md5('strata/<schema>'), computed by the server from the schema it resolves.
 */
async function schemaLockKey(connection: Connection): Promise<bigint> {
  const [row] = await connection.query<{ key: string }>(
    `SELECT (CASE WHEN current_schema() IS NULL OR current_schema() = 'public' THEN $1::bigint
       ELSE ('x' || substr(md5('strata/' || current_schema()), 1, 16))::bit(64)::bigint END)::text AS key`,
    [STRATA_LOCK_KEY.toString()],
  )
  return row ? BigInt(row.key) : STRATA_LOCK_KEY
}

/**
 * Takes the lock with pg_try_advisory_lock, retrying with growing pauses (50 ms doubling up to 1 s) until
 * `timeoutMs`; then fails naming the session that holds it.
 */
export async function acquirePostgresLock(connection: Connection, timeoutMs: number, fixedKey?: bigint): Promise<HeldLock> {
  const key = fixedKey ?? (await schemaLockKey(connection))
  const locked = await pollUntil(
    async () => {
      const [row] = await connection.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS locked', [key.toString()])
      return row?.locked ? true : undefined
    },
    { timeoutMs, firstPauseMs: 50, maxPauseMs: 1000 },
  )
  if (!locked) {
    const holder = await describeHolder(connection, key)
    throw new LockTimeoutError(`another strata run holds the migration lock (advisory lock ${key}): ${holder}; gave up after ${timeoutMs} ms`)
  }
  let released = false
  const unsigned = BigInt.asUintN(64, key)
  return {
    // Held on the run's own connection; this catches a lock released behind the run's back (pg_advisory_unlock_all).
    async verify() {
      const rows = await connection.query<{ held: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid = pg_backend_pid()
           AND classid = $1::oid AND objid = $2::oid AND objsubid = 1) AS held`,
        [Number(unsigned >> 32n), Number(unsigned & 0xffffffffn)],
      )
      if (!rows[0]?.held) throw new LockLostError(`the migration lock (advisory lock ${key}) is no longer held by this run; stopped before committing`)
    },
    async release() {
      if (released) return
      released = true
      await connection.query('SELECT pg_advisory_unlock($1::bigint)', [key.toString()])
    },
  }
}

/**
 * The shared lock table holds max_locks_per_transaction × (max_connections + max_prepared_transactions) entries
 * (6,400 on stock settings), and every relation a transaction creates or alters takes one until it ends. A
 * 5,000-table history in one transaction ran out at table 3,191. The run commits at a step boundary once its
 * transaction holds 40% of the table, leaving the rest to other sessions.
 */
export async function postgresTransactionBudget(connection: Connection): Promise<TransactionBudget | null> {
  const [row] = await connection.query<{ per: string; conns: string; prepared: string }>(
    `SELECT current_setting('max_locks_per_transaction') AS per, current_setting('max_connections') AS conns,
            current_setting('max_prepared_transactions') AS prepared`,
  )
  if (!row) return null
  const per = Number(row.per)
  const slots = per * (Number(row.conns) + Number(row.prepared))
  if (!(slots > 0)) return null
  return {
    limit: Math.floor(slots * 0.4),
    reason: `one transaction would outgrow PostgreSQL's lock table (max_locks_per_transaction ${per} × ${Number(row.conns) + Number(row.prepared)} connections = ${slots} locks)`,
    async held(conn) {
      const [r] = await conn.query<{ n: string | number }>('SELECT count(*) AS n FROM pg_locks WHERE pid = pg_backend_pid()')
      return Number(r?.n ?? 0)
    },
  }
}
