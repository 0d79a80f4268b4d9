import type { ResolvedConfig } from '../config/load-config.js'
import type { DialectName } from '../dialects/dialect.js'
import { Operations } from '../operations/api.js'
import { type RevisionGraph, planUpgrade } from '../revisions/index.js'
import { withMigrationModules } from '../runtime/migration-module.js'
import { ModelSink } from '../runtime/offline.js'
import { type SchemaModel, emptySchema } from '../schema/model.js'

/**
 * The schema as the applied revisions declare it: their upgrades replayed on a model, as offline mode does. It
 * knows what the database cannot tell (enum names on MySQL, enums no column uses on SQLite, checks and defaults
 * as written rather than as the server re-spells them), so autogenerate can write migrations that read the same
 * on every dialect. Null when a revision cannot be replayed offline (it reads data with `op.query`, say): compare
 * then works from the reflected schema alone.
 */
export async function historyModel(config: ResolvedConfig, graph: RevisionGraph, dialect: DialectName, versions: string[]): Promise<SchemaModel | null> {
  if (versions.length === 0) return emptySchema()
  try {
    const steps = planUpgrade(graph, [], versions.length === 1 ? versions[0]! : 'heads')
    if (versions.length > 1 && [...graph.heads].sort().join() !== [...versions].sort().join()) return null
    const model = emptySchema()
    const sink = new ModelSink(model)
    await withMigrationModules(
      steps.map((step) => step.revision),
      async (modules) => {
        for (const module of modules) {
          const op = new Operations(sink, config.naming)
          await module.upgrade({ op, dialect, offline: true })
          await op.drain()
        }
      },
    )
    return model
  } catch {
    return null
  }
}
