import { describeRevision } from '../../commands/graph.js'
import { loadGraph, resolveProject } from '../../commands/project.js'
import { formatRevisionLine, formatRevisionVerbose } from '../../revisions/index.js'
import { type GlobalOptions, out, printJson } from '../output.js'

export async function action(_args: string[], options: Record<string, unknown>, globals: GlobalOptions): Promise<number> {
  const graph = loadGraph(await resolveProject(globals.config))
  if (options.json) {
    printJson(graph.heads.map((id) => describeRevision(graph, id)))
    return 0
  }
  for (const id of graph.heads)
    out(options.verbose ? formatRevisionVerbose(graph, id) : formatRevisionLine(graph, id, { includeBranches: true, treeIndicators: false }))
  return 0
}
