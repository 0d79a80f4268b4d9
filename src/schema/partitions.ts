/**
 * Partitions of partitioned tables (PostgreSQL): `partition('events_2026', { of: events, values: { from, to } })`.
 * The parent declares how it splits rows with `table(…, { partitionBy: { kind, columns } })`.
 */
import type { PartitionBound, PartitionModel, PartitionValue } from './model.js'
import { type Table, isTable, tableDefinition } from './table.js'

/** MINVALUE / MAXVALUE: the open ends of a range partition. */
export const minValue: PartitionValue = Object.freeze({ bound: 'minvalue' as const })
export const maxValue: PartitionValue = Object.freeze({ bound: 'maxvalue' as const })

type OneOrMore = PartitionValue | PartitionValue[]

/** The rows a partition holds: a range (`to` excluded), a list, a hash slot, or every row no other partition takes. */
export type PartitionValues =
  | { from: OneOrMore; to: OneOrMore }
  | { in: PartitionValue[] }
  | { modulus: number; remainder: number }
  | 'default'

export interface PartitionOptions {
  /** The partitioned table: a `table()` value, or its name. */
  of: Table | string
  /** The parent's schema, when `of` is a name. */
  schema?: string
  values: PartitionValues
}

export interface Partition {
  readonly partitionName: string
  /** @internal */ readonly model: PartitionModel
}

const PARTITION_MARK = Symbol.for('strata.partition')

const list = (value: OneOrMore): PartitionValue[] => (Array.isArray(value) ? [...value] : [value])

export function partitionBound(name: string, values: PartitionValues): PartitionBound {
  if (values === 'default') return { kind: 'default' }
  if ('in' in values) {
    if (values.in.length === 0) throw new Error(`partition('${name}'): values.in needs at least one value`)
    return { kind: 'list', in: [...values.in] }
  }
  if ('modulus' in values) {
    const { modulus, remainder } = values
    if (!Number.isInteger(modulus) || modulus < 1 || !Number.isInteger(remainder) || remainder < 0 || remainder >= modulus)
      throw new Error(`partition('${name}'): a hash partition needs an integer modulus ≥ 1 and a remainder from 0 to modulus - 1`)
    return { kind: 'hash', modulus, remainder }
  }
  if ('from' in values && 'to' in values) return { kind: 'range', from: list(values.from), to: list(values.to) }
  throw new Error(`partition('${name}'): values must be { from, to }, { in: [...] }, { modulus, remainder } or 'default'`)
}

export function partitionModel(name: string, options: PartitionOptions): PartitionModel {
  const parent = typeof options.of === 'string' ? { name: options.of, schema: options.schema ?? null } : parentOf(options.of, name)
  return { name, schema: parent.schema, parent: parent.name, bound: partitionBound(name, options.values) }
}

function parentOf(value: Table, name: string): { name: string; schema: string | null } {
  if (!isTable(value)) throw new Error(`partition('${name}'): 'of' must be a table() value or a table name`)
  const definition = tableDefinition(value)
  return { name: definition.name, schema: definition.options.schema ?? null }
}

/** A partition of a partitioned table (PostgreSQL); it has its parent's columns, indexes and keys. */
export function partition(name: string, options: PartitionOptions): Partition {
  const value = { partitionName: name, model: partitionModel(name, options) }
  Object.defineProperty(value, PARTITION_MARK, { value: true })
  return value
}

export function isPartition(value: unknown): value is Partition {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[PARTITION_MARK] === true
}
