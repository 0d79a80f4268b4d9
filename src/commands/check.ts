import type { DetectedChange } from '../autogenerate/index.js'
import { replaySchema } from '../runtime/offline.js'
import { compareWithDatabase, type CompareOptions } from './autogenerate.js'
import { readCurrentVersions } from './current.js'
import { upgrade } from './run.js'
import { dialectEntry } from '../dialects/registry.js'
import { UsageError } from '../errors.js'
import type { ResolvedConfig } from '../config/load-config.js'
import { type ConfigInput, databaseOf, loadGraph, resolveProject } from './project.js'

export interface CheckOptions extends Pick<CompareOptions, 'url' | 'log' | 'renames'> {
  /**
   * A database behind the heads is compared with the schema its applied revisions define (their upgrades replayed
   * on a model), instead of failing: the schema files describe the heads, not that database.
   */
  allowBehind?: boolean
  /**
   * Replay every revision's upgrade on a throwaway in-process database of the same family (PGlite for PostgreSQL)
   * and compare that with the schema files: drift between the migrations and the schema, without touching the
   * configured database. One such database per process.
   */
  replay?: boolean
}

/**
 * `strata check`: the differences between the schema files and the database (empty when they agree). The database
 * must be at the heads, unless `allowBehind`. Named `checkSchema` because `check` is the table extra for a CHECK
 * constraint.
 */
export async function checkSchema(config: ConfigInput, options: CheckOptions = {}): Promise<DetectedChange[]> {
  const resolved = await resolveProject(config)
  const { allowBehind, replay, ...compare } = options
  if (replay) return replayAndCompare(resolved, compare)
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

/** `check --replay`: the history replayed on the family's throwaway database, compared with the schema files. */
async function replayAndCompare(config: ResolvedConfig, options: Omit<CheckOptions, 'allowBehind' | 'replay'>): Promise<DetectedChange[]> {
  const { dialect } = await databaseOf(config, options)
  const url = dialectEntry(dialect.name).replayUrl
  if (!url) throw new UsageError(`check --replay needs a throwaway database of the same kind, which strata has only for PostgreSQL (PGlite): ${dialect.schemaRules.displayName} has none`)
  await upgrade(config, 'heads', { url })
  return (await compareWithDatabase(config, { ...options, url })).changes
}
