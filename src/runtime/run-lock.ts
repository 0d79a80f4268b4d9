/**
 * Which lock a run takes (config `lock`): the dialect's advisory lock where it holds, else the table (lease) lock.
 * `advisory` (the default) checks that the lock really excludes: a server that says it cannot protect a run
 * (Galera), or a second session that takes the same lock while this run holds it (CockroachDB's stubs), switches
 * the run to the table lock, saying so. `none` takes no lock at all (one deployer, or a lock held outside strata).
 */
import type { Connection, Dialect, HeldLock } from '../dialects/dialect.js'
import { acquireLeaseLock } from './lease-lock.js'

export type LockMode = 'advisory' | 'table' | 'none'

export interface RunLockOptions {
  mode?: LockMode
  /** Lease length of the table lock in seconds (default 30). */
  leaseSeconds?: number
  log?: (line: string) => void
}

export interface RunLockRequest extends RunLockOptions {
  dialect: Dialect
  /** The run connection: the advisory lock lives on it. */
  connection: Connection
  /** Opens another session (the no-op probe; the lease's own connection). */
  openConnection(): Promise<Connection>
  timeoutMs: number
}

export const DEFAULT_LEASE_SECONDS = 30

const noLock: HeldLock = { async release() {}, async verify() {} }

async function tableLock(request: RunLockRequest, timeoutMs: number): Promise<HeldLock> {
  const connection = await request.openConnection()
  try {
    await request.dialect.prepareSession?.(connection)
    return await acquireLeaseLock(request.dialect, connection, {
      leaseSeconds: request.leaseSeconds ?? DEFAULT_LEASE_SECONDS,
      timeoutMs,
      ...(request.log ? { log: request.log } : {}),
    })
  } catch (error) {
    await connection.close().catch(() => undefined)
    throw error
  }
}

/** True when a second session also gets the lock this run holds: the advisory lock excludes nobody. */
async function advisoryLockIsNoOp(request: RunLockRequest): Promise<boolean> {
  const probe = await request.openConnection()
  try {
    const second = await request.dialect.acquireLock(probe, 0).catch(() => undefined)
    if (!second) return false
    await second.release().catch(() => undefined)
    return true
  } finally {
    await probe.close().catch(() => undefined)
  }
}

const switching = (why: string) => `The advisory lock cannot protect this run: ${why}; using the table lock (strata_lock) instead (set lock: 'table' in strata.config.ts to skip this check)`

export async function acquireRunLock(request: RunLockRequest): Promise<HeldLock> {
  const deadline = Date.now() + Math.max(0, request.timeoutMs)
  const remaining = () => Math.max(0, deadline - Date.now())
  // Without advisory locks (SQLite) the dialect's lock is its write transaction: always taken, whatever `lock` says.
  if (!request.dialect.features.advisoryLocks) return request.dialect.acquireLock(request.connection, remaining())
  const mode = request.mode ?? 'advisory'
  if (mode === 'none') return noLock
  if (mode === 'table') return tableLock(request, remaining())
  const unsafe = await request.dialect.advisoryLockUnsafe?.(request.connection)
  if (unsafe) {
    request.log?.(switching(unsafe))
    return tableLock(request, remaining())
  }
  const advisory = await request.dialect.acquireLock(request.connection, remaining())
  let noOp: boolean
  try {
    noOp = await advisoryLockIsNoOp(request)
  } catch (error) {
    await advisory.release().catch(() => undefined)
    throw error
  }
  if (!noOp) return advisory
  await advisory.release().catch(() => undefined)
  request.log?.(switching('a second session took the same advisory lock while this run held it (a no-op lock, as on CockroachDB)'))
  return tableLock(request, remaining())
}
