/**
 * The table (lease) lock, for engines whose advisory locks do not hold (Galera's node-local GET_LOCK, CockroachDB's
 * no-op pg_advisory_lock). One row in `strata_lock`, written by its own committed statement, so that a second
 * writer conflicts on the primary key (Galera: certification rejects it cluster-wide). The lease expires unless a
 * heartbeat renews it; an expired lease may be taken over (its holder died); `verify()` before every commit point
 * makes a run that lost its lease stop instead of writing over another's work.
 *
 * The lease has a connection of its own: its writes must commit at once, whatever transaction the run has open on
 * its connection (a renewal inside the run's transaction stays invisible until that commits, and would let the
 * lease lapse in the meantime). Times are the server's clock (`Dialect.nowMillisSql`), never the clients'.
 */
import { hostname } from 'node:os'
import { randomBytes } from './lazy-hash.js'
import type { Connection, Dialect, HeldLock } from '../dialects/dialect.js'
import { pollUntil } from '../dialects/shared/poll.js'
import { LockLostError, LockTimeoutError } from '../errors.js'

export const LEASE_TABLE = 'strata_lock'
const LEASE_NAME = 'migrations'

export interface LeaseOptions {
  /** Seconds a lease lasts without renewal; renewed every third of it. */
  leaseSeconds: number
  timeoutMs: number
  /** Says that an expired lease was taken over (its holder died). */
  log?: (line: string) => void
}

export interface LeaseLock extends HeldLock {
  /** Throws LockLostError when the lease is no longer this run's (expired and taken, or the renewals failed). */
  verify(): Promise<void>
  readonly holder: string
}

interface LeaseRow {
  holder: string
  remaining: number | string
}

class Lease {
  readonly holder = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`
  private readonly table: string
  private readonly now: string

  constructor(
    private readonly dialect: Dialect,
    private readonly connection: Connection,
    private readonly leaseMs: number,
  ) {
    this.table = dialect.quoteIdentifier(LEASE_TABLE)
    this.now = `(${dialect.nowMillisSql})`
  }

  private literal(value: string | number): string {
    return this.dialect.quoteLiteral(value)
  }

  async ensureTable(): Promise<void> {
    const q = (name: string) => this.dialect.quoteIdentifier(name)
    // Two runs creating it at once may collide on the catalog; the loser finds the table on its next attempt.
    await this.connection
      .execute(`CREATE TABLE IF NOT EXISTS ${this.table} (${q('name')} VARCHAR(64) NOT NULL PRIMARY KEY, ${q('holder')} VARCHAR(128) NOT NULL, ${q('expires_at')} BIGINT NOT NULL)`)
      .catch(() => undefined)
  }

  async read(): Promise<LeaseRow | undefined> {
    const [row] = await this.connection.query<LeaseRow>(
      `SELECT holder, expires_at - ${this.now} AS remaining FROM ${this.table} WHERE name = ${this.literal(LEASE_NAME)}`,
    )
    return row
  }

  /** One attempt: insert the row, or take over an expired one; then read who holds it. Errors mean "not now". */
  async attempt(): Promise<{ got: boolean; row?: LeaseRow; stolenFrom?: string; error?: unknown }> {
    let error: unknown
    const before = await this.read().catch((e) => ((error = e), undefined))
    try {
      if (!before) {
        await this.connection.execute(
          `INSERT INTO ${this.table} (name, holder, expires_at) VALUES (${this.literal(LEASE_NAME)}, ${this.literal(this.holder)}, ${this.now} + ${this.leaseMs})`,
        )
      } else if (Number(before.remaining) <= 0) {
        // The holder stopped renewing: only the run that still sees that same holder and expiry may take over.
        await this.connection.execute(
          `UPDATE ${this.table} SET holder = ${this.literal(this.holder)}, expires_at = ${this.now} + ${this.leaseMs} WHERE name = ${this.literal(LEASE_NAME)} AND holder = ${this.literal(before.holder)} AND expires_at < ${this.now}`,
        )
      }
    } catch (e) {
      // Duplicate key, a Galera certification failure, a lock wait: another run got there first.
      error = e
    }
    const row = await this.read().catch((e) => ((error = e), undefined))
    const got = row?.holder === this.holder
    return { got, ...(row ? { row } : {}), ...(got && before && before.holder !== this.holder ? { stolenFrom: before.holder } : {}), error }
  }

  async renew(): Promise<boolean> {
    const result = await this.connection.execute(
      `UPDATE ${this.table} SET expires_at = ${this.now} + ${this.leaseMs} WHERE name = ${this.literal(LEASE_NAME)} AND holder = ${this.literal(this.holder)}`,
    )
    return result.rowCount === 1
  }

  async remove(): Promise<void> {
    await this.connection.execute(`DELETE FROM ${this.table} WHERE name = ${this.literal(LEASE_NAME)} AND holder = ${this.literal(this.holder)}`)
  }
}

/**
 * Takes the lease on `connection` (which the lease then owns and closes on release), retrying until `timeoutMs`.
 * Throws LockTimeoutError naming the holder.
 */
export async function acquireLeaseLock(dialect: Dialect, connection: Connection, options: LeaseOptions): Promise<LeaseLock> {
  const leaseMs = Math.max(1000, Math.round(options.leaseSeconds * 1000))
  const lease = new Lease(dialect, connection, leaseMs)
  await lease.ensureTable()
  let last: Awaited<ReturnType<Lease['attempt']>> | undefined
  let attemptStarted = 0
  const won = await pollUntil(
    async () => {
      attemptStarted = performance.now()
      last = await lease.attempt()
      return last.got ? last : undefined
    },
    { timeoutMs: options.timeoutMs, firstPauseMs: 25, maxPauseMs: 250 },
  )
  if (!won) {
    const held = last?.row
      ? `held by ${last.row.holder} (its lease ends in ${Math.max(0, Math.round(Number(last.row.remaining) / 1000))} s unless renewed)`
      : `the ${LEASE_TABLE} table could not be written${last?.error ? `: ${String((last.error as Error)?.message ?? last.error).split('\n')[0]}` : ''}`
    throw new LockTimeoutError(`another strata run holds the migration lock (table lock, ${LEASE_TABLE}): ${held}; gave up after ${options.timeoutMs} ms`)
  }
  if (won.stolenFrom) options.log?.(`Took over the migration lock from ${won.stolenFrom}: its lease expired (that run stopped renewing it)`)
  return heldLease(lease, connection, leaseMs, attemptStarted)
}

/**
 * The run checks its lease before every commit point (on MySQL, before every DDL statement). No other run may take
 * a lease before it expires, and a renewal that succeeded set the expiry at least a lease length after the moment
 * it was sent: until most of that has passed, verify() needs no round trip.
 */
const TRUSTED_SHARE = 0.8

function heldLease(lease: Lease, connection: Connection, leaseMs: number, acquiredAt: number): LeaseLock {
  let lost: string | undefined
  let trustedUntil = acquiredAt + leaseMs * TRUSTED_SHARE
  let renewing: Promise<void> = Promise.resolve()
  const renewOnce = async () => {
    const sent = performance.now()
    try {
      if (await lease.renew()) trustedUntil = sent + leaseMs * TRUSTED_SHARE
      else lost = 'another run took over its lease'
    } catch (error) {
      // A failed renewal is not a loss yet: verify() reads the row and decides.
      void error
    }
  }
  const timer = setInterval(() => {
    renewing = renewing.then(renewOnce)
  }, Math.max(100, Math.floor(leaseMs / 3)))
  timer.unref()
  let released = false
  return {
    holder: lease.holder,
    async verify() {
      await renewing
      if (!lost && performance.now() < trustedUntil) return
      if (!lost) {
        const row = await lease.read().catch(() => undefined)
        if (!row || row.holder !== lease.holder) lost = row ? `the lease is now held by ${row.holder}` : 'the lease row is gone'
        else if (Number(row.remaining) <= 0) lost = 'its lease expired (renewals failed)'
      }
      if (lost) throw new LockLostError(`this run lost the migration lock (table lock, ${LEASE_TABLE}): ${lost}; nothing more was committed, rerun to continue`)
    },
    async release() {
      if (released) return
      released = true
      clearInterval(timer)
      await renewing
      await lease.remove().catch(() => undefined)
      await connection.close().catch(() => undefined)
    },
  }
}
