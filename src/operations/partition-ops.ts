import type { AnyOperation } from './index.js'
import type { PartitionBound, PartitionModel, SchemaModel } from '../schema/model.js'
import { NotReversibleError, Operation, display } from './base.js'

const samePartition = (a: { name: string; schema?: string | null }, b: { name: string; schema?: string | null }) =>
  a.name === b.name && (a.schema ?? null) === (b.schema ?? null)

function withoutPartition(model: SchemaModel, p: { name: string; schema?: string | null }): PartitionModel[] {
  return (model.partitions ?? []).filter((x) => !samePartition(x, p))
}

/** `CREATE TABLE p PARTITION OF parent FOR VALUES …`: the partition has its parent's columns, keys and indexes. */
export class CreatePartitionOp extends Operation {
  readonly kind = 'createPartition'
  constructor(readonly partition: PartitionModel) {
    super()
  }
  reverse(): AnyOperation {
    return new DropPartitionOp(this.partition.name, this.partition.schema ?? null, structuredClone(this.partition))
  }
  describe(): string {
    return `added partition '${display(this.partition.name, this.partition.schema)}' of '${this.partition.parent}'`
  }
  apply(model: SchemaModel): void {
    model.partitions = [...withoutPartition(model, this.partition), structuredClone(this.partition)]
  }
}

/** Drops a partition and its rows. `partition` (its parent and bound) is needed only to reverse. */
export class DropPartitionOp extends Operation {
  readonly kind = 'dropPartition'
  constructor(readonly name: string, readonly schema: string | null = null, readonly partition?: PartitionModel) {
    super()
  }
  reverse(): AnyOperation {
    if (!this.partition) throw new NotReversibleError(`dropPartition('${this.name}')`, 'its parent and bound are unknown')
    return new CreatePartitionOp(structuredClone(this.partition))
  }
  describe(): string {
    return `removed partition '${display(this.name, this.schema)}'${this.partition ? ` of '${this.partition.parent}'` : ''}`
  }
  apply(model: SchemaModel): void {
    model.partitions = withoutPartition(model, this)
  }
}

/**
 * New bounds for a partition, keeping its rows: DETACH, then ATTACH with the new bound. The server checks every
 * row against the new bound (and the default partition's rows against it) and fails the migration if one does
 * not fit.
 */
export class AlterPartitionBoundOp extends Operation {
  readonly kind = 'alterPartitionBound'
  constructor(readonly partition: PartitionModel, readonly existing?: PartitionBound) {
    super()
  }
  reverse(): AnyOperation {
    if (!this.existing) throw new NotReversibleError(`alterPartitionBound('${this.partition.name}')`, 'the old bound is unknown')
    return new AlterPartitionBoundOp({ ...structuredClone(this.partition), bound: structuredClone(this.existing) }, structuredClone(this.partition.bound))
  }
  describe(): string {
    return `changed the bounds of partition '${display(this.partition.name, this.partition.schema)}' of '${this.partition.parent}'`
  }
  apply(model: SchemaModel): void {
    model.partitions = [...withoutPartition(model, this.partition), structuredClone(this.partition)]
  }
}
