import type { DetectedChange } from '../autogenerate/index.js'
import { replaySchema } from '../runtime/offline.js'
import { compareWithDatabase, type CompareOptions } from './autogenerate.js'
import { readCurrentVersions } from './current.js'
import { type ConfigInput, databaseOf, loadGraph, resolveProject } from './project.js'

export interface CheckOptions extends Pick<CompareOptions, 'url' | 'log' | 'renames'> {
  /**
   * A database behind the heads is compared with the schema its applied revisions define (their upgrades replayed
   * on a model), instead of failing: the schema files describe the heads, not that database.
   */
  allowBehind?: boolean
}

/**
 * `strata check`: the differences between the schema files and the database (empty when they agree). The database
 * must be at the heads, unless `allowBehind`. Named `checkSchema` because `check` is the table extra for a CHECK
 * constraint.
 */
export async function checkSchema(config: ConfigInput, options: CheckOptions = {}): Promise<DetectedChange[]> {
  const resolved = await resolveProject(config)
  const { allowBehind, ...compare } = options
  if (allowBehind) {
    const graph = loadGraph(resolved)
    const versions = await readCurrentVersions(resolved, compare)
    const atHeads = [...versions].sort().join() === [...graph.heads].sort().join()
    if (!atHeads) {
      const { dialect } = await databaseOf(resolved, compare)
      const target = await replaySchema(resolved, dialect, graph, versions)
      return (await compareWithDatabase(resolved, { ...compare, allowBehind: true, target })).changes
    }
  }
  return (await compareWithDatabase(resolved, { ...compare, behindHint: ", or compare it with its applied revisions: 'strata check --allow-behind'" })).changes
}
