/**
 * The connections and the lock of one writing run (upgrade, downgrade, stamp), and its transaction state.
 * Opening a session takes the migration lock; everything the run reads afterwards is read under it.
 */
import { LockTimeoutError, StrataError } from '../errors.js'
import type { Connection, Dialect, HeldLock } from '../dialects/dialect.js'
import { acquireFileLock } from './file-lock.js'
import type { DatabaseUrl } from './url.js'
import { maskPasswords } from './url.js'

/** A message with the URL's password removed, also where a driver echoes it without the URL around it. */
export function maskSecret(message: string, url: DatabaseUrl): string {
  let text = maskPasswords(message)
  if (url.password && url.password.length >= 3) {
    text = text.split(url.password).join('***')
    const encoded = encodeURIComponent(url.password)
    if (encoded !== url.password) text = text.split(encoded).join('***')
  }
  return text
}

/** Opens a connection; a failure becomes one line naming the (password-free) URL. */
export async function connect(dialect: Dialect, url: DatabaseUrl): Promise<Connection> {
  try {
    return await dialect.connect(url)
  } catch (error) {
    const message = maskSecret((error as Error)?.message ?? String(error), url).split('\n')[0] ?? ''
    // Drivers that already name the URL ("cannot connect to …: …") are not prefixed twice.
    const text = message.includes(url.display) ? message : `cannot connect to ${url.display}: ${message || (error as { code?: string })?.code || 'unknown error'}`
    throw new StrataError(text)
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
   * that outlives commits (see file-lock.ts); the dialect's lock then only waits for other writers.
   */
  static async open(dialect: Dialect, url: DatabaseUrl, lockTimeoutSeconds: number): Promise<RunSession> {
    const connection = await connect(dialect, url)
    const session = new RunSession(dialect, connection)
    try {
      await session.takeLock(url, lockTimeoutSeconds)
      await session.tuneConnection()
    } catch (error) {
      await session.close()
      throw error
    }
    return session
  }

  private async takeLock(url: DatabaseUrl, timeoutSeconds: number): Promise<void> {
    const timeoutMs = Math.round(timeoutSeconds * 1000)
    const deadline = Date.now() + timeoutMs
    const hint = `; wait for that run to finish, or raise --lock-timeout (now ${timeoutSeconds} s)`
    try {
      if (this.dialect.lockOpensTransaction && url.filename && url.filename !== ':memory:')
        this.locks.push(await acquireFileLock(url.filename, timeoutMs))
      this.locks.push(await this.dialect.acquireLock(this.connection, Math.max(0, deadline - Date.now())))
    } catch (error) {
      if (error instanceof LockTimeoutError) throw new LockTimeoutError(`${maskSecret(error.message, url)}${hint}`)
      if (error instanceof StrataError) throw error
      const message = maskSecret((error as Error)?.message ?? String(error), url).split('\n')[0] ?? ''
      throw new StrataError(`cannot take the migration lock on ${url.display}: ${message}`, { code: 'lock', cause: error })
    }
  }

  /**
   * PostgreSQL keeps running a statement whose client was killed (until it tries to answer), holding its
   * transaction's locks: the next run would wait on them. Checking the client every second ends such orphans.
   */
  private async tuneConnection(): Promise<void> {
    if (this.dialect.name === 'postgres') await this.connection.execute(`SET client_connection_check_interval = 1000`).catch(() => undefined)
  }

  /** Rolls back anything still open, releases the locks and closes the connection. Never throws. */
  async close(): Promise<void> {
    await this.lock.release()
    await this.connection.close().catch(() => undefined)
  }
}
