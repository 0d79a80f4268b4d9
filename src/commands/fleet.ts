/**
 * Fleets: the same migrations on many databases (`databases` in the config: name → URL) and/or many PostgreSQL
 * schemas of one database (`tenantSchemas`). Runs a bounded number at once; a failure in one never hides the
 * others; a database already at the target is only read (no lock, no write), so a rerun touches only the rest.
 */
import { StrataError, UsageError } from '../config/errors.js'
import type { ResolvedConfig } from '../config/load-config.js'
import { databaseUrl } from '../config/load-config.js'
import { dialectEntry } from '../dialects/registry.js'
import type { RunOptions } from '../runtime/runner.js'
import { readCurrentVersions } from './current.js'
import { type ConfigInput, loadGraph, resolveProject } from './project.js'
import { upgrade } from './run.js'
import { unknownCurrentError } from '../revisions/plan.js'
import type { RevisionGraph } from '../revisions/index.js'
import { maskPasswords } from '../runtime/url.js'

export interface FleetTarget {
  name: string
  url: string
}

/**
 * `behind`: not at the heads (`current`, `check` without allowBehind). `clean`/`drifted`: `check` found no
 * difference / some. `verified`/`changed`: `verify` found every applied file intact / a problem. `read`:
 * `history --applied` read the steps.
 */
export type FleetStatus = 'upgraded' | 'at target' | 'behind' | 'clean' | 'drifted' | 'verified' | 'changed' | 'read' | 'failed' | 'not run'

export interface FleetResult {
  database: string
  from: string[]
  to: string[]
  durationMs: number
  status: FleetStatus
  error?: string
}

export interface FleetOptions extends RunOptions {
  /** Databases migrated at once (default 4). */
  concurrency?: number
  /** Keep starting databases after one failed (default: stop starting new ones; running ones finish). */
  continueOnError?: boolean
  /** Called once, with the number of databases, before any starts. */
  onTargets?: (count: number) => void
  /** Called as each database starts. */
  onStart?: (database: string) => void
  /** Called as each database finishes. */
  onResult?: (result: FleetResult) => void
}

/** The first line of an error, without a password. */
export const errorLine = (error: unknown) => maskPasswords((error as Error)?.message ?? String(error)).split('\n')[0] ?? ''

/** A PostgreSQL URL whose sessions work in `schema` (search_path), where strata keeps its tables too. */
function schemaUrl(base: string, schema: string): string {
  const url = new URL(base)
  url.searchParams.set('options', `-c search_path="${schema.replace(/"/g, '""')}"`)
  return url.toString()
}

/** Every database of the fleet, in config order: `databases` first, then `tenantSchemas` on the config's URL. */
export async function fleetTargets(config: ResolvedConfig): Promise<FleetTarget[]> {
  const { databases, tenantSchemas } = config.config
  if (databases === undefined && tenantSchemas === undefined)
    throw new UsageError(`--all needs 'databases' (name → URL) or 'tenantSchemas' in ${config.file}`)
  const targets: FleetTarget[] = []
  const named = typeof databases === 'function' ? await databases() : (databases ?? {})
  for (const [name, url] of Object.entries(named)) targets.push({ name, url })
  const schemas = typeof tenantSchemas === 'function' ? await tenantSchemas() : (tenantSchemas ?? [])
  if (schemas.length > 0) {
    const base = databaseUrl(config)
    if (!dialectEntry(base.dialect).features.schemas)
      throw new StrataError(`'tenantSchemas' needs a database with schemas (PostgreSQL); ${base.display} has none`, { code: 'config' })
    for (const schema of schemas) targets.push({ name: schema, url: schemaUrl(config.urlText!, schema) })
  }
  const seen = new Set<string>()
  for (const t of targets) {
    if (seen.has(t.name)) throw new StrataError(`the fleet names '${t.name}' twice (databases and tenantSchemas share one namespace)`, { code: 'config' })
    seen.add(t.name)
  }
  return targets
}

export const sameSet = (a: string[], b: string[]) => a.length === b.length && a.every((x) => b.includes(x))

async function upgradeOne(config: ResolvedConfig, target: FleetTarget, revision: string, heads: string[] | undefined, options: RunOptions): Promise<FleetResult> {
  const started = performance.now()
  let from: string[] = []
  const result = (status: FleetStatus, to: string[], error?: string): FleetResult => ({
    database: target.name,
    from,
    to,
    durationMs: Math.round(performance.now() - started),
    status,
    ...(error === undefined ? {} : { error }),
  })
  try {
    from = await readCurrentVersions(config, { url: target.url })
    // Already there: read only, so a rerun touches nothing that is done.
    if (heads && sameSet(from, heads)) return result('at target', from)
    const run = await upgrade(config, revision, { ...options, url: target.url })
    return result(run.steps.length > 0 ? 'upgraded' : 'at target', run.heads)
  } catch (error) {
    return result('failed', from, errorLine(error))
  }
}

/** Runs `each` on every target, `concurrency` at a time; results in fleet order, 'not run' for any not started. */
export async function eachTarget<R extends FleetResult>(targets: FleetTarget[], options: FleetOptions, each: (target: FleetTarget) => Promise<R>): Promise<(R | FleetResult)[]> {
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 4))
  const results: R[] = new Array(targets.length)
  options.onTargets?.(targets.length)
  let next = 0
  let stop = false
  const worker = async () => {
    while (!stop && next < targets.length) {
      const index = next++
      options.onStart?.(targets[index]!.name)
      const r = await each(targets[index]!)
      results[index] = r
      options.onResult?.(r)
      if (r.status === 'failed' && !options.continueOnError) stop = true
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, targets.length) }, worker))
  return targets.map((t, i) => results[i] ?? { database: t.name, from: [], to: [], durationMs: 0, status: 'not run' as const })
}

/**
 * A read-only verb on every database (never stops early: reading one cannot harm another). `read` gets the
 * database's version rows and returns its status and extra fields; `to` is the heads.
 */
export async function readFleet<Extra extends object>(
  config: ResolvedConfig,
  options: FleetOptions,
  read: (target: FleetTarget, from: string[], heads: string[]) => Promise<{ status: FleetStatus } & Extra>,
): Promise<(FleetResult & Partial<Extra>)[]> {
  const heads = loadGraph(config).heads
  const results = await eachTarget(await fleetTargets(config), { ...options, continueOnError: true }, async (target): Promise<FleetResult & Partial<Extra>> => {
    const started = performance.now()
    let from: string[] = []
    const timed = () => ({ database: target.name, from, to: heads, durationMs: Math.round(performance.now() - started) })
    try {
      from = await readCurrentVersions(config, { url: target.url })
      return { ...timed(), ...(await read(target, from, heads)) }
    } catch (error) {
      return { ...timed(), status: 'failed', error: errorLine(error) } as FleetResult & Partial<Extra>
    }
  })
  // Every target is started (continueOnError), so no 'not run' result lacks the extra fields by surprise.
  return results as (FleetResult & Partial<Extra>)[]
}

/**
 * 'behind' when the database is not at the heads; throws (the database then counts as failed) when it is at a
 * revision no file has: nothing here can bring it to the heads, as `upgrade` says.
 */
export function behindOrFailed(graph: RevisionGraph, from: string[], heads: string[]): 'behind' | undefined {
  const unknown = from.filter((id) => !graph.has(id))
  if (unknown.length > 0) throw unknownCurrentError(graph, unknown)
  return sameSet(from, heads) ? undefined : 'behind'
}

/** `strata current --all`: the version rows of every database (read only), each `at target` or `behind`. */
export async function currentFleet(config: ConfigInput, options: FleetOptions = {}): Promise<FleetResult[]> {
  const resolved = await resolveProject(config)
  const graph = loadGraph(resolved)
  return readFleet(resolved, options, async (_target, from, heads) => ({ status: behindOrFailed(graph, from, heads) ?? 'at target' }))
}

/** `strata upgrade TARGET --all`: every database of the fleet, `concurrency` at a time. Results in fleet order. */
export async function upgradeFleet(input: ConfigInput, revision = 'head', options: FleetOptions = {}): Promise<FleetResult[]> {
  const config = await resolveProject(input)
  const targets = await fleetTargets(config)
  const graph = loadGraph(config)
  // For head/heads the goal is known without a lock: a database already there is skipped after one read.
  const heads = revision === 'head' || revision === 'heads' ? graph.heads : undefined
  return eachTarget(targets, options, (target) => upgradeOne(config, target, revision, heads, options))
}
