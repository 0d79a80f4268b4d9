import { UsageError } from '../../config/errors.js'
import { type FleetOptions, type FleetResult, type FleetStatus, currentFleet, upgradeFleet } from '../../commands/fleet.js'
import { type HistoryFleetResult, appliedHistoryFleet, checkFleet, verifyFleet } from '../../commands/fleet-read.js'
import { resolveProject } from '../../commands/project.js'
import type { ResolvedConfig } from '../../config/load-config.js'
import { FleetProgress, PROBLEM_STATUSES, seconds } from '../fleet-progress.js'
import { type GlobalOptions, out, outLines, printJson, stdout } from '../output.js'
import { runOptions } from './run.js'

const short = (revs: string[]) => (revs.length === 0 ? 'base' : revs.join(','))

function table(results: FleetResult[]): string[] {
  const rows = [['database', 'from', 'to', 'duration', 'status'], ...results.map((r) => [r.database, short(r.from), short(r.to), seconds(r.durationMs), r.status])]
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)))
  return rows.map((row) => row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd())
}

function fleetOptions(options: Record<string, unknown>): { concurrency?: number } {
  if (options.url !== undefined) throw new UsageError('--all runs on the databases of the config; it cannot take --url')
  if (options.concurrency === undefined) return {}
  const concurrency = Number(options.concurrency)
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new UsageError(`--concurrency must be a whole number of at least 1, got '${String(options.concurrency)}'`)
  return { concurrency }
}

/** The statuses a verb's summary counts, and those of them that make it exit 1. */
interface VerbStatuses {
  shown: readonly FleetStatus[]
  problems: readonly FleetStatus[]
}

/** The summary table and counts, or one JSON document; exit 1 when any database has a problem status. */
function report(results: FleetResult[], { shown: statuses, problems }: VerbStatuses, json: Record<string, unknown> | undefined): number {
  const failed = results.filter((r) => problems.includes(r.status)).length
  if (json) printJson({ ...json, results, failed })
  else {
    out()
    outLines(table(results))
    out(`${results.length} databases: ${statuses.map((s) => `${results.filter((r) => r.status === s).length} ${s}`).join(', ')}`)
  }
  return failed > 0 ? 1 : 0
}

/**
 * Runs one fleet verb with the live display (a redrawn block on a terminal, a line per database otherwise; nothing
 * with --json, which prints one document at the end), then the summary.
 */
async function runFleet<R extends FleetResult>(
  globals: GlobalOptions,
  options: Record<string, unknown>,
  verb: (config: ResolvedConfig, settings: FleetOptions) => Promise<R[]>,
  statuses: VerbStatuses,
  jsonFields: Record<string, unknown> = {},
  beforeSummary?: (results: R[]) => void,
): Promise<number> {
  const settings = fleetOptions(options)
  const config = await resolveProject(globals.config)
  const json = options.json === true
  const progress = json ? undefined : new FleetProgress(stdout())
  const results = await verb(config, {
    ...settings,
    ...(progress ? { onTargets: (count: number) => (progress.total = count), onStart: (name: string) => progress.start(name), onResult: (r: FleetResult) => progress.finish(r) } : {}),
  })
  progress?.end()
  if (!json) beforeSummary?.(results)
  return report(results, statuses, json ? jsonFields : undefined)
}

/** `strata upgrade TARGET --all`: exit 1 when any database failed or was not run. */
export function fleetAction(globals: GlobalOptions, target: string, options: Record<string, unknown>): Promise<number> {
  const run = { ...runOptions(options), continueOnError: options.continueOnError === true }
  return runFleet(globals, options, (config, settings) => upgradeFleet(config, target, { ...run, ...settings }), { shown: ['upgraded', 'at target', 'failed', 'not run'], problems: ['failed', 'not run'] }, {
    target,
  })
}

/** `strata current --all`: exit 1 when a database could not be read. */
export function currentFleetAction(globals: GlobalOptions, options: Record<string, unknown>): Promise<number> {
  // `current` reports; a database behind is not its failure.
  return runFleet(globals, options, currentFleet, { shown: ['at target', 'behind', 'failed'], problems: ['failed'] })
}

/** `strata check --all`: exit 1 when any database drifted, is behind, or could not be read. */
export function checkFleetAction(globals: GlobalOptions, options: Record<string, unknown>): Promise<number> {
  if (options.replay) throw new UsageError('check --replay compares the migrations with the schema files, not a database: it cannot take --all')
  const allowBehind = options.allowBehind === true
  return runFleet(globals, options, (config, settings) => checkFleet(config, { ...settings, allowBehind }), { shown: ['clean', 'drifted', 'behind', 'failed'], problems: PROBLEM_STATUSES })
}

/** `strata verify --all`: exit 1 when any database has a changed or missing applied file, or could not be read. */
export function verifyFleetAction(globals: GlobalOptions, options: Record<string, unknown>): Promise<number> {
  return runFleet(globals, options, verifyFleet, { shown: ['verified', 'changed', 'failed'], problems: PROBLEM_STATUSES })
}

/** `strata history --applied --all`: each database's steps (in fleet order), then the summary. */
export function historyFleetAction(globals: GlobalOptions, options: Record<string, unknown>, formatRow: (row: NonNullable<HistoryFleetResult['history']>[number]) => string): Promise<number> {
  const print = (results: HistoryFleetResult[]) => {
    for (const r of results) {
      if (r.history === undefined) continue
      out()
      out(`${r.database}:`)
      outLines(r.history.length === 0 ? ['  (no recorded steps)'] : r.history.map((row) => `  ${formatRow(row)}`))
    }
  }
  return runFleet(globals, options, appliedHistoryFleet, { shown: ['read', 'failed'], problems: PROBLEM_STATUSES }, {}, print)
}
