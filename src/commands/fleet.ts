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
import { loadGraph } from './project.js'
import { upgrade } from './run.js'

export interface FleetTarget {
  name: string
  url: string
}

/** `behind`: `current --all` found a database not at head. */
export type FleetStatus = 'upgraded' | 'at target' | 'behind' | 'failed' | 'not run'

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
  /** Called as each database finishes. */
  onResult?: (result: FleetResult) => void
}

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

const sameSet = (a: string[], b: string[]) => a.length === b.length && a.every((x) => b.includes(x))

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
    return result('failed', from, ((error as Error)?.message ?? String(error)).split('\n')[0])
  }
}

/** Runs `each` on every target, `concurrency` at a time; results in fleet order, 'not run' for any not started. */
async function eachTarget(targets: FleetTarget[], options: FleetOptions, each: (target: FleetTarget) => Promise<FleetResult>): Promise<FleetResult[]> {
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 4))
  const results: FleetResult[] = new Array(targets.length)
  let next = 0
  let stop = false
  const worker = async () => {
    while (!stop && next < targets.length) {
      const index = next++
      const r = await each(targets[index]!)
      results[index] = r
      options.onResult?.(r)
      if (r.status === 'failed' && !options.continueOnError) stop = true
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, targets.length) }, worker))
  return targets.map((t, i) => results[i] ?? { database: t.name, from: [], to: [], durationMs: 0, status: 'not run' as const })
}

/** `strata current --all`: the version rows of every database (read only; `to` is left empty). */
export async function currentFleet(config: ResolvedConfig, options: FleetOptions = {}): Promise<FleetResult[]> {
  const heads = loadGraph(config).heads
  return eachTarget(await fleetTargets(config), { continueOnError: true, ...options }, async (target) => {
    const started = performance.now()
    const durationMs = () => Math.round(performance.now() - started)
    try {
      const from = await readCurrentVersions(config, { url: target.url })
      return { database: target.name, from, to: heads, durationMs: durationMs(), status: sameSet(from, heads) ? 'at target' : 'behind' }
    } catch (error) {
      return { database: target.name, from: [], to: [], durationMs: durationMs(), status: 'failed', error: ((error as Error)?.message ?? String(error)).split('\n')[0] }
    }
  })
}

/** `strata upgrade TARGET --all`: every database of the fleet, `concurrency` at a time. Results in fleet order. */
export async function upgradeFleet(config: ResolvedConfig, revision = 'head', options: FleetOptions = {}): Promise<FleetResult[]> {
  const targets = await fleetTargets(config)
  const graph = loadGraph(config)
  // For head/heads the goal is known without a lock: a database already there is skipped after one read.
  const heads = revision === 'head' || revision === 'heads' ? graph.heads : undefined
  return eachTarget(targets, options, (target) => upgradeOne(config, target, revision, heads, options))
}
