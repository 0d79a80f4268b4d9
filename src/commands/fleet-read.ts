/**
 * The read-only fleet verbs: `check --all`, `verify --all` and `history --applied --all`. Every database is read
 * (a failure or a drift in one never stops or hides the others); each result carries what the single-database
 * verb returns, under its own key.
 */
import { UsageError } from '../config/errors.js'
import type { HistoryRow } from '../runtime/version-store.js'
import type { VerifyProblem } from '../runtime/verify.js'
import { checkSchema } from './check.js'
import { type FleetOptions, type FleetResult, behindOrFailed, readFleet } from './fleet.js'
import { appliedHistory, verify } from './inspect.js'
import { type ConfigInput, loadGraph, resolveProject } from './project.js'

/** One difference `check` found, as `strata check --json` prints it. */
export interface FleetChange {
  kind: string
  message: string
  warning?: string
}

export interface CheckFleetOptions extends FleetOptions {
  /** A database behind the heads is compared with its applied revisions (else it is reported `behind`). */
  allowBehind?: boolean
}

export type CheckFleetResult = FleetResult & { changes?: FleetChange[] }
export type VerifyFleetResult = FleetResult & { problems?: VerifyProblem[] }
export type HistoryFleetResult = FleetResult & { history?: HistoryRow[] }

/** `strata check --all`: each database `clean`, `drifted` (with its `changes`), `behind` or `failed`. */
export async function checkFleet(input: ConfigInput, options: CheckFleetOptions = {}): Promise<CheckFleetResult[]> {
  if ((options as { replay?: unknown }).replay) throw new UsageError('check --replay compares the migrations with the schema files, not a database: it cannot take --all')
  const config = await resolveProject(input)
  const graph = loadGraph(config)
  return readFleet(config, options, async (target, from, heads) => {
    if (behindOrFailed(graph, from, heads) && !options.allowBehind) return { status: 'behind' as const }
    const detected = await checkSchema(config, { url: target.url, allowBehind: options.allowBehind === true })
    const changes = detected.map((c) => ({ kind: c.operation.kind, message: c.message, ...(c.warning ? { warning: c.warning } : {}) }))
    return { status: changes.length === 0 ? ('clean' as const) : ('drifted' as const), changes }
  })
}

/** `strata verify --all`: each database `verified`, `changed` (with its `problems`) or `failed`. */
export async function verifyFleet(input: ConfigInput, options: FleetOptions = {}): Promise<VerifyFleetResult[]> {
  const config = await resolveProject(input)
  return readFleet(config, options, async (target) => {
    const { problems } = await verify(config, { url: target.url })
    return { status: problems.length === 0 ? ('verified' as const) : ('changed' as const), problems }
  })
}

/** `strata history --applied --all`: each database's recorded steps, oldest first. */
export async function appliedHistoryFleet(input: ConfigInput, options: FleetOptions = {}): Promise<HistoryFleetResult[]> {
  const config = await resolveProject(input)
  return readFleet(config, options, async (target) => ({ status: 'read' as const, history: await appliedHistory(config, { url: target.url }) }))
}
