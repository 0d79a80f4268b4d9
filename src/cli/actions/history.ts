import { UsageError } from '../../config/errors.js'
import { currentVersions, describeRevision, rangeNeedsDatabase } from '../../commands/graph.js'
import { loadGraph, resolveProject } from '../../commands/project.js'
import { drawGraph, formatHistoryLines, historyRange } from '../../revisions/index.js'
import type { HistoryRow } from '../../runtime/version-store.js'
import { type GlobalOptions, out, outLines, printJson } from '../output.js'

/** One recorded step of `history --applied`. */
const stepLine = (r: HistoryRow) =>
  `${r.started_at}  ${r.direction === 'up' ? 'upgrade  ' : 'downgrade'} ${r.revision}  ${r.status.padEnd(11)} ${r.duration_ms ?? '-'} ms  ${r.statements_done} stmt  ${r.message ?? ''}${r.error ? `  error: ${r.error}` : ''}`

export async function action(_args: string[], options: Record<string, unknown>, globals: GlobalOptions): Promise<number> {
  if (options.all) {
    if (!options.applied) throw new UsageError('history --all needs --applied: the revision files are the same for every database')
    // Imported only for --all: the fleet code pulls in the whole run loop, which a plain `history` never needs.
    return (await import('./fleet.js')).historyFleetAction(globals, options, stepLine)
  }
  const config = await resolveProject(globals.config)
  const projectOptions = typeof options.url === 'string' ? { url: options.url } : {}
  if (options.applied) {
    const { appliedHistory } = await import('../../commands/inspect.js')
    const rows = await appliedHistory(config, projectOptions)
    if (options.json) printJson(rows)
    else if (rows.length === 0) out('(no recorded steps)')
    else outLines(rows.map(stepLine))
    return 0
  }
  const graph = loadGraph(config)
  const range = typeof options.revRange === 'string' ? options.revRange : undefined
  const current = rangeNeedsDatabase(range) || options.indicateCurrent ? await currentVersions(config, projectOptions) : []
  if (options.graph) {
    outLines(drawGraph(graph, options.indicateCurrent ? { current } : {}))
    return 0
  }
  const revisions = historyRange(graph, range, current)
  if (options.json) {
    printJson(revisions.map((r) => describeRevision(graph, r.revision)))
    return 0
  }
  const mark = options.indicateCurrent ? current : undefined
  outLines(formatHistoryLines(graph, revisions, options.verbose === true, mark))
  return 0
}
