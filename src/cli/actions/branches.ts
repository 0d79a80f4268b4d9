import { describeRevision } from '../../commands/graph.js'
import { loadGraph, resolveProject } from '../../commands/project.js'
import { formatRevisionLine, formatRevisionVerbose } from '../../revisions/index.js'
import { type GlobalOptions, out, printJson } from '../output.js'

export async function action(_args: string[], options: Record<string, unknown>, globals: GlobalOptions): Promise<number> {
  const graph = loadGraph(await resolveProject(globals.config))
  const points = graph.branchPoints
  if (options.json) {
    printJson(points.map((id) => describeRevision(graph, id)))
    return 0
  }
  for (const id of points) {
    if (options.verbose) {
      out(formatRevisionVerbose(graph, id))
      continue
    }
    out(formatRevisionLine(graph, id, { includeBranches: true, includeDoc: true }))
    for (const child of graph.children(id))
      out(`${' '.repeat(id.length)} -> ${formatRevisionLine(graph, child, { includeBranches: true, includeDoc: true })}`)
  }
  return 0
}
