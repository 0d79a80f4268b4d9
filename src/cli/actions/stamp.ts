import { stampSql } from '../../commands/offline.js'
import { stamp } from '../../commands/run.js'
import { type GlobalOptions, out, stdout } from '../output.js'
import { runOptions, scriptOptions } from './run.js'

export async function action(args: string[], options: Record<string, unknown>, globals: GlobalOptions): Promise<number> {
  const purge = options.purge === true
  if (options.sql) {
    stdout().write(await stampSql(globals.config, args, { purge, ...scriptOptions(options) }))
    return 0
  }
  const rows = await stamp(globals.config, args, { purge, ...runOptions(options) })
  out(rows.length ? `Stamped ${rows.join(', ')}` : 'Stamped base (no version rows)')
  return 0
}
