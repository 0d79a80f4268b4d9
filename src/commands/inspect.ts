import { StrataError } from '../config/errors.js'
import { type ResolvedConfig, connectOptions } from '../config/load-config.js'
import { connect, maskSecret } from '../runtime/run-session.js'
import { databaseIsThere } from './current.js'
import { type ChangedFile, type VerifyProblem, verifyApplied, verifyChecksums } from '../runtime/verify.js'
import { maskPasswords } from '../runtime/url.js'
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
    throw new StrataError(`cannot read strata's tables in ${url.display}: ${maskSecret((error as Error).message, url)}`, { code: 'database', cause: error })
  } finally {
    await connection.close().catch(() => undefined)
  }
}

/**
 * `strata history --applied`: the recorded steps, oldest first. A recorded error may quote a statement that held
 * the URL's password: it is masked here, on the way out.
 */
export async function appliedHistory(config: ConfigInput, options: ProjectOptions = {}): Promise<HistoryRow[]> {
  const { history } = await readTables(await resolveProject(config), options)
  return history.map((row) => (row.error === null ? row : { ...row, error: maskPasswords(row.error) }))
}

export interface VerifyResult {
  /** True when nothing is wrong (the exit code of `strata verify`). */
  ok: boolean
  /** Everything wrong, one entry per line `strata verify` prints. */
  problems: VerifyProblem[]
  /** The applied files whose content changed since they ran (the `changed-file` problems, with both checksums). */
  changed: ChangedFile[]
}

/** `strata verify`: applied revision files that changed since they ran, and applied revisions no file defines any more. */
export async function verify(config: ConfigInput, options: ProjectOptions = {}): Promise<VerifyResult> {
  const resolved = await resolveProject(config)
  const { versions, history } = await readTables(resolved, options)
  const graph = loadGraph(resolved)
  const problems = verifyApplied(graph, versions, history)
  return { ok: problems.length === 0, problems, changed: verifyChecksums(graph, versions, history) }
}
