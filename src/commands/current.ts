import { StrataError } from '../config/errors.js'
import type { ResolvedConfig } from '../config/load-config.js'
import { connect } from '../runtime/runner.js'
import { VersionStore } from '../runtime/version-store.js'
import { type ConfigInput, type ProjectOptions, databaseOf, resolveProject } from './project.js'

/**
 * The version rows, read without creating anything: no database file, no version table, no lock.
 * Returns [] for a database strata never touched.
 */
export async function readCurrentVersions(config: ResolvedConfig, options: ProjectOptions = {}): Promise<string[]> {
  const { url, dialect } = await databaseOf(config, options)
  if (!(await dialect.databaseExists(url).catch(() => true))) return []
  const connection = await connect(dialect, url)
  try {
    const store = new VersionStore(dialect, config.versionTable, config.historyTable)
    return (await store.readVersions(connection)) ?? []
  } catch (error) {
    throw new StrataError(`cannot read ${config.versionTable} in ${url.display}: ${(error as Error).message}`)
  } finally {
    await connection.close().catch(() => undefined)
  }
}

export interface CurrentInfo {
  url: string
  versions: string[]
}

/** `strata current`. */
export async function current(config: ConfigInput, options: ProjectOptions = {}): Promise<CurrentInfo> {
  const resolved = await resolveProject(config)
  const { url } = await databaseOf(resolved, options)
  return { url: url.display, versions: await readCurrentVersions(resolved, options) }
}
