import { StrataError } from '../config/errors.js'
import { TimeoutError } from '../errors.js'
import { existsSync } from 'node:fs'
import { type ResolvedConfig, connectOptions, databaseUrl } from '../config/load-config.js'
import type { ConnectOptions, Connection, Dialect } from '../dialects/dialect.js'
import type { DatabaseUrl } from '../runtime/url.js'
import { type ConfigInput, type ProjectOptions, databaseOf, resolveProject } from './project.js'

/**
 * The version rows, read without creating anything: no database file, no version table, no lock.
 * Returns [] for a database strata never touched.
 */
export async function readCurrentVersions(config: ResolvedConfig, options: ProjectOptions = {}): Promise<string[]> {
  return (await readCurrentState(config, options, false)).versions
}

/** A step a run left part-way (it failed, or the process died, after some statements outside a transaction). */
export interface UnfinishedStep {
  revision: string
  direction: 'up' | 'down'
  /** 'running': a run is at it now, or died at it; 'interrupted': a later run found it so; 'failed'. */
  status: 'running' | 'interrupted' | 'failed'
  statementsDone: number
}

/** The version rows and, when asked, the step a run left part-way (the last history row, when it is one). */
export async function readCurrentState(config: ResolvedConfig, options: ProjectOptions, withUnfinished: boolean): Promise<{ versions: string[]; unfinished: UnfinishedStep | null }> {
  if (fileNotCreated(databaseUrl(config, options.url))) return { versions: [], unfinished: null }
  const { url, dialect } = await databaseOf(config, options)
  const connection = await connectIfThere(dialect, url, connectOptions(config))
  if (!connection) return { versions: [], unfinished: null }
  // Imported once there is a database to read: a database strata never touched needs neither.
  const [{ maskSecret }, { VersionStore, leftPartWay }] = await Promise.all([import('../runtime/run-session.js'), import('../runtime/version-store.js')])
  try {
    const store = new VersionStore(dialect, config.versionTable, config.historyTable)
    const versions = await store.readVersions(connection)
    if (versions === null || !withUnfinished) return { versions: versions ?? [], unfinished: null }
    const last = await store.readLastStep(connection)
    return { versions, unfinished: last && leftPartWay(last) ? unfinishedStep(last) : null }
  } catch (error) {
    throw new StrataError(`cannot read ${config.versionTable} in ${url.display}: ${maskSecret((error as Error).message, url)}`, { code: 'database', cause: error })
  } finally {
    await connection.close().catch(() => undefined)
  }
}

/**
 * A file database (SQLite, libSQL, PGlite) whose file or folder is not there yet has no version rows. Answered
 * before loading the dialect, which is most of `strata current`'s start-up on an untouched database.
 */
function fileNotCreated(url: DatabaseUrl): boolean {
  return url.filename !== undefined && url.filename !== '' && url.filename !== ':memory:' && !existsSync(url.filename)
}

/**
 * False for a SQLite file not created yet (nothing to read, and reading must not create it). A server database
 * that does not exist is an error: it is a typo or a missing setup step, not a fresh database.
 */
export async function databaseIsThere(dialect: Dialect, url: DatabaseUrl, options?: ConnectOptions): Promise<boolean> {
  // A connection problem surfaces, with its own clear message, when connecting; a timeout is already that message.
  const exists = await dialect.databaseExists(url, options).catch((error: unknown) => {
    if (error instanceof TimeoutError) throw error
    return true
  })
  if (exists || dialect.features.fileDatabase) return exists
  throw new StrataError(`database '${url.database}' does not exist on ${url.host}:${url.port} (${url.display}): create it, or fix the URL`, { code: 'no-database' })
}

/**
 * A connection to the database, or undefined for a database file not created yet. A server database is connected
 * to straight away, and asked whether it exists only when that fails, for the clearer message: one connection
 * on the usual path instead of two (a handshake, a query and a close saved).
 */
export async function connectIfThere(dialect: Dialect, url: DatabaseUrl, options?: ConnectOptions): Promise<Connection | undefined> {
  const { connect } = await import('../runtime/run-session.js')
  if (dialect.features.fileDatabase) return (await databaseIsThere(dialect, url, options)) ? await connect(dialect, url, options) : undefined
  try {
    return await connect(dialect, url, options)
  } catch (error) {
    // A timeout is its own clear message (and asking again would wait as long again).
    if (!(error instanceof TimeoutError)) await databaseIsThere(dialect, url, options)
    throw error
  }
}

/** A row `leftPartWay` says left statements behind, as `current` reports it. */
function unfinishedStep(row: { revision: string; direction: 'up' | 'down'; status: string; statements_done: number }): UnfinishedStep {
  return { revision: row.revision, direction: row.direction, status: row.status as UnfinishedStep['status'], statementsDone: row.statements_done }
}

/** One line on a step left part-way: what the database holds, and what resumes it. */
export function describeUnfinished(step: UnfinishedStep): string {
  const verb = step.direction === 'up' ? 'upgrade' : 'downgrade'
  const how = step.status === 'failed' ? 'failed' : step.status === 'interrupted' ? 'was interrupted' : 'is running, or its run died,'
  const held = step.statementsDone === 0 ? 'its first statement may have taken effect' : `the database holds the effect of its first ${step.statementsDone} statement(s)`
  return `${verb} ${step.revision} ${how} after ${step.statementsDone} statement(s): ${held}; 'strata ${verb}' resumes it ('strata history --applied' shows the row)`
}

export interface CurrentInfo {
  url: string
  versions: string[]
  /** A step a run left part-way, if the last one did. */
  unfinished: UnfinishedStep | null
}

/** `strata current`. */
export async function current(config: ConfigInput, options: ProjectOptions = {}): Promise<CurrentInfo> {
  const resolved = await resolveProject(config)
  return { url: databaseUrl(resolved, options.url).display, ...(await readCurrentState(resolved, options, true)) }
}
