import type { AnyOperation } from './index.js'
import type { SchemaModel, ViewModel } from '../schema/model.js'
import { NotReversibleError, Operation, display } from './base.js'

function sameView(a: { name: string; schema?: string | null }, b: { name: string; schema?: string | null }): boolean {
  return a.name === b.name && (a.schema ?? null) === (b.schema ?? null)
}

function views(model: SchemaModel): ViewModel[] {
  model.views ??= []
  return model.views
}

function removeView(model: SchemaModel, name: string, schema: string | null): void {
  const list = views(model)
  const at = list.findIndex((v) => sameView(v, { name, schema }))
  if (at < 0) throw new Error(`view '${display(name, schema)}' does not exist`)
  list.splice(at, 1)
}

/**
 * Why a view is dropped and created again around other changes (PostgreSQL refuses to alter or drop a column a
 * view reads): set on the pair so that the `Detected` lines say so.
 */
export type RecreateReason = { around: string }

/** 'view' or 'materialized view', as messages name it. */
export function viewNoun(view: { materialized?: boolean } | undefined): string {
  return view?.materialized ? 'materialized view' : 'view'
}

export class CreateViewOp extends Operation {
  readonly kind = 'createView'
  constructor(readonly view: ViewModel, readonly recreate: RecreateReason | null = null) {
    super()
  }
  get schema(): string | null {
    return this.view.schema ?? null
  }
  reverse(): AnyOperation {
    return new DropViewOp(this.view.name, this.schema, structuredClone(this.view), this.recreate)
  }
  describe(): string {
    const name = display(this.view.name, this.view.schema)
    const noun = viewNoun(this.view)
    return this.recreate ? `re-created ${noun} '${name}' after changes to ${this.recreate.around}` : `added ${noun} '${name}'`
  }
  apply(model: SchemaModel): void {
    if (views(model).some((v) => sameView(v, this.view))) throw new Error(`view '${display(this.view.name, this.view.schema)}' already exists`)
    views(model).push(structuredClone(this.view))
  }
}

export class DropViewOp extends Operation {
  readonly kind = 'dropView'
  constructor(
    readonly name: string,
    readonly schema: string | null = null,
    /** The view as it was: what the reverse re-creates. */
    readonly view?: ViewModel,
    readonly recreate: RecreateReason | null = null,
    /** A materialized view (known from `view` when it is given). */
    readonly materialized: boolean = view?.materialized ?? false,
  ) {
    super()
  }
  reverse(): AnyOperation {
    if (!this.view) throw new NotReversibleError(`${this.materialized ? 'dropMaterializedView' : 'dropView'}('${this.name}')`, 'its definition is unknown')
    return new CreateViewOp(structuredClone(this.view), this.recreate)
  }
  describe(): string {
    const name = display(this.name, this.schema)
    const noun = viewNoun({ materialized: this.materialized })
    return this.recreate ? `dropped ${noun} '${name}' to re-create it around changes to ${this.recreate.around}` : `removed ${noun} '${name}'`
  }
  apply(model: SchemaModel): void {
    removeView(model, this.name, this.schema)
  }
}

/** A view's new definition (or column list, or check option); `existing` is the old view, for the reverse. */
export class ReplaceViewOp extends Operation {
  readonly kind = 'replaceView'
  constructor(readonly view: ViewModel, readonly existing?: ViewModel) {
    super()
  }
  get schema(): string | null {
    return this.view.schema ?? null
  }
  reverse(): AnyOperation {
    if (!this.existing) throw new NotReversibleError(`replaceView('${this.view.name}')`, 'the old definition is unknown')
    return new ReplaceViewOp(structuredClone(this.existing), structuredClone(this.view))
  }
  describe(): string {
    return `changed definition of view '${display(this.view.name, this.view.schema)}'`
  }
  apply(model: SchemaModel): void {
    removeView(model, this.view.name, this.schema)
    views(model).push(structuredClone(this.view))
  }
}

/** True when the operation creates, drops or replaces a materialized view (dialects without them refuse it). */
export function touchesMaterializedView(op: CreateViewOp | DropViewOp | ReplaceViewOp): boolean {
  if (op.kind === 'dropView') return op.materialized
  return !!op.view.materialized || (op.kind === 'replaceView' && !!op.existing?.materialized)
}
