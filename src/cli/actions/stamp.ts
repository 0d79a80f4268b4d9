import { stamp } from '../../commands/run.js'
import { type GlobalOptions, out } from '../output.js'

export async function action(args: string[], options: Record<string, unknown>, globals: GlobalOptions): Promise<number> {
  const rows = await stamp(globals.config, args, { purge: options.purge === true, ...(typeof options.url === 'string' ? { url: options.url } : {}) })
  out(rows.length ? `Stamped ${rows.join(', ')}` : 'Stamped base (no version rows)')
  return 0
}
