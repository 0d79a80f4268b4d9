/**
 * Triggers on SQLite: one event, for each row, an optional WHEN, a body of statements. sqlite_master keeps the
 * CREATE TRIGGER as written, so it is read back by parsing it. SQLite has no stored functions or procedures.
 */
import type { RoutineOperation } from '../../operations/object-kinds.js'
import type { CompilersFor } from '../shared/compiler-table.js'
import type { TriggerEvent, TriggerModel } from '../../schema/model.js'
import { quoteName } from './sqlite-types.js'

function createTriggerSql(t: TriggerModel): string {
  if (!t.body) throw new Error(`trigger '${t.name}': SQLite triggers run a body (body: sql\`…\`), not a function`)
  if (t.events.length !== 1 || t.events[0] === 'truncate') throw new Error(`trigger '${t.name}': a SQLite trigger has exactly one event (insert, update or delete): declare one trigger per event`)
  if (t.forEach !== 'row') throw new Error(`trigger '${t.name}': SQLite triggers run for each row`)
  if (t.arguments?.length) throw new Error(`trigger '${t.name}': SQLite triggers take no arguments (they run a body)`)
  const when = t.when ? `\nWHEN ${t.when}` : ''
  const event = t.events[0]!.toUpperCase() + (t.updateOf?.length ? ` OF ${t.updateOf.map(quoteName).join(', ')}` : '')
  return `CREATE TRIGGER ${quoteName(t.name)} ${t.timing.toUpperCase()} ${event} ON ${quoteName(t.table)}\nFOR EACH ROW${when}\nBEGIN\n${t.body};\nEND`
}


/** SQLite has no stored functions or procedures. */
function noRoutines(name: string): never {
  throw new Error(`SQLite has no stored functions or procedures ('${name}'): declare them only for PostgreSQL or MySQL`)
}

export const sqliteRoutineCompilers = {
  createRoutine: (op) => noRoutines(op.routine.name),
  dropRoutine: (op) => noRoutines(op.name),
  replaceRoutine: (op) => noRoutines(op.routine.name),
  createTrigger: (op) => [createTriggerSql(op.trigger)],
  dropTrigger: (op) => [`DROP TRIGGER ${quoteName(op.name)}`],
  replaceTrigger: (op) => [`DROP TRIGGER ${quoteName((op.existing ?? op.trigger).name)}`, createTriggerSql(op.trigger)],
} satisfies CompilersFor<RoutineOperation>

const NAME = '(?:"(?:[^"]|"")+"|`(?:[^`]|``)+`|\\[[^\\]]+\\]|[^\\s(]+)'
const TRIGGER = new RegExp(
  String.raw`^\s*CREATE\s+(?:TEMP(?:ORARY)?\s+)?TRIGGER\s+(?:IF\s+NOT\s+EXISTS\s+)?(${NAME})\s+(BEFORE|AFTER|INSTEAD\s+OF)?\s*(INSERT|DELETE|UPDATE(?:\s+OF\s+[\s\S]+?)?)\s+ON\s+(${NAME})\s+(FOR\s+EACH\s+ROW\s+)?(?:WHEN\s+([\s\S]+?)\s+)?BEGIN\s+([\s\S]*)\bEND\s*;?\s*$`,
  'iu',
)

/** The names of an `UPDATE OF a, "b c", [d]` list (quoted names may hold commas and spaces). */
const COLUMN_NAMES = /"(?:[^"]|"")+"|`(?:[^`]|``)+`|\[[^\]]+\]|[^\s,]+/gu

function unquote(name: string): string {
  const first = name[0]
  if (first === '"' || first === '`') return name.slice(1, -1).replaceAll(first + first, first)
  if (first === '[') return name.slice(1, -1)
  return name
}

/** A trigger's parts from its CREATE TRIGGER statement, or null when the statement is beyond this reading. */
export function parseCreateTrigger(sql: string): Omit<TriggerModel, 'schema'> | null {
  const match = TRIGGER.exec(sql)
  if (!match) return null
  const [, name, timing, event, table, , when, body] = match
  const trigger: Omit<TriggerModel, 'schema'> = {
    name: unquote(name!),
    table: unquote(table!),
    timing: (timing ?? 'BEFORE').toLowerCase().replace(/\s+/gu, ' ') as TriggerModel['timing'],
    events: [event!.split(/\s/u)[0]!.toLowerCase() as TriggerEvent],
    forEach: 'row',
    body: body!.trim().replace(/;\s*$/u, ''),
  }
  const updateOf = /^UPDATE\s+OF\s+([\s\S]+)$/iu.exec(event!.trim())
  if (updateOf) trigger.updateOf = (updateOf[1]!.match(COLUMN_NAMES) ?? []).map(unquote)
  if (when) trigger.when = when.trim()
  return trigger
}

export function reflectSqliteTriggers(rows: Array<{ type: string; sql: string }>, keep: (table: string) => boolean): TriggerModel[] {
  return rows.flatMap((row) => {
    if (row.type !== 'trigger') return []
    const parsed = parseCreateTrigger(row.sql)
    return parsed && keep(parsed.table) ? [{ ...parsed, schema: null }] : []
  })
}
