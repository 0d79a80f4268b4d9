import { verify } from '../../commands/inspect.js'
import { type GlobalOptions, out, printJson } from '../output.js'

export async function action(_args: string[], options: Record<string, unknown>, globals: GlobalOptions): Promise<number> {
  const changed = await verify(globals.config, typeof options.url === 'string' ? { url: options.url } : {})
  if (options.json) printJson({ changed })
  else if (changed.length === 0) out('All applied revision files match their recorded checksums')
  else for (const c of changed) out(`${c.revision}: ${c.path} changed after it was applied`)
  return changed.length === 0 ? 0 : 1
}
