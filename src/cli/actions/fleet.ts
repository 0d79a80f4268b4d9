import { UsageError } from '../../config/errors.js'
import { type FleetResult, currentFleet, upgradeFleet } from '../../commands/fleet.js'
import { resolveProject } from '../../commands/project.js'
import { type GlobalOptions, out, outLines, printJson } from '../output.js'
import { runOptions } from './run.js'

const short = (revs: string[]) => (revs.length === 0 ? 'base' : revs.join(','))
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`

/** One line per database as it finishes. */
function resultLine(r: FleetResult): string {
  const head = `${r.status === 'failed' ? 'FAILED' : r.status}  ${r.database}`
  if (r.status === 'failed') return `${head}: ${r.error}`
  return r.status === 'upgraded' ? `${head}: ${short(r.from)} -> ${short(r.to)} (${seconds(r.durationMs)})` : head
}

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

/** Per-database lines as they finish, then the summary table and counts; or one JSON document. */
function report(results: FleetResult[], statuses: readonly FleetResult['status'][], json: Record<string, unknown> | undefined): number {
  const failed = results.filter((r) => r.status === 'failed' || r.status === 'not run').length
  if (json) printJson({ ...json, results, failed })
  else {
    out()
    outLines(table(results))
    out(`${results.length} databases: ${statuses.map((s) => `${results.filter((r) => r.status === s).length} ${s}`).join(', ')}`)
  }
  return failed > 0 ? 1 : 0
}

const liveLines = (json: boolean) => (json ? {} : { onResult: (r: FleetResult) => out(resultLine(r)) })

/** `strata upgrade TARGET --all`: exit 1 when any database failed or was not run. */
export async function fleetAction(globals: GlobalOptions, target: string, options: Record<string, unknown>): Promise<number> {
  const settings = fleetOptions(options)
  const config = await resolveProject(globals.config)
  const json = options.json === true
  const results = await upgradeFleet(config, target, { ...runOptions(options), ...settings, continueOnError: options.continueOnError === true, ...liveLines(json) })
  return report(results, ['upgraded', 'at target', 'failed', 'not run'], json ? { target } : undefined)
}

/** `strata current --all`: exit 1 when a database could not be read. */
export async function currentFleetAction(globals: GlobalOptions, options: Record<string, unknown>): Promise<number> {
  const settings = fleetOptions(options)
  const json = options.json === true
  const results = await currentFleet(await resolveProject(globals.config), { ...settings, ...liveLines(json) })
  return report(results, ['at target', 'behind', 'failed'], json ? {} : undefined)
}
