import { loadGraph, resolveProject } from '../../commands/project.js'
import { formatRevisionLine, formatRevisionVerbose } from '../../revisions/index.js'
import { type GlobalOptions, out, printJson } from '../output.js'

export async function action(_args: string[], options: Record<string, unknown>, globals: GlobalOptions): Promise<number> {
  const graph = loadGraph(await resolveProject(globals.config))
  const heads = graph.heads
  if (options.json) {
    printJson(heads.map((id) => ({ revision: id, effective: !graph.isRealHead(id), branchLabels: graph.labelsOf(id), message: graph.require(id).message })))
    return 0
  }
  for (const id of heads)
    out(options.verbose ? formatRevisionVerbose(graph, id) : formatRevisionLine(graph, id, { includeBranches: true, treeIndicators: false }))
  return 0
}
