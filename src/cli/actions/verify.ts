import { verify } from '../../commands/inspect.js'
import { verifyFleetAction } from './fleet.js'
import { type GlobalOptions, out, printJson } from '../output.js'

export async function action(_args: string[], options: Record<string, unknown>, globals: GlobalOptions): Promise<number> {
  if (options.all) return verifyFleetAction(globals, options)
  const result = await verify(globals.config, typeof options.url === 'string' ? { url: options.url } : {})
  const { problems } = result
  if (options.json) printJson(result)
  else if (problems.length === 0) out('All applied revision files are present and match their recorded checksums')
  else for (const problem of problems) out(problem.message)
  return problems.length === 0 ? 0 : 1
}
