import { showRevisions } from '../../commands/graph.js'
import { loadGraph, resolveProject } from '../../commands/project.js'
import { formatRevisionVerbose } from '../../revisions/index.js'
import { type GlobalOptions, out, printJson } from '../output.js'

export async function action(args: string[], options: Record<string, unknown>, globals: GlobalOptions): Promise<number> {
  const graph = loadGraph(await resolveProject(globals.config))
  const revisions = showRevisions(graph, args[0]!)
  if (options.json) printJson(revisions)
  else for (const r of revisions) out(formatRevisionVerbose(graph, r.revision).replace(/\n+$/, ''))
  return 0
}
