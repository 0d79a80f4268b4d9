import { loadGraph, resolveProject } from '../../commands/project.js'
import { drawGraph, formatHistoryLine, historyRange } from '../../revisions/index.js'
import { type GlobalOptions, out, outLines, printJson } from '../output.js'

/** Whether a range names the current revision (and so needs the database). */
function needsCurrent(range: string | undefined): boolean {
  return !!range && /(^|:)current($|:)|(^|:)[+-]\d|^-|^\+/.test(range)
}

export async function action(_args: string[], options: Record<string, unknown>, globals: GlobalOptions): Promise<number> {
  const config = await resolveProject(globals.config)
  const projectOptions = typeof options.url === 'string' ? { url: options.url } : {}
  if (options.applied) {
    // Loaded only when needed: the runtime's modules cost ~80 ms of start-up that plain `history` does not need.
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
  const current =
    needsCurrent(range) || options.indicateCurrent
      ? await (await import('../../commands/current.js')).readCurrentVersions(config, projectOptions)
      : []
  if (options.graph) {
    outLines(drawGraph(graph, options.indicateCurrent ? { current } : {}))
    return 0
  }
  const revisions = historyRange(graph, range, current)
  if (options.json) {
    printJson(
      revisions.map((r) => ({
        revision: r.revision,
        downRevision: r.downRevision,
        branchLabels: graph.labelsOf(r.revision),
        dependsOn: r.dependsOn,
        message: r.message,
        isHead: graph.isHead(r.revision),
        isBranchPoint: graph.isBranchPoint(r.revision),
        isMergePoint: graph.isMergePoint(r.revision),
        path: r.path,
      })),
    )
    return 0
  }
  const mark = options.indicateCurrent ? current : undefined
  outLines(revisions.map((r) => formatHistoryLine(graph, r, options.verbose === true, mark)))
  return 0
}
