import { checkSchema } from '../../commands/check.js'
import { current, describeUnfinished } from '../../commands/current.js'
import { checkFleetAction } from './fleet.js'
import { type GlobalOptions, err, out, printJson, warn } from '../output.js'

export async function action(_args: string[], options: Record<string, unknown>, globals: GlobalOptions): Promise<number> {
  if (options.all) return checkFleetAction(globals, options)
  const changes = await checkSchema(globals.config, {
    ...(typeof options.url === 'string' ? { url: options.url } : {}),
    allowBehind: options.allowBehind === true,
    replay: options.replay === true,
  })
  if (options.json) {
    printJson({ changes: changes.map((c) => ({ kind: c.operation.kind, message: c.message, warning: c.warning })) })
    return changes.length === 0 ? 0 : 1
  }
  if (changes.length === 0) {
    out('No changes detected')
    return 0
  }
  for (const change of changes) {
    out(`Detected ${change.message}`)
    if (change.warning) out(warn(`  ! ${change.warning}`))
  }
  out(`${changes.length} difference(s) between the schema and the database: run 'strata revision --autogenerate -m "…"'`)
  // Differences on a database a run left part-way are that step's effects, not drift: say so.
  const { unfinished } = await current(globals.config, typeof options.url === 'string' ? { url: options.url } : {})
  if (unfinished) err(warn(`note: ${describeUnfinished(unfinished)}`))
  return 1
}
