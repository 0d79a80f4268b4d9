import { current, describeUnfinished } from '../../commands/current.js'
import { loadGraph, resolveProject } from '../../commands/project.js'
import { describeCurrent } from '../../revisions/index.js'
import { type GlobalOptions, err, out, printJson, warn } from '../output.js'

export async function action(_args: string[], options: Record<string, unknown>, globals: GlobalOptions): Promise<number> {
  // Imported only for --all: the fleet code pulls in the whole run loop, which a plain `current` never needs.
  if (options.all) return (await import('./fleet.js')).currentFleetAction(globals, options)
  const config = await resolveProject(globals.config)
  // Read the files first: a broken revision file is reported even for a database strata never touched.
  const graph = loadGraph(config)
  const info = await current(config, typeof options.url === 'string' ? { url: options.url } : {})
  const verbose = options.verbose === true
  if (info.versions.length === 0) {
    if (options.json) printJson(info)
    else if (verbose) {
      out(`Current revision(s) for ${info.url}:`)
      out('  (no version: strata has not migrated this database)')
    }
    return 0
  }
  const lines = describeCurrent(graph, info.versions, verbose)
  if (options.json) printJson(info)
  else {
    if (verbose) out(`Current revision(s) for ${info.url}:`)
    for (const line of lines) out(line)
  }
  // On stderr: stdout stays the revision ids that scripts read.
  if (info.unfinished && !options.json) err(warn(`note: ${describeUnfinished(info.unfinished)}`))
  return 0
}
