import { relative } from 'node:path'
import { merge } from '../../commands/revision.js'
import { type GlobalOptions, out } from '../output.js'

export async function action(args: string[], options: Record<string, unknown>, globals: GlobalOptions): Promise<number> {
  const result = await merge(globals.config, args, {
    ...(typeof options.message === 'string' ? { message: options.message } : {}),
    ...(typeof options.revId === 'string' ? { revId: options.revId } : {}),
    ...(options.branchLabel ? { branchLabel: options.branchLabel as string[] } : {}),
  })
  out(`Generating ${relative(process.cwd(), result.path!)} ... done`)
  return 0
}
