/**
 * The connections and the lock of one writing run (upgrade, downgrade, stamp), and its transaction state.
 * Opening a session takes the migration lock; everything the run reads afterwards is read under it.
 */
import { StrataError } from '../config/errors.js'
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
    // A missing driver is not a connection problem: its line says what to install.
    if (error instanceof StrataError && error.code === 'driver-missing') throw error
    const message = maskSecret((error as Error)?.message ?? String(error), url).split('\n')[0] ?? ''
    // Drivers that already name the URL ("cannot connect to …: …") are not prefixed twice.
    const text = message.includes(url.display) ? message : `cannot connect to ${url.display}: ${message || (error as { code?: string })?.code || 'unknown error'}`
    throw new StrataError(text)
  }
}

export class RunSession {
  inTransaction = false
  private readonly locks: HeldLock[] = []

  private constructor(
    readonly dialect: Dialect,
    readonly connection: Connection,
    private readonly lockConnection: Connection,
  ) {}

  /**
   * Connects and takes the migration lock, waiting up to `lockTimeoutSeconds`. File databases also take a lock
   * that outlives commits (see file-lock.ts); the dialect's lock then only waits for other writers.
   */
  static async open(dialect: Dialect, url: DatabaseUrl, lockTimeoutSeconds: number): Promise<RunSession> {
    const connection = await connect(dialect, url)
    let lockConnection = connection
    try {
      if (!dialect.lockOpensTransaction) lockConnection = await connect(dialect, url)
      const session = new RunSession(dialect, connection, lockConnection)
      try {
        await session.lock(url, lockTimeoutSeconds)
        await session.tuneConnection()
      } catch (error) {
        await session.close()
        throw error
      }
      return session
    } catch (error) {
      if (lockConnection !== connection) await lockConnection.close().catch(() => undefined)
      await connection.close().catch(() => undefined)
      throw error
    }
  }

  private async lock(url: DatabaseUrl, timeoutSeconds: number): Promise<void> {
    const timeoutMs = Math.round(timeoutSeconds * 1000)
    const deadline = Date.now() + timeoutMs
    const hint = `; wait for that run to finish, or raise --lock-timeout (now ${timeoutSeconds} s)`
    try {
      if (this.dialect.lockOpensTransaction && url.filename && url.filename !== ':memory:')
        this.locks.push(await acquireFileLock(url.filename, timeoutMs))
      this.locks.push(await this.dialect.acquireLock(this.lockConnection, Math.max(0, deadline - Date.now())))
    } catch (error) {
      if (error instanceof StrataError) throw error
      const message = maskSecret((error as Error)?.message ?? String(error), url).split('\n')[0] ?? ''
      // A timeout says who holds the lock; anything else is a problem with taking it at all.
      if (/gave up after|holds the (write|migration) lock/.test(message)) throw new StrataError(`${message}${hint}`)
      throw new StrataError(`cannot take the migration lock on ${url.display}: ${message}`)
    }
    if (this.dialect.lockOpensTransaction) this.inTransaction = true
  }

  /**
   * PostgreSQL keeps running a statement whose client was killed (until it tries to answer), holding its
   * transaction's locks: the next run would wait on them. Checking the client every second ends such orphans.
   */
  private async tuneConnection(): Promise<void> {
    if (this.dialect.name === 'postgres') await this.connection.execute(`SET client_connection_check_interval = 1000`).catch(() => undefined)
  }

  async begin(): Promise<void> {
    if (this.inTransaction) return
    await this.connection.execute(this.dialect.beginSql)
    this.inTransaction = true
  }

  async commit(): Promise<void> {
    if (!this.inTransaction) return
    await this.connection.execute(this.dialect.commitSql)
    this.inTransaction = false
  }

  async rollback(): Promise<void> {
    if (!this.inTransaction) return
    this.inTransaction = false
    await this.connection.execute(this.dialect.rollbackSql).catch(() => undefined)
  }

  /** Rolls back anything still open, releases the locks and closes the connections. Never throws. */
  async close(): Promise<void> {
    await this.rollback()
    for (const lock of this.locks.reverse()) await lock.release().catch(() => undefined)
    await this.connection.close().catch(() => undefined)
    if (this.lockConnection !== this.connection) await this.lockConnection.close().catch(() => undefined)
  }
}
