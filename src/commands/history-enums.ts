/**
 * The enums the applied revisions declare, cached. MySQL and MariaDB keep no enum names, so every comparison there
 * needs the history's enums (compare-enums.ts, `diffEnumLifetimes`), and learning them means replaying every
 * applied upgrade on a model: 100–200 ms of CPU at 1,000 tables, on each `strata check`. The result depends only on
 * which revisions are applied and what their files say, so it is kept in `history-enums-<folder hash>.json` next
 * to the other caches, keyed by a sha256 of the dialect, the applied versions and the content checksum of every
 * revision the replay runs. Anything missing, damaged or keyed otherwise is ignored and the history replayed.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname } from 'node:path'
import type { ResolvedConfig } from '../config/load-config.js'
import type { Dialect } from '../dialects/dialect.js'
import { type RevisionGraph, planUpgrade, revisionFileChecksum } from '../revisions/index.js'
import { cacheFileFor } from '../revisions/cache-location.js'
import { sha256Hex } from '../runtime/lazy-hash.js'
import type { EnumModel, SchemaModel } from '../schema/model.js'

/** Bumped whenever what the replay yields for the same files could change shape (not for every strata release). */
const FORMAT = 1

let strataVersion: string | undefined

/** The package version: a release may replay the same files differently. */
function strataRelease(): string {
  strataVersion ??= (createRequire(import.meta.url)('../../package.json') as { version: string }).version
  return strataVersion
}

/**
 * The cache key of the history behind `versions`, or undefined when it cannot be keyed exactly (a revision whose
 * checksum is unknown, caching off, or versions that are not a replayable set: historyModel decides those).
 */
export function historyEnumsKey(graph: RevisionGraph, dialect: Dialect, versions: readonly string[]): string | undefined {
  if (versions.length === 0) return undefined
  if (versions.length > 1 && [...graph.heads].sort().join() !== [...versions].sort().join()) return undefined
  let steps
  try {
    steps = planUpgrade(graph, [], versions.length === 1 ? versions[0]! : 'heads')
  } catch {
    return undefined
  }
  const parts: string[] = [String(FORMAT), strataRelease(), dialect.name, [...versions].sort().join(',')]
  for (const step of steps) {
    const checksum = revisionFileChecksum(step.revision)
    if (!checksum) return undefined
    parts.push(`${step.direction} ${step.revision.revision} ${checksum}`)
  }
  return sha256Hex(parts.join('\n'))
}

function isEnum(value: unknown): value is EnumModel {
  if (typeof value !== 'object' || value === null) return false
  const e = value as Record<string, unknown>
  return (
    typeof e.name === 'string' &&
    (e.schema === undefined || e.schema === null || typeof e.schema === 'string') &&
    Array.isArray(e.values) &&
    e.values.every((v) => typeof v === 'string') &&
    (e.renamedValues === undefined || (typeof e.renamedValues === 'object' && e.renamedValues !== null && Object.values(e.renamedValues).every((v) => typeof v === 'string')))
  )
}

/** The enums stored under `key`, or undefined (no file, another key, damaged). */
export function readHistoryEnums(versionsDir: string, key: string): EnumModel[] | undefined {
  const file = cacheFileFor(versionsDir, 'history-enums', 'json')
  if (!file) return undefined
  try {
    const stored = JSON.parse(readFileSync(file, 'utf8')) as { format?: unknown; key?: unknown; enums?: unknown }
    if (stored.format !== FORMAT || stored.key !== key || !Array.isArray(stored.enums) || !stored.enums.every(isEnum)) return undefined
    return stored.enums
  } catch {
    return undefined
  }
}

/** Stores the history's enums under `key` (atomically; a failure only costs the next check its speed). */
export function writeHistoryEnums(versionsDir: string, key: string, enums: readonly EnumModel[]): void {
  const file = cacheFileFor(versionsDir, 'history-enums', 'json')
  if (!file) return
  const temp = `${file}.${process.pid}.tmp`
  try {
    mkdirSync(dirname(file), { recursive: true })
    writeFileSync(temp, JSON.stringify({ format: FORMAT, key, enums }))
    renameSync(temp, file)
  } catch {
    rmSync(temp, { force: true })
  }
}

/**
 * The history's enums: from the cache when its key matches, else from `replay()` (the whole history model), which
 * then fills the cache. Undefined when the history cannot be replayed (compare works from the database alone).
 */
export async function historyEnums(
  config: ResolvedConfig,
  graph: RevisionGraph,
  dialect: Dialect,
  versions: readonly string[],
  replay: () => Promise<SchemaModel | undefined>,
): Promise<EnumModel[] | undefined> {
  if (versions.length === 0) return []
  const key = historyEnumsKey(graph, dialect, versions)
  const cached = key ? readHistoryEnums(config.versionsDir, key) : undefined
  if (cached) return cached
  const model = await replay()
  if (model && key) writeHistoryEnums(config.versionsDir, key, model.enums)
  return model?.enums
}
