import type { AnyOperation } from './index.js'
import type { SchemaModel, SequenceModel } from '../schema/model.js'
import { NotReversibleError, Operation, display } from './base.js'

const sameSequence = (a: { name: string; schema?: string | null }, b: { name: string; schema?: string | null }) =>
  a.name === b.name && (a.schema ?? null) === (b.schema ?? null)

function withoutSequence(model: SchemaModel, s: { name: string; schema?: string | null }): SequenceModel[] {
  return (model.sequences ?? []).filter((x) => !sameSequence(x, s))
}

export class CreateSequenceOp extends Operation {
  readonly kind = 'createSequence'
  constructor(readonly sequence: SequenceModel) {
    super()
  }
  get schema(): string | null {
    return this.sequence.schema ?? null
  }
  reverse(): AnyOperation {
    return new DropSequenceOp(this.sequence.name, this.schema, structuredClone(this.sequence))
  }
  describe(): string {
    return `added sequence '${display(this.sequence.name, this.sequence.schema)}'`
  }
  apply(model: SchemaModel): void {
    if ((model.sequences ?? []).some((s) => sameSequence(s, this.sequence))) throw new Error(`sequence '${display(this.sequence.name, this.schema)}' already exists`)
    model.sequences = [...(model.sequences ?? []), structuredClone(this.sequence)]
  }
}

export class DropSequenceOp extends Operation {
  readonly kind = 'dropSequence'
  constructor(
    readonly name: string,
    readonly schema: string | null = null,
    /** The sequence as it was: what the reverse creates again (its current value is not kept). */
    readonly sequence?: SequenceModel,
  ) {
    super()
  }
  reverse(): AnyOperation {
    if (!this.sequence) throw new NotReversibleError(`dropSequence('${this.name}')`, 'its options are unknown')
    return new CreateSequenceOp(structuredClone(this.sequence))
  }
  describe(): string {
    return `removed sequence '${display(this.name, this.schema)}'`
  }
  apply(model: SchemaModel): void {
    model.sequences = withoutSequence(model, this)
  }
}

/**
 * New options or owner for a sequence (ALTER SEQUENCE: its current value is kept). `existing` is the sequence
 * before, for the reverse; only what differs between the two is changed.
 */
export class AlterSequenceOp extends Operation {
  readonly kind = 'alterSequence'
  constructor(readonly sequence: SequenceModel, readonly existing?: SequenceModel) {
    super()
  }
  get schema(): string | null {
    return this.sequence.schema ?? null
  }
  reverse(): AnyOperation {
    if (!this.existing) throw new NotReversibleError(`alterSequence('${this.sequence.name}')`, 'its old options are unknown')
    return new AlterSequenceOp(structuredClone(this.existing), structuredClone(this.sequence))
  }
  describe(): string {
    const name = display(this.sequence.name, this.sequence.schema)
    const owner = (this.sequence.ownedBy ?? null) !== (this.existing?.ownedBy ?? null)
    const onlyOwner = owner && JSON.stringify({ ...this.sequence, ownedBy: null }) === JSON.stringify({ ...this.existing, ownedBy: null })
    if (onlyOwner) return this.sequence.ownedBy ? `sequence '${name}' now owned by '${this.sequence.ownedBy}'` : `sequence '${name}' no longer owned by '${this.existing?.ownedBy}'`
    return `changed options of sequence '${name}'`
  }
  apply(model: SchemaModel): void {
    model.sequences = [...withoutSequence(model, this.sequence), structuredClone(this.sequence)]
  }
}
