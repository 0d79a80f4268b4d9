/**
 * The connections and the lock of one writing run (upgrade, downgrade, stamp), and its transaction state.
 * Opening a session takes the migration lock; everything the run reads afterwards is read under it.
 */
import { DatabaseError, LockTimeoutError, StrataError } from '../errors.js'
import type { ConnectOptions, Connection, Dialect, HeldLock } from '../dialects/dialect.js'
import { type RunLockOptions, acquireRunLock } from './run-lock.js'
import type { DatabaseUrl } from './url.js'
import { maskSecret as maskText } from '../dialects/shared/secrets.js'

/** A message with the URL's password removed, also where a driver echoes it without the URL around it. */
export function maskSecret(message: string, url: DatabaseUrl): string {
  return maskText(message, url.password)
}

/** Opens a connection; a failure becomes one line naming the (password-free) URL. */
export async function connect(dialect: Dialect, url: DatabaseUrl, options?: ConnectOptions): Promise<Connection> {
  try {
    return await dialect.connect(url, options)
  } catch (error) {
    if (error instanceof StrataError) throw error
    const message = maskSecret((error as Error)?.message ?? String(error), url).split('\n')[0] ?? ''
    // Drivers that already name the URL ("cannot connect to …: …") are not prefixed twice.
    const text = message.includes(url.display) ? message : `cannot connect to ${url.display}: ${message || (error instanceof DatabaseError ? error.driverCode : undefined) || 'unknown error'}`
    throw new StrataError(text, { code: error instanceof StrataError && !(error instanceof DatabaseError) ? error.code : 'connect' })
  }
}

/**
 * The connection and the lock of one writing run (upgrade, downgrade, stamp). The lock lives on the connection
 * that runs the migrations: if the server closes it, the run fails at its next statement, so the lock cannot
 * vanish while the run goes on. `lock.verify()` re-checks it before every commit point.
 */
export class RunSession {
  private readonly locks: HeldLock[] = []

  private constructor(
    readonly dialect: Dialect,
    readonly connection: Connection,
    /** The connect bounds, for the lease lock's own connection. */
    private readonly bounds: ConnectOptions = {},
  ) {}

  /** True when taking the lock opened the run's first transaction (SQLite's BEGIN IMMEDIATE). */
  get openedTransaction(): boolean {
    return this.dialect.lockOpensTransaction
  }

  /** Every lock of the run as one: verified and released together. */
  readonly lock: HeldLock = {
    verify: async () => {
      for (const lock of this.locks) await lock.verify()
    },
    release: async () => {
      for (const lock of this.locks.reverse()) await lock.release().catch(() => undefined)
      this.locks.length = 0
    },
  }

  /**
   * Connects and takes the migration lock, waiting up to `lockTimeoutSeconds`. File databases also take a lock
   * that outlives commits (Dialect.runLock); the dialect's lock then only waits for other writers. `lockOptions`
   * choose between the advisory and the table (lease) lock (run-lock.ts). Connecting counts against the lock
   * timeout too: it never waits past it.
   */
  static async open(dialect: Dialect, url: DatabaseUrl, lockTimeoutSeconds: number, lockOptions: RunLockOptions = {}, bounds: ConnectOptions = {}): Promise<RunSession> {
    const lockMs = lockTimeoutSeconds * 1000
    const own = bounds.connectTimeoutMs ?? 0
    const connection = await connect(dialect, url, lockMs > 0 && (own === 0 || lockMs < own) ? { ...bounds, connectTimeoutMs: lockMs } : bounds)
    const session = new RunSession(dialect, connection, bounds)
    try {
      await session.takeLock(url, lockTimeoutSeconds, lockOptions)
      await session.tuneConnection()
    } catch (error) {
      await session.close()
      throw error
    }
    return session
  }

  private async takeLock(url: DatabaseUrl, timeoutSeconds: number, lockOptions: RunLockOptions): Promise<void> {
    const timeoutMs = Math.round(timeoutSeconds * 1000)
    const deadline = Date.now() + timeoutMs
    const hint = `; wait for that run to finish, or raise --lock-timeout (now ${timeoutSeconds} s)`
    try {
      if (this.dialect.runLock) this.locks.push(await this.dialect.runLock(url, timeoutMs))
      const left = Math.max(0, deadline - Date.now())
      this.locks.push(await acquireRunLock({ ...lockOptions, dialect: this.dialect, connection: this.connection, openConnection: () => connect(this.dialect, url, this.bounds), timeoutMs: left }))
    } catch (error) {
      // A timeout says who holds the lock; anything else is a problem with taking it at all.
      if (error instanceof LockTimeoutError) throw new LockTimeoutError(`${maskSecret(error.message, url)}${hint}`)
      if (error instanceof StrataError && !(error instanceof DatabaseError)) throw error
      const message = maskSecret((error as Error)?.message ?? String(error), url).split('\n')[0] ?? ''
      throw new StrataError(`cannot take the migration lock on ${url.display}: ${message}`, { code: 'lock', cause: error })
    }
  }

  private async tuneConnection(): Promise<void> {
    await this.dialect.prepareSession?.(this.connection)
  }

  /** Rolls back anything still open, releases the locks and closes the connection. Never throws. */
  async close(): Promise<void> {
    await this.lock.release()
    await this.connection.close().catch(() => undefined)
  }
}
