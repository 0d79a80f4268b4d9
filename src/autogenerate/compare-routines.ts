import type { AnyOperation } from '../operations/index.js'
import { CreateRoutineOp, CreateTriggerOp, DropRoutineOp, DropTriggerOp, ReplaceRoutineOp, ReplaceTriggerOp } from '../operations/routine-ops.js'
import type { RoutineModel, SchemaModel, TriggerModel } from '../schema/model.js'
import { qualifiedName } from '../schema/model.js'
import type { CompareScope } from './filters.js'
import { Phase, type Plan } from './ordering.js'
import { normalizeViewSql, sqlTokens } from './view-sql.js'

const sqlText = (text: string | null | undefined) => normalizeViewSql(text ?? '')

/** The parts of a routine compare looks at, normalised (SQL by tokens; absent options as the server's defaults). */
function routineShape(r: RoutineModel): string {
  return JSON.stringify([r.kind, sqlText(r.args), sqlText(r.returns), r.language.toLowerCase(), sqlText(r.body), r.volatility ?? 'volatile', r.security ?? null])
}

/** A trigger function named with or without the trigger's own schema (or `pg_catalog`, always searched) is the same function. */
function functionOf(t: TriggerModel): string {
  const fn = (t.function ?? '').toLowerCase()
  if (fn.startsWith('pg_catalog.')) return fn.slice('pg_catalog.'.length)
  return t.schema && fn.startsWith(`${t.schema.toLowerCase()}.`) ? fn.slice(t.schema.length + 1) : fn
}

function triggerShape(t: TriggerModel): string {
  return JSON.stringify([t.table, t.timing, [...t.events].sort(), [...(t.updateOf ?? [])].sort(), t.forEach, sqlText(t.when), sqlText(t.body), functionOf(t), t.arguments ?? []])
}

const keyOf = (o: { name: string; schema?: string | null }) => qualifiedName(o.name, o.schema)
/** A trigger's name is its table's: PostgreSQL has `last_updated` on every table of Pagila. */
const triggerKey = (t: TriggerModel) => `${qualifiedName(t.name, t.schema)} on ${t.table}`

/**
 * A test for triggers as the database has them: true when one names a table or column that the planned operations
 * rename (its table, its `UPDATE OF` list, a name in its condition or body). Such a trigger cannot be replaced
 * after the renames: the downgrade would replace it back, under the old names, before renaming them back (and a
 * trigger on a renamed table is no longer where the replacement drops it). It is dropped before the renames and
 * created after them. Judged by names, like views: a name that only looks alike costs a drop and a create.
 */
function namesRenamed(operations: AnyOperation[]): (t: TriggerModel) => boolean {
  const tables = new Set<string>()
  const columns: Array<{ table: string; from: string }> = []
  for (const op of operations) {
    if (op.kind === 'renameTable') tables.add(qualifiedName(op.from, op.schema).toLowerCase())
    else if (op.kind === 'renameColumn') columns.push({ table: qualifiedName(op.table, op.schema).toLowerCase(), from: op.from.toLowerCase() })
  }
  if (tables.size === 0 && columns.length === 0) return () => false
  const oldNames = new Set([...tables].map((k) => k.slice(k.lastIndexOf('.') + 1)))
  return (t) => {
    const table = qualifiedName(t.table, t.schema).toLowerCase()
    if (tables.has(table)) return true
    const words = new Set([...sqlTokens(`${t.when ?? ''} ${t.body ?? ''}`), ...(t.updateOf ?? []).map((c) => c.toLowerCase())])
    if ([...oldNames].some((name) => words.has(name))) return true
    return columns.some((c) => words.has(c.from) && (c.table === table || words.has(c.table.slice(c.table.lastIndexOf('.') + 1))))
  }
}

/**
 * Functions, procedures and triggers: added, removed or changed (compared after normalising their SQL). Triggers
 * are dropped first and routines after them; routines are created after every table (and before views), triggers
 * last. A changed trigger is replaced in place, unless it names what the plan renames (see `namesRenamed`).
 */
export function diffRoutines(plan: Plan, target: SchemaModel, reflected: SchemaModel, scope: CompareScope, operations: AnyOperation[]): void {
  const routineKey = (r: RoutineModel) => `${r.kind}:${keyOf(r)}`
  const wanted = (target.routines ?? []).filter((r) => scope.includes(r.kind, r, null, false, null))
  const present = new Map((reflected.routines ?? []).filter((r) => scope.includes(r.kind, r, null, true, null)).map((r) => [routineKey(r), r]))
  for (const r of [...wanted].sort((a, b) => (routineKey(a) < routineKey(b) ? -1 : 1))) {
    const old = present.get(routineKey(r))
    present.delete(routineKey(r))
    if (!old) plan.add(Phase.CreateRoutine, [routineKey(r)], new CreateRoutineOp(structuredClone(r)))
    else if (routineShape(old) !== routineShape(r)) plan.add(Phase.CreateRoutine, [routineKey(r)], new ReplaceRoutineOp(structuredClone(r), structuredClone(old)))
  }
  for (const [key, old] of present) plan.add(Phase.DropRoutine, [key], new DropRoutineOp(old.kind, old.name, old.schema ?? null, structuredClone(old)))

  const triggersInScope = (list: TriggerModel[] | undefined, reflectedSide: boolean) =>
    (list ?? []).filter((t) => scope.tableInScope({ name: t.table, schema: t.schema ?? null }) && scope.includes('trigger', t, null, reflectedSide, null))
  const presentTriggers = new Map(triggersInScope(reflected.triggers, true).map((t) => [triggerKey(t), t]))
  const renamedUnder = namesRenamed(operations)
  for (const t of [...triggersInScope(target.triggers, false)].sort((a, b) => (triggerKey(a) < triggerKey(b) ? -1 : 1))) {
    const old = presentTriggers.get(triggerKey(t))
    presentTriggers.delete(triggerKey(t))
    if (!old) plan.add(Phase.CreateTrigger, [triggerKey(t)], new CreateTriggerOp(structuredClone(t)))
    else if (triggerShape(old) === triggerShape(t)) continue
    else if (!renamedUnder(old)) plan.add(Phase.CreateTrigger, [triggerKey(t)], new ReplaceTriggerOp(structuredClone(t), structuredClone(old)))
    else {
      plan.add(Phase.DropTrigger, [triggerKey(old)], new DropTriggerOp(old.name, old.table, old.schema ?? null, structuredClone(old)))
      plan.add(Phase.CreateTrigger, [triggerKey(t)], new CreateTriggerOp(structuredClone(t)))
    }
  }
  for (const [key, old] of presentTriggers) plan.add(Phase.DropTrigger, [key], new DropTriggerOp(old.name, old.table, old.schema ?? null, structuredClone(old)))
}
