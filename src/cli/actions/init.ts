import { relative } from 'node:path'
import { init } from '../../commands/init.js'
import { out } from '../output.js'

export async function action(args: string[], options: Record<string, unknown>): Promise<number> {
  const result = init({
    directory: args[0] ?? 'migrations',
    ...(typeof options.url === 'string' ? { url: options.url } : {}),
    ...(typeof options.schema === 'string' ? { schema: options.schema } : {}),
  })
  for (const path of result.created) out(`Created ${relative(process.cwd(), path) || '.'}`)
  out(`Install the database driver for this URL: npm install ${result.driver}`)
  out(`Next: point 'url' in ${relative(process.cwd(), result.configFile)} at your database and export your tables from the schema file.`)
  return 0
}
