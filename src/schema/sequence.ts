import type { SequenceModel } from './model.js'

type SequenceNumber = number | bigint | string

export interface SequenceOptions {
  schema?: string
  start?: SequenceNumber
  increment?: SequenceNumber
  min?: SequenceNumber
  max?: SequenceNumber
  cache?: SequenceNumber
  cycle?: boolean
  /** `'table.column'`: dropping that column (or its table) drops the sequence too. */
  ownedBy?: string
  /** The sequence's old name: renamed (its value kept) while the database still has it under that name. */
  renamedFrom?: string
}

/** A sequence declared in a schema file: `export const orderNo = sequence('order_no', { start: 1000 })` (PostgreSQL). */
export interface Sequence {
  readonly sequenceName: string
  /** @internal */ readonly model: SequenceModel
}

const SEQUENCE_MARK = Symbol.for('strata.sequence')
const NUMERIC_OPTIONS = ['start', 'increment', 'min', 'max', 'cache'] as const

function integerText(name: string, option: string, value: SequenceNumber): string {
  const text = String(value).trim()
  if (!/^-?\d+$/.test(text)) throw new Error(`sequence('${name}'): ${option} must be a whole number, not ${JSON.stringify(value)}`)
  return BigInt(text).toString()
}

/** Builds the model of a sequence; shared by the DSL and the `op` API. */
export function sequenceModel(name: string, options: SequenceOptions = {}): SequenceModel {
  const model: SequenceModel = { name, schema: options.schema ?? null }
  for (const option of NUMERIC_OPTIONS) {
    const value = options[option]
    if (value !== undefined) model[option] = integerText(name, option, value)
  }
  if (model.increment === '0') throw new Error(`sequence('${name}'): increment must not be 0`)
  if (options.cycle) model.cycle = true
  if (options.ownedBy) {
    if (!/^[^.]+\.[^.]+$/.test(options.ownedBy)) throw new Error(`sequence('${name}'): ownedBy must be 'table.column', not '${options.ownedBy}'`)
    model.ownedBy = options.ownedBy
  }
  if (options.renamedFrom) model.renamedFrom = options.renamedFrom
  return model
}

export function sequence(name: string, options: SequenceOptions = {}): Sequence {
  const model = sequenceModel(name, options)
  return Object.defineProperties({} as Sequence, {
    sequenceName: { value: name, enumerable: true },
    model: { value: model },
    [SEQUENCE_MARK]: { value: true },
  })
}

export function isSequence(value: unknown): value is Sequence {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[SEQUENCE_MARK] === true
}

const MAX_BIGINT = 9223372036854775807n
const MIN_BIGINT = -9223372036854775808n

/** Every option with the server's default filled in (a bigint sequence): what compare matches. */
export function effectiveSequence(s: SequenceModel): Required<Omit<SequenceModel, 'schema' | 'ownedBy' | 'renamedFrom'>> {
  const increment = BigInt(s.increment ?? '1')
  const ascending = increment > 0n
  const min = s.min !== undefined ? BigInt(s.min) : ascending ? 1n : MIN_BIGINT
  const max = s.max !== undefined ? BigInt(s.max) : ascending ? MAX_BIGINT : -1n
  const start = s.start !== undefined ? BigInt(s.start) : ascending ? min : max
  return { name: s.name, start: String(start), increment: String(increment), min: String(min), max: String(max), cache: s.cache ?? '1', cycle: s.cycle ?? false }
}

/** A reflected sequence with the options that are the server's defaults left out (what `pull` writes). */
export function withoutDefaults(s: SequenceModel): SequenceModel {
  const bare: SequenceModel = { name: s.name, schema: s.schema ?? null, ...(s.increment && s.increment !== '1' ? { increment: s.increment } : {}) }
  const defaults = effectiveSequence(bare)
  const full = effectiveSequence(s)
  if (full.min !== defaults.min) bare.min = full.min
  if (full.max !== defaults.max) bare.max = full.max
  const startDefault = effectiveSequence(bare).start
  if (full.start !== startDefault) bare.start = full.start
  if (full.cache !== '1') bare.cache = full.cache
  if (full.cycle) bare.cycle = true
  if (s.ownedBy) bare.ownedBy = s.ownedBy
  return bare
}
