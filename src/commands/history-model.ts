import type { ResolvedConfig } from '../config/load-config.js'
import type { Dialect } from '../dialects/dialect.js'
import { type RevisionGraph, planUpgrade } from '../revisions/index.js'
import { replaySteps } from '../runtime/offline.js'
import { type SchemaModel, emptySchema } from '../schema/model.js'

/**
 * The schema as the applied revisions declare it: their upgrades replayed on a model, as offline mode does. It
 * knows what the database cannot tell (enum names on MySQL, enums no column uses on SQLite, checks and defaults
 * as written rather than as the server re-spells them), so autogenerate can write migrations that read the same
 * on every dialect. Null when a revision cannot be replayed offline (it reads data with `op.query`, say): compare
 * then works from the reflected schema alone.
 */
export async function historyModel(config: ResolvedConfig, graph: RevisionGraph, dialect: Dialect, versions: string[]): Promise<SchemaModel | null> {
  if (versions.length === 0) return emptySchema()
  try {
    if (versions.length > 1 && [...graph.heads].sort().join() !== [...versions].sort().join()) return null
    const model = emptySchema()
    await replaySteps(planUpgrade(graph, [], versions.length === 1 ? versions[0]! : 'heads'), model, config, dialect)
    return model
  } catch {
    return null
  }
}
