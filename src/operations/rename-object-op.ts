import type { AnyOperation } from './index.js'
import type { RoutineModel, SchemaModel, SequenceModel, TriggerModel, ViewModel } from '../schema/model.js'
import { Operation, display } from './base.js'
import { CreateRoutineOp, CreateTriggerOp, DropRoutineOp, DropTriggerOp } from './routine-ops.js'
import { CreateSequenceOp, DropSequenceOp } from './sequence-ops.js'
import { CreateViewOp, DropViewOp } from './view-ops.js'

/** An object beyond tables that a schema may rename, with the model it is at its new name. */
export type RenamedObject =
  | { kind: 'view'; model: ViewModel }
  | { kind: 'sequence'; model: SequenceModel }
  | { kind: 'routine'; model: RoutineModel }
  | { kind: 'trigger'; model: TriggerModel }

function noun(object: RenamedObject): string {
  if (object.kind === 'view') return object.model.materialized ? 'materialized view' : 'view'
  if (object.kind === 'routine') return object.model.kind
  return object.kind
}

function withName(object: RenamedObject, name: string): RenamedObject {
  return { ...object, model: { ...structuredClone(object.model), name } } as RenamedObject
}

/** The model list the object lives in. */
function listOf(model: SchemaModel, kind: RenamedObject['kind']): Array<{ name: string; schema?: string | null }> {
  if (kind === 'view') return (model.views ??= [])
  if (kind === 'sequence') return (model.sequences ??= [])
  if (kind === 'routine') return (model.routines ??= [])
  return (model.triggers ??= [])
}

/**
 * A view, materialized view, sequence, function, procedure or trigger renamed (`renamedFrom` in the schema): ALTER …
 * RENAME TO where the server can rename it (its rows, value or grants kept); dropped and created again under the new
 * name where it cannot (`dropAndCreate`). `object` is the object at its new name: what a re-creation needs.
 */
export class RenameObjectOp extends Operation {
  readonly kind = 'renameObject'
  constructor(readonly from: string, readonly to: string, readonly object: RenamedObject) {
    super()
  }
  get schema(): string | null {
    return this.object.model.schema ?? null
  }
  reverse(): AnyOperation {
    return new RenameObjectOp(this.to, this.from, withName(this.object, this.from))
  }
  describe(): string {
    const on = this.object.kind === 'trigger' ? ` on '${display(this.object.model.table, this.schema)}'` : ''
    return `renamed ${noun(this.object)} '${display(this.from, this.schema)}'${on} to '${this.to}'`
  }
  apply(model: SchemaModel): void {
    const list = listOf(model, this.object.kind)
    const table = this.object.kind === 'trigger' ? this.object.model.table : undefined
    const at = list.findIndex((o) => o.name === this.from && (o.schema ?? null) === this.schema && (o as { table?: string }).table === table)
    if (at < 0) throw new Error(`${noun(this.object)} '${display(this.from, this.schema)}' does not exist`)
    list.splice(at, 1, structuredClone(this.object.model))
  }
  /** The same change as a drop of the old name and a creation of the new one. */
  dropAndCreate(): AnyOperation[] {
    const old = withName(this.object, this.from)
    const o = this.object
    switch (o.kind) {
      case 'view':
        return [new DropViewOp(this.from, this.schema, old.model as ViewModel), new CreateViewOp(structuredClone(o.model))]
      case 'sequence':
        return [new DropSequenceOp(this.from, this.schema, old.model as SequenceModel), new CreateSequenceOp(structuredClone(o.model))]
      case 'routine':
        return [new DropRoutineOp(o.model.kind, this.from, this.schema, old.model as RoutineModel), new CreateRoutineOp(structuredClone(o.model))]
      case 'trigger':
        return [new DropTriggerOp(this.from, o.model.table, this.schema, old.model as TriggerModel), new CreateTriggerOp(structuredClone(o.model))]
    }
  }
}
