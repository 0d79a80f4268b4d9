import { StrataError } from '../../config/errors.js'
import { loadGraph, resolveProject } from '../../commands/project.js'
import { formatRevisionVerbose, resolveRevisionIds } from '../../revisions/index.js'
import { type GlobalOptions, out, printJson } from '../output.js'

export async function action(args: string[], options: Record<string, unknown>, globals: GlobalOptions): Promise<number> {
  const graph = loadGraph(await resolveProject(globals.config))
  const ids = resolveRevisionIds(graph, args[0]!, [])
  if (ids.length === 0) throw new StrataError(`'${args[0]}' names no revision`, { code: 'unknown-revision' })
  if (options.json) {
    printJson(ids.map((id) => ({ ...graph.require(id), branchLabels: graph.labelsOf(id), children: graph.children(id), isHead: graph.isHead(id) })))
    return 0
  }
  for (const id of ids) out(formatRevisionVerbose(graph, id).replace(/\n+$/, ''))
  return 0
}
