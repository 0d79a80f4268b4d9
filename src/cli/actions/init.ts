import { relative } from 'node:path'
import { init } from '../../commands/init.js'
import { out } from '../output.js'

export async function action(args: string[], options: Record<string, unknown>): Promise<number> {
  const result = init({
    directory: args[0] ?? 'migrations',
    ...(typeof options.url === 'string' ? { url: options.url } : {}),
    ...(typeof options.schema === 'string' ? { schema: options.schema } : {}),
  })
  const config = relative(process.cwd(), result.configFile)
  for (const path of result.created) out(`Created ${relative(process.cwd(), path) || '.'}`)
  out(`Install the database driver for this URL: npm install ${result.driver}`)
  if (result.urlFromEnvironment) out(`The URL holds a password, so ${config} reads it from DATABASE_URL: set DATABASE_URL to that URL in your environment (or a .env file kept out of git).`)
  else out(`Next: point 'url' in ${config} at your database and export your tables from the schema file.`)
  return 0
}
