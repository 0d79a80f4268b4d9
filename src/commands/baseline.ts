import { existsSync, rmSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { compareSchemas, renderOperations } from '../autogenerate/index.js'
import { StrataError, UsageError } from '../errors.js'
import { isValidRevisionId, newRevisionId, renderRevisionFile, slugify, writeRevisionFile } from '../revisions/script-writer.js'
import { emptySchema } from '../schema/model.js'
import { compareWithDatabase } from './autogenerate.js'
import { DEFAULT_SCHEMA_FILE, type InitOptions, type InitResult, init } from './init.js'
import { type PullResult, pull } from './pull.js'
import { type ConfigInput, type ProjectOptions, databaseOf, loadGraph, resolveProject } from './project.js'
import { formatSource, wrapLongImport } from './revision.js'
import { stamp } from './run.js'
import { type ForeignHistory, detectForeignHistory, recordTakeover } from './takeover.js'
import type { ResolvedConfig } from '../config/load-config.js'
import { loadDialect } from '../runtime/dialects.js'
import { missingFolders, removeEmptyFolders } from '../runtime/created-folders.js'
import { connect } from '../runtime/runner.js'
import { type DatabaseUrl, parseDatabaseUrl } from '../runtime/url.js'
import { VersionStore } from '../runtime/version-store.js'
export { BASELINE_DOWNGRADE_ENV } from '../revisions/baseline-guard.js'

export interface BaselineOptions extends ProjectOptions {
  message?: string
  /** The baseline's id (e.g. the Alembic head it takes over from); random by default. */
  revId?: string
  /** Another tool's history the baseline takes over: recorded in strata's history table. */
  takeover?: ForeignHistory
}

export interface BaselineResult {
  path: string
  revision: string
  /** Operations in the baseline's upgrade. */
  operations: number
}

const INDENT = '  '

/** Going below a baseline drops the schema the database had before strata: the downgrade refuses unless asked. */
function guardedDowngrade(body: string): string {
  return [`${INDENT}// A baseline: the tables existed before strata. Going below it drops all of them, data included.`, `${INDENT}refuseBelowBaseline()`, body].join('\n')
}

async function recordTakeoverAt(config: ResolvedConfig, options: ProjectOptions, revision: string, foreign: ForeignHistory): Promise<void> {
  const { url, dialect } = await databaseOf(config, options)
  const connection = await connect(dialect, url)
  try {
    await recordTakeover(connection, new VersionStore(dialect, config.versionTable, config.historyTable), revision, foreign)
  } finally {
    await connection.close().catch(() => undefined)
  }
}

/**
 * `strata revision --baseline`: a root revision whose upgrade creates the whole current schema (what the schema
 * files declare, which must match the database) and whose downgrade drops it; the database is then stamped at it
 * without running it. Fresh databases are built from base; offline scripts start from a known schema.
 */
export async function baseline(input: ConfigInput, options: BaselineOptions = {}): Promise<BaselineResult> {
  const config = await resolveProject(input)
  const graph = loadGraph(config)
  if (graph.heads.length > 0)
    throw new StrataError(`a baseline starts the history, and ${config.versionsDir} already holds revisions: autogenerate a revision instead`, { code: 'revision' })
  const id = options.revId ?? newRevisionId()
  if (!isValidRevisionId(id)) throw new UsageError(`invalid --rev-id '${id}': use lowercase letters, digits and _ (at most 32)`)
  const comparison = await compareWithDatabase(config, { ...options, allowBehind: true })
  if (comparison.changes.length > 0)
    throw new StrataError(
      `the schema files and the database differ (${comparison.changes.length} change(s), first: ${comparison.changes[0]!.message}): run 'strata pull --force' or fix the schema files, then make the baseline`,
      { code: 'revision' },
    )
  const { dialect } = await databaseOf(config, options)
  const created = await compareSchemas(comparison.target, emptySchema(), {
    dialect,
    ...(config.config.include ? { include: config.config.include } : {}),
    ...(config.config.exclude ? { exclude: config.config.exclude } : {}),
    ...(config.config.schemas ? { managedSchemas: config.config.schemas } : {}),
    ignoreTables: [config.versionTable, config.historyTable],
  })
  const body = renderOperations(created, { dialect: dialect.name })
  const message = options.message ?? 'baseline'
  const content = renderRevisionFile({
    revision: id,
    message,
    downRevision: null,
    upgrade: body.upgrade,
    downgrade: guardedDowngrade(body.downgrade),
    imports: [...body.imports, 'refuseBelowBaseline'],
  })
  const fileName = `${config.fileTemplate.replaceAll('{rev}', id).replaceAll('{slug}', slugify(message))}.ts`
  const path = writeRevisionFile(config.versionsDir, fileName, await formatSource(config, wrapLongImport(content)))
  await stamp(config, [id], options)
  if (options.takeover) await recordTakeoverAt(config, options, id, options.takeover)
  return { path, revision: id, operations: created.length }
}

export interface InitFromDatabaseOptions extends InitOptions {
  /** The baseline's message (default 'baseline') and id. */
  message?: string
  revId?: string
  log?: (line: string) => void
}

export interface InitFromDatabaseResult {
  init: InitResult
  pull: PullResult
  baseline: BaselineResult
  /** The other migration tool taken over from, if the database had one. */
  takeover: ForeignHistory | null
}

/**
 * `strata init --from-database`: the first adoption in one go. Writes the config and migrations folder, pulls
 * the schema file from the database, makes the baseline and stamps the database at it. A failure removes what it
 * wrote.
 */
export async function initFromDatabase(options: InitFromDatabaseOptions): Promise<InitFromDatabaseResult> {
  const url = options.url ?? process.env.DATABASE_URL
  if (!url) throw new UsageError('init --from-database needs the database: pass --url URL or set DATABASE_URL')
  const cwd = options.cwd ?? process.cwd()
  const foreign = await foreignHistoryAt(url, cwd)
  const takesOverAlembic = foreign?.tool === 'alembic'
  const settings: Record<string, string> = takesOverAlembic ? { versionTable: "'alembic_version'" } : foreign ? { exclude: namesLiteral(foreign.tables) } : {}
  const created = init({ ...options, url, settings })
  const schemaFile = resolve(cwd, options.schema ?? DEFAULT_SCHEMA_FILE)
  const schemaExisted = existsSync(schemaFile)
  // The schema file's folders that pull would create (src/db/): taken back with the file on failure.
  const schemaFolders = missingFolders(dirname(schemaFile))
  // Alembic's head becomes the baseline's id: the version row stays valid for strata (and for Alembic).
  const alembicHead = takesOverAlembic && foreign.applied.length === 1 && isValidRevisionId(foreign.applied[0]!) ? foreign.applied[0] : undefined
  const revId = options.revId ?? alembicHead
  try {
    const pulled = await pull(created.configFile, { url, ...(options.log ? { log: options.log } : {}) })
    const made = await baseline(created.configFile, { url, message: options.message ?? 'baseline', ...(revId ? { revId } : {}), ...(foreign ? { takeover: foreign } : {}) })
    return { init: created, pull: pulled, baseline: made, takeover: foreign }
  } catch (error) {
    rmSync(created.configFile, { force: true })
    rmSync(created.migrationsDir, { recursive: true, force: true })
    if (!schemaExisted) rmSync(schemaFile, { force: true })
    removeEmptyFolders(schemaFolders)
    throw error
  }
}

function namesLiteral(names: string[]): string {
  return `[${names.map((n) => `'${n}'`).join(', ')}]`
}

async function foreignHistoryAt(urlText: string, cwd: string): Promise<ForeignHistory | null> {
  let url: DatabaseUrl
  try {
    url = parseDatabaseUrl(urlText, cwd)
  } catch (error) {
    throw new StrataError((error as Error).message, { code: 'url' })
  }
  const dialect = await loadDialect(url.dialect)
  if (!(await dialect.databaseExists(url))) throw new StrataError(`database ${url.display} does not exist: nothing to adopt`, { code: 'pull' })
  const connection = await connect(dialect, url)
  try {
    return await detectForeignHistory(connection, dialect)
  } finally {
    await connection.close().catch(() => undefined)
  }
}
