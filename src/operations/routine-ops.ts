import type { AnyOperation } from './index.js'
import type { RoutineModel, SchemaModel, TriggerModel } from '../schema/model.js'
import { NotReversibleError, Operation, display } from './base.js'

/** A trigger is named within its table (PostgreSQL allows `last_updated` on every table): `table` tells them apart. */
type Named = { name: string; schema?: string | null; table?: string }

/** The list of named objects of a model, created on first use, with add / remove that check presence. */
function objects<T extends Named>(model: SchemaModel, key: 'routines' | 'triggers'): { list: T[]; add(item: T, what: string): void; remove(name: string, schema: string | null, what: string, table?: string): void } {
  const list = (model[key] ??= []) as unknown as T[]
  const at = (name: string, schema: string | null, table: string | undefined) => list.findIndex((o) => o.name === name && (o.schema ?? null) === schema && o.table === table)
  return {
    list,
    add(item, what) {
      if (at(item.name, item.schema ?? null, item.table) >= 0) throw new Error(`${what} '${display(item.name, item.schema)}' already exists`)
      list.push(structuredClone(item))
    },
    remove(name, schema, what, table) {
      const index = at(name, schema, table)
      if (index < 0) throw new Error(`${what} '${display(name, schema)}' does not exist`)
      list.splice(index, 1)
    },
  }
}

export class CreateRoutineOp extends Operation {
  readonly kind = 'createRoutine'
  constructor(readonly routine: RoutineModel) {
    super()
  }
  reverse(): AnyOperation {
    return new DropRoutineOp(this.routine.kind, this.routine.name, this.routine.schema ?? null, structuredClone(this.routine))
  }
  describe(): string {
    return `added ${this.routine.kind} '${display(this.routine.name, this.routine.schema)}'`
  }
  apply(model: SchemaModel): void {
    objects<RoutineModel>(model, 'routines').add(this.routine, this.routine.kind)
  }
}

export class DropRoutineOp extends Operation {
  readonly kind = 'dropRoutine'
  constructor(readonly routineKind: RoutineModel['kind'], readonly name: string, readonly schema: string | null = null, readonly routine?: RoutineModel) {
    super()
  }
  reverse(): AnyOperation {
    if (!this.routine) throw new NotReversibleError(`drop ${this.routineKind} '${this.name}'`, 'its definition is unknown')
    return new CreateRoutineOp(structuredClone(this.routine))
  }
  describe(): string {
    return `removed ${this.routineKind} '${display(this.name, this.schema)}'`
  }
  apply(model: SchemaModel): void {
    objects<RoutineModel>(model, 'routines').remove(this.name, this.schema, this.routineKind)
  }
}

export class ReplaceRoutineOp extends Operation {
  readonly kind = 'replaceRoutine'
  constructor(readonly routine: RoutineModel, readonly existing?: RoutineModel) {
    super()
  }
  reverse(): AnyOperation {
    if (!this.existing) throw new NotReversibleError(`replace ${this.routine.kind} '${this.routine.name}'`, 'the old definition is unknown')
    return new ReplaceRoutineOp(structuredClone(this.existing), structuredClone(this.routine))
  }
  describe(): string {
    return `changed ${this.routine.kind} '${display(this.routine.name, this.routine.schema)}'`
  }
  apply(model: SchemaModel): void {
    const routines = objects<RoutineModel>(model, 'routines')
    routines.remove(this.routine.name, this.routine.schema ?? null, this.routine.kind)
    routines.add(this.routine, this.routine.kind)
  }
}

const triggerPath = (t: { name: string; table: string; schema?: string | null }) => `${t.name}' on '${display(t.table, t.schema)}`

export class CreateTriggerOp extends Operation {
  readonly kind = 'createTrigger'
  constructor(readonly trigger: TriggerModel) {
    super()
  }
  reverse(): AnyOperation {
    return new DropTriggerOp(this.trigger.name, this.trigger.table, this.trigger.schema ?? null, structuredClone(this.trigger))
  }
  describe(): string {
    return `added trigger '${triggerPath(this.trigger)}'`
  }
  apply(model: SchemaModel): void {
    objects<TriggerModel>(model, 'triggers').add(this.trigger, 'trigger')
  }
}

export class DropTriggerOp extends Operation {
  readonly kind = 'dropTrigger'
  constructor(readonly name: string, readonly table: string, readonly schema: string | null = null, readonly trigger?: TriggerModel) {
    super()
  }
  reverse(): AnyOperation {
    if (!this.trigger) throw new NotReversibleError(`dropTrigger('${this.name}')`, 'its definition is unknown')
    return new CreateTriggerOp(structuredClone(this.trigger))
  }
  describe(): string {
    return `removed trigger '${triggerPath(this)}'`
  }
  apply(model: SchemaModel): void {
    objects<TriggerModel>(model, 'triggers').remove(this.name, this.schema, 'trigger', this.table)
  }
}

export class ReplaceTriggerOp extends Operation {
  readonly kind = 'replaceTrigger'
  constructor(readonly trigger: TriggerModel, readonly existing?: TriggerModel) {
    super()
  }
  reverse(): AnyOperation {
    if (!this.existing) throw new NotReversibleError(`replaceTrigger('${this.trigger.name}')`, 'the old definition is unknown')
    return new ReplaceTriggerOp(structuredClone(this.existing), structuredClone(this.trigger))
  }
  describe(): string {
    return `changed trigger '${triggerPath(this.trigger)}'`
  }
  apply(model: SchemaModel): void {
    const triggers = objects<TriggerModel>(model, 'triggers')
    const old = this.existing ?? this.trigger
    triggers.remove(old.name, old.schema ?? null, 'trigger', old.table)
    triggers.add(this.trigger, 'trigger')
  }
}
