import { type DetectedChange, type RenameHints, compareSchemas } from '../autogenerate/index.js'
import { StrataError } from '../config/errors.js'
import { type ResolvedConfig, connectOptions } from '../config/load-config.js'
import { loadSchemaModel } from '../config/load-schema.js'
import type { Connection, Dialect, DialectName } from '../dialects/dialect.js'
import type { RevisionGraph } from '../revisions/index.js'
import type { DatabaseUrl } from '../runtime/url.js'
import type { EnumModel, SchemaModel } from '../schema/model.js'
import { emptySchema } from '../schema/model.js'
import { VersionStore } from '../runtime/version-store.js'
import { ruleSettings } from '../lint/settings.js'
import { LEASE_TABLE } from '../runtime/lease-lock.js'
import { connectIfThere } from './current.js'
import { historyEnums } from './history-enums.js'
import { historyModel } from './history-model.js'
import { assertSchemasManaged } from './managed-schemas.js'
import { nextTurn } from '../runtime/next-turn.js'
import { type ProjectOptions, databaseOf, loadGraph } from './project.js'

export interface CompareOptions extends ProjectOptions {
  renames?: RenameHints
  /** Asked for a drop + add pair that may be a rename (the CLI passes one only when stdin is a TTY). */
  askRename?: (question: { kind: 'table' | 'column'; table?: string; from: string; to: string }) => Promise<boolean>
  /** Skip the "database is up to date" check (check does not need it). */
  allowBehind?: boolean
  /** Appended to the "not up to date" error (check names its --allow-behind). */
  behindHint?: string
  /** Compare with this model instead of the schema files. */
  target?: SchemaModel
}

export interface ComparisonResult {
  changes: DetectedChange[]
  /** The dialect of the database compared with. */
  dialect: DialectName
  target: SchemaModel
  reflected: SchemaModel
}

/** Loads the schema files, reflects the database and compares them. Reads only: the database is unchanged. */
export async function compareWithDatabase(config: ResolvedConfig, options: CompareOptions = {}): Promise<ComparisonResult> {
  const graph = loadGraph(config)
  const { url, dialect } = await databaseOf(config, options)
  // The database works on its catalog queries while this process loads the schema files: started first, awaited
  // second (errors keep their order: a broken schema file is still reported before a database problem). The
  // connection is opened and the catalog queries sent first (the driver, the handshake and each query need this
  // thread): a batch runs whole on the server while the schema loads, which yields between steps to send the next.
  const reading = readDatabase(config, graph, dialect, url, options)
  await reading.queried
  const target = options.target ?? (await loadSchemaModel(config, dialect))
  assertSchemasManaged(target, dialect, config)
  const versions = await reading.versions
  let history: Promise<SchemaModel | null> | undefined
  const loadHistory = async () => (await (history ??= historyModel(config, graph, dialect, versions))) ?? undefined
  // Without named enum types compare always needs the history's enums (enum lifetimes): read them from their
  // cache, or replay the history, while the catalog queries run. Elsewhere only changes need the history (their
  // declared spellings).
  let enums: Promise<EnumModel[] | undefined> | undefined
  const loadHistoryEnums = () => (enums ??= historyEnums(config, graph, dialect, versions, loadHistory))
  if (!dialect.features.namedEnumTypes) loadHistoryEnums().catch(() => undefined)
  const reflected = await reading.reflected
  const changes = await compareSchemas(target, reflected, {
    dialect,
    loadHistory,
    loadHistoryEnums,
    ...(options.renames ? { renames: options.renames } : {}),
    ...(config.config.include ? { include: config.config.include } : {}),
    ...(config.config.exclude ? { exclude: config.config.exclude } : {}),
    ...(config.config.includeObject ? { includeObject: config.config.includeObject } : {}),
    ...(options.askRename ? { askRename: options.askRename } : {}),
    ...(config.config.schemas ? { managedSchemas: config.config.schemas } : {}),
    ignoreTables: [config.versionTable, config.historyTable, LEASE_TABLE],
    lintRules: ruleSettings(config.config.lint, config.file),
    ...(config.config.safe === true ? { safe: true } : {}),
  })
  return { changes, dialect: dialect.name, target, reflected }
}

/**
 * Reads the database for a comparison: the version rows (it must be at the heads), then the reflected schema. Two
 * promises, so the caller can start on the versions while the catalog queries run; neither is left unhandled.
 * `queried` settles (never fails) once the catalog queries are under way, or opening failed.
 */
function readDatabase(
  config: ResolvedConfig,
  graph: RevisionGraph,
  dialect: Dialect,
  url: DatabaseUrl,
  options: CompareOptions,
): { queried: Promise<void>; versions: Promise<string[]>; reflected: Promise<SchemaModel> } {
  const opening = openAtHeads(config, graph, dialect, url, options)
  let markSent = (): void => undefined
  const sent = new Promise<void>((resolve) => (markSent = resolve))
  const reflected = opening.then(async ({ connection }) => {
    if (!connection) return emptySchema()
    try {
      const own = new Set([config.versionTable, config.historyTable])
      return await dialect.introspect(connection, {
        ...(config.config.schemas ? { schemas: config.config.schemas } : {}),
        excludeTables: (name) => own.has(name),
        naming: config.naming,
        onQueriesSent: markSent,
      })
    } finally {
      await connection.close().catch(() => undefined)
    }
  })
  // Settles when the heavy catalog queries are on the wire (plus a turn of the event loop for the driver to write
  // them), or when introspection or opening ends without saying so.
  const queried = Promise.race([sent, reflected]).then(nextTurn, nextTurn)
  const versions = opening.then(({ versions }) => versions)
  reflected.catch(() => undefined)
  versions.catch(() => undefined)
  return { queried, versions, reflected }
}

/** Connects (when the database exists) and reads the version rows; fails, connection closed, when not at the heads. */
async function openAtHeads(
  config: ResolvedConfig,
  graph: RevisionGraph,
  dialect: Dialect,
  url: DatabaseUrl,
  options: CompareOptions,
): Promise<{ connection: Connection | undefined; versions: string[] }> {
  // Only strata's reads run on this session: it may batch them (the catalog queries in one round trip).
  const connection = await connectIfThere(dialect, url, { ...connectOptions(config), readBatches: true })
  try {
    const store = new VersionStore(dialect, config.versionTable, config.historyTable)
    const versions = connection ? ((await store.readVersions(connection)) ?? []) : []
    if (!options.allowBehind) {
      const heads = [...graph.heads].sort()
      const at = [...versions].sort()
      if (heads.join() !== at.join())
        throw new StrataError(
          `the database is not up to date (at ${at.length ? at.join(', ') : 'base'}, heads are ${heads.join(', ')}): run 'strata upgrade heads' first${options.behindHint ?? ''}`,
          { code: 'not-up-to-date' },
        )
    }
    return { connection, versions }
  } catch (error) {
    await connection?.close().catch(() => undefined)
    throw error
  }
}
