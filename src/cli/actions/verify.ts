import { verify } from '../../commands/inspect.js'
import { type GlobalOptions, out, printJson } from '../output.js'

export async function action(_args: string[], options: Record<string, unknown>, globals: GlobalOptions): Promise<number> {
  const { changed, problems } = await verify(globals.config, typeof options.url === 'string' ? { url: options.url } : {})
  if (options.json) printJson({ ok: problems.length === 0, problems, changed })
  else if (problems.length === 0) out('All applied revision files are present and match their recorded checksums')
  else for (const problem of problems) out(problem.message)
  return problems.length === 0 ? 0 : 1
}
