import { relative } from 'node:path'
import { init } from '../../commands/init.js'
import { err, out, warn } from '../output.js'

export async function action(args: string[], options: Record<string, unknown>): Promise<number> {
  if (options.fromDatabase === true) return fromDatabase(args, options)
  const result = init({
    directory: args[0] ?? 'migrations',
    ...(typeof options.url === 'string' ? { url: options.url } : {}),
    ...(typeof options.schema === 'string' ? { schema: options.schema } : {}),
  })
  const config = relative(process.cwd(), result.configFile)
  for (const path of result.created) out(`Created ${relative(process.cwd(), path) || '.'}`)
  if (!result.driverInstalled) out(`Install the database driver for this URL: npm install ${result.driver}`)
  if (result.urlFromEnvironment) out(`The URL holds a password, so ${config} reads it from DATABASE_URL: set DATABASE_URL to that URL in your environment (or a .env file kept out of git).`)
  else out(`Next: point 'url' in ${config} at your database and export your tables from the schema file.`)
  return 0
}

async function fromDatabase(args: string[], options: Record<string, unknown>): Promise<number> {
  const { initFromDatabase } = await import('../../commands/baseline.js')
  const result = await initFromDatabase({
    directory: args[0] ?? 'migrations',
    ...(typeof options.url === 'string' ? { url: options.url } : {}),
    ...(typeof options.schema === 'string' ? { schema: options.schema } : {}),
    ...(typeof options.revId === 'string' ? { revId: options.revId } : {}),
    log: (line) => err(warn(line)),
  })
  for (const line of result.pull.unmodelled) err(warn(`warning: not in the schema DSL, left out of the schema file: ${line}`))
  for (const path of result.init.created) out(`Created ${relative(process.cwd(), path) || '.'}`)
  if (result.init.urlFromEnvironment)
    out(`The URL holds a password, so ${relative(process.cwd(), result.init.configFile)} reads it from DATABASE_URL: set DATABASE_URL to that URL in your environment (or a .env file kept out of git).`)
  out(`Wrote ${relative(process.cwd(), result.pull.path)} (naming '${result.pull.naming}')`)
  const foreign = result.takeover
  if (foreign) out(`Took over from ${foreign.tool} (last applied: ${foreign.applied.join(', ') || 'none'}); its tables (${foreign.tables.join(', ')}) stay out of compare`)
  out(`Generating ${relative(process.cwd(), result.baseline.path)} ... done`)
  out(`Stamped ${result.baseline.revision}: change the schema file, then 'strata revision --autogenerate -m "…"'`)
  return 0
}
