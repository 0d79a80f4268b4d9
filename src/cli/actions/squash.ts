import { relative } from 'node:path'
import { squash } from '../../commands/squash.js'
import { type GlobalOptions, out } from '../output.js'

export async function action(args: string[], options: Record<string, unknown>, globals: GlobalOptions): Promise<number> {
  const [from, to] = args
  const result = await squash(globals.config, from!, to!, {
    ...(typeof options.message === 'string' ? { message: options.message } : {}),
    ...(typeof options.revId === 'string' ? { revId: options.revId } : {}),
    ...(typeof options.url === 'string' ? { url: options.url } : {}),
  })
  out(`Generating ${relative(process.cwd(), result.path)} ... done (replaces ${result.replaced.join(', ')})`)
  for (const child of result.reparented) out(`Re-parented ${child} onto ${result.revision}`)
  const last = result.replaced[result.replaced.length - 1]!
  out(`A database at ${last}: 'strata stamp --purge ${result.revision}'. A database at an earlier revision of the range: upgrade it to ${last} with the old files first.`)
  return 0
}
