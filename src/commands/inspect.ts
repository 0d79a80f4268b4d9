import { StrataError } from '../config/errors.js'
import { type ResolvedConfig, connectOptions } from '../config/load-config.js'
import { connect, maskSecret } from '../runtime/run-session.js'
import { databaseIsThere } from './current.js'
import { type ChangedFile, verifyChecksums } from '../runtime/verify.js'
import { type HistoryRow, VersionStore } from '../runtime/version-store.js'
import { type ConfigInput, type ProjectOptions, databaseOf, loadGraph, resolveProject } from './project.js'

async function readTables(config: ResolvedConfig, options: ProjectOptions): Promise<{ versions: string[]; history: HistoryRow[] }> {
  const { url, dialect } = await databaseOf(config, options)
  if (!(await databaseIsThere(dialect, url, connectOptions(config)))) return { versions: [], history: [] }
  const connection = await connect(dialect, url, connectOptions(config))
  try {
    const store = new VersionStore(dialect, config.versionTable, config.historyTable)
    return { versions: (await store.readVersions(connection)) ?? [], history: (await store.readHistory(connection)) ?? [] }
  } catch (error) {
    throw new StrataError(`cannot read strata's tables in ${url.display}: ${maskSecret((error as Error).message, url)}`)
  } finally {
    await connection.close().catch(() => undefined)
  }
}

/** `strata history --applied`: the recorded steps, oldest first. */
export async function appliedHistory(config: ConfigInput, options: ProjectOptions = {}): Promise<HistoryRow[]> {
  return (await readTables(await resolveProject(config), options)).history
}

/** `strata verify`: applied revision files whose content changed since they ran. */
export async function verify(config: ConfigInput, options: ProjectOptions = {}): Promise<ChangedFile[]> {
  const resolved = await resolveProject(config)
  const { versions, history } = await readTables(resolved, options)
  return verifyChecksums(loadGraph(resolved), versions, history)
}
