import { RenameObjectOp, type RenamedObject } from '../operations/rename-object-op.js'
import type { SchemaModel } from '../schema/model.js'
import type { CompareScope } from './filters.js'
import { Phase, type Plan } from './ordering.js'
import type { CompareDialect } from './types.js'

type Named = { name: string; schema?: string | null; renamedFrom?: string; kind?: string; table?: string }

/**
 * Declared `renamedFrom` of views, materialized views, sequences, routines and triggers: where the database has the
 * old name and not the new one, a rename (first of all changes), and a copy of `reflected` that has the object under
 * its new name, so that the rest of the comparison sees what is left to change (a new definition, new options).
 * Only those objects are copied: the tables (most of a big model) are shared with `reflected`.
 */
export function planObjectRenames(plan: Plan, target: SchemaModel, reflected: SchemaModel, scope: CompareScope, dialect: CompareDialect): SchemaModel {
  const { triggers, views, sequences, routines } = structuredClone({ triggers: reflected.triggers, views: reflected.views, sequences: reflected.sequences, routines: reflected.routines })
  const renamed: SchemaModel = {
    ...reflected,
    ...(triggers ? { triggers } : {}),
    ...(views ? { views } : {}),
    ...(sequences ? { sequences } : {}),
    ...(routines ? { routines } : {}),
  }
  const pass = <T extends Named>(wanted: T[] | undefined, present: T[] | undefined, wrap: (model: T, from: string) => RenamedObject, order = 1) => {
    for (const object of wanted ?? []) {
      if (!object.renamedFrom || !scope.tableInScope(object)) continue
      // A trigger is renamed within its table.
      const same = (o: T, name: string) => o.name === name && (o.schema ?? null) === (object.schema ?? null) && (o.kind ?? null) === (object.kind ?? null) && o.table === object.table
      const old = present?.find((o) => same(o, object.renamedFrom!))
      if (!old || present!.some((o) => same(o, object.name))) continue
      old.name = object.name
      plan.add(Phase.RenameObject, [order, object.name], new RenameObjectOp(object.renamedFrom, object.name, wrap(structuredClone(old), object.renamedFrom)))
    }
  }
  // Triggers first, with the function they run named as it is then: their record names it (postgres-renames.ts).
  pass(target.triggers, renamed.triggers, (model) => ({ kind: 'trigger', model }), 0)
  pass(target.views, renamed.views, (model) => ({ kind: 'view', model }))
  if (dialect.features.sequences) pass(target.sequences, renamed.sequences, (model) => ({ kind: 'sequence', model }))
  pass(target.routines, renamed.routines, (model, from) => {
    // A trigger runs its function by oid: after the rename it runs the function under the new name.
    for (const t of renamed.triggers ?? []) {
      if (model.kind !== 'function' || !t.function) continue
      if (t.function === from) t.function = model.name
      else if (model.schema && t.function === `${model.schema}.${from}`) t.function = `${model.schema}.${model.name}`
    }
    return { kind: 'routine', model }
  })
  return renamed
}
