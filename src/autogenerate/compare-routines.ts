import { CreateRoutineOp, CreateTriggerOp, DropRoutineOp, DropTriggerOp, ReplaceRoutineOp, ReplaceTriggerOp } from '../operations/routine-ops.js'
import type { RoutineModel, SchemaModel, TriggerModel } from '../schema/model.js'
import { qualifiedName } from '../schema/model.js'
import type { CompareScope } from './filters.js'
import { Phase, type Plan } from './ordering.js'
import { normalizeViewSql } from './view-sql.js'

const sqlText = (text: string | null | undefined) => normalizeViewSql(text ?? '')

/** The parts of a routine compare looks at, normalised (SQL by tokens; absent options as the server's defaults). */
function routineShape(r: RoutineModel): string {
  return JSON.stringify([r.kind, sqlText(r.args), sqlText(r.returns), r.language.toLowerCase(), sqlText(r.body), r.volatility ?? 'volatile', r.security ?? null])
}

/** A trigger function named with or without the trigger's own schema is the same function. */
function functionOf(t: TriggerModel): string {
  const fn = (t.function ?? '').toLowerCase()
  return t.schema && fn.startsWith(`${t.schema.toLowerCase()}.`) ? fn.slice(t.schema.length + 1) : fn
}

function triggerShape(t: TriggerModel): string {
  return JSON.stringify([t.table, t.timing, [...t.events].sort(), [...(t.updateOf ?? [])].sort(), t.forEach, sqlText(t.when), sqlText(t.body), functionOf(t)])
}

const keyOf = (o: { name: string; schema?: string | null }) => qualifiedName(o.name, o.schema)

/**
 * Functions, procedures and triggers: added, removed or changed (compared after normalising their SQL). Triggers
 * are dropped first and routines after them; routines are created after every table (and before views), triggers
 * last.
 */
export function diffRoutines(plan: Plan, target: SchemaModel, reflected: SchemaModel, scope: CompareScope): void {
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
  const presentTriggers = new Map(triggersInScope(reflected.triggers, true).map((t) => [keyOf(t), t]))
  for (const t of [...triggersInScope(target.triggers, false)].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : 1))) {
    const old = presentTriggers.get(keyOf(t))
    presentTriggers.delete(keyOf(t))
    if (!old) plan.add(Phase.CreateTrigger, [keyOf(t)], new CreateTriggerOp(structuredClone(t)))
    else if (triggerShape(old) !== triggerShape(t)) plan.add(Phase.CreateTrigger, [keyOf(t)], new ReplaceTriggerOp(structuredClone(t), structuredClone(old)))
  }
  for (const [key, old] of presentTriggers) plan.add(Phase.DropTrigger, [key], new DropTriggerOp(old.name, old.table, old.schema ?? null, structuredClone(old)))
}
