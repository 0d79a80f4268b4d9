import { loadGraph, resolveProject } from '../../commands/project.js'
import { stamp } from '../../commands/run.js'
import { loadDialect } from '../../runtime/dialects.js'
import { offlineStampScript } from '../../runtime/offline.js'
import { type GlobalOptions, out } from '../output.js'
import { dialectForScript, runOptions } from './run.js'

export async function action(args: string[], options: Record<string, unknown>, globals: GlobalOptions): Promise<number> {
  const purge = options.purge === true
  if (options.sql) {
    const config = await resolveProject(globals.config)
    const dialect = await loadDialect(dialectForScript(config, options))
    process.stdout.write(await offlineStampScript(config, dialect, loadGraph(config), args, purge))
    return 0
  }
  const rows = await stamp(globals.config, args, { purge, ...runOptions(options) })
  out(rows.length ? `Stamped ${rows.join(', ')}` : 'Stamped base (no version rows)')
  return 0
}
