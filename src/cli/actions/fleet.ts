import { UsageError } from '../../config/errors.js'
import { type FleetResult, upgradeFleet } from '../../commands/fleet.js'
import { resolveProject } from '../../commands/project.js'
import { type GlobalOptions, out, outLines, printJson } from '../output.js'
import { runOptions } from './run.js'

const short = (revs: string[]) => (revs.length === 0 ? 'base' : revs.join(','))
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`

/** One line per database as it finishes. */
function resultLine(r: FleetResult): string {
  const head = `${r.status === 'failed' ? 'FAILED' : r.status === 'upgraded' ? 'upgraded' : 'at target'}  ${r.database}`
  if (r.status === 'failed') return `${head}: ${r.error}`
  return r.status === 'upgraded' ? `${head}: ${short(r.from)} -> ${short(r.to)} (${seconds(r.durationMs)})` : head
}

function table(results: FleetResult[]): string[] {
  const rows = [['database', 'from', 'to', 'duration', 'status'], ...results.map((r) => [r.database, short(r.from), short(r.to), seconds(r.durationMs), r.status])]
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)))
  return rows.map((row) => row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd())
}

/** `strata upgrade TARGET --all`: exit 1 when any database failed or was not run. */
export async function fleetAction(globals: GlobalOptions, target: string, options: Record<string, unknown>): Promise<number> {
  let concurrency: number | undefined
  if (options.concurrency !== undefined) {
    concurrency = Number(options.concurrency)
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new UsageError(`--concurrency must be a whole number of at least 1, got '${String(options.concurrency)}'`)
  }
  if (options.url !== undefined) throw new UsageError('--all runs on the databases of the config; it cannot take --url')
  const config = await resolveProject(globals.config)
  const json = options.json === true
  const results = await upgradeFleet(config, target, {
    ...runOptions(options),
    ...(concurrency ? { concurrency } : {}),
    continueOnError: options.continueOnError === true,
    ...(json ? {} : { onResult: (r: FleetResult) => out(resultLine(r)) }),
  })
  const failed = results.filter((r) => r.status === 'failed' || r.status === 'not run').length
  if (json) printJson({ target, results, failed })
  else {
    out()
    outLines(table(results))
    const counts = (['upgraded', 'at target', 'failed', 'not run'] as const).map((s) => `${results.filter((r) => r.status === s).length} ${s}`)
    out(`${results.length} databases: ${counts.join(', ')}`)
  }
  return failed > 0 ? 1 : 0
}
