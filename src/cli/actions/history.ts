import { currentVersions, describeRevision, rangeNeedsDatabase } from '../../commands/graph.js'
import { loadGraph, resolveProject } from '../../commands/project.js'
import { drawGraph, formatHistoryLine, historyRange } from '../../revisions/index.js'
import { type GlobalOptions, out, outLines, printJson } from '../output.js'

export async function action(_args: string[], options: Record<string, unknown>, globals: GlobalOptions): Promise<number> {
  const config = await resolveProject(globals.config)
  const projectOptions = typeof options.url === 'string' ? { url: options.url } : {}
  if (options.applied) {
    const { appliedHistory } = await import('../../commands/inspect.js')
    const rows = await appliedHistory(config, projectOptions)
    if (options.json) printJson(rows)
    else if (rows.length === 0) out('(no recorded steps)')
    else
      for (const r of rows)
        out(
          `${r.started_at}  ${r.direction === 'up' ? 'upgrade  ' : 'downgrade'} ${r.revision}  ${r.status.padEnd(11)} ${r.duration_ms ?? '-'} ms  ${r.statements_done} stmt  ${r.message ?? ''}${r.error ? `  error: ${r.error}` : ''}`,
        )
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
  outLines(revisions.map((r) => formatHistoryLine(graph, r, options.verbose === true, mark)))
  return 0
}
