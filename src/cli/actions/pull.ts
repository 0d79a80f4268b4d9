import { relative } from 'node:path'
import { pull } from '../../commands/pull.js'
import { type GlobalOptions, err, out, warn } from '../output.js'

export async function action(_args: string[], options: Record<string, unknown>, globals: GlobalOptions): Promise<number> {
  const result = await pull(globals.config, {
    ...(typeof options.out === 'string' ? { out: options.out } : {}),
    ...(options.force === true ? { force: true } : {}),
    ...(typeof options.url === 'string' ? { url: options.url } : {}),
    log: (line) => err(warn(line)),
  })
  for (const line of result.unmodelled) err(warn(`warning: not in the schema DSL, left out of the file: ${line}`))
  const file = relative(process.cwd(), result.path) || result.path
  if (result.configUpdated) out(`Set naming: '${result.naming}' in the config (the database's constraint names follow it)`)
  out(`Wrote ${file}`)
  return 0
}
