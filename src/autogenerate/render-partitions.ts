import type { PartitionOperation } from '../operations/object-kinds.js'
import type { PartitionBound, PartitionByModel, PartitionValue } from '../schema/model.js'
import { type Doc, array, call, object, text } from './render-layout.js'
import { type ImportSet, namesDoc, stringLiteral, valueDoc } from './render-values.js'

type Entry = { key: string; value: Doc }
const str = (value: string): Doc => text(stringLiteral(value))
const entry = (key: string, value: Doc): Entry => ({ key, value })

function valueOf(value: PartitionValue, imports: ImportSet): Doc {
  if (value !== null && typeof value === 'object') return text(imports.use(value.bound === 'minvalue' ? 'minValue' : 'maxValue'))
  return valueDoc(value)
}

/** One value, or an array for a multi-column range bound. */
function valuesOf(values: PartitionValue[], imports: ImportSet): Doc {
  return values.length === 1 ? valueOf(values[0]!, imports) : array(values.map((v) => valueOf(v, imports)))
}

/** A bound as the DSL's `values`: `{ from, to }`, `{ in: [...] }`, `{ modulus, remainder }` or `'default'`. */
export function partitionValuesDoc(bound: PartitionBound, imports: ImportSet): Doc {
  switch (bound.kind) {
    case 'default':
      return str('default')
    case 'range':
      return object([entry('from', valuesOf(bound.from, imports)), entry('to', valuesOf(bound.to, imports))])
    case 'list':
      return object([entry('in', array(bound.in.map((v) => valueOf(v, imports))))])
    case 'hash':
      return object([entry('modulus', text(String(bound.modulus))), entry('remainder', text(String(bound.remainder)))])
  }
}

/** `{ kind: 'range', columns: ['created_at'] }`: the `partitionBy` table option. */
export function partitionByDoc(by: PartitionByModel): Doc {
  return object([entry('kind', str(by.kind)), entry('columns', namesDoc(by.columns))])
}

const schemaEntries = (schema: string | null | undefined): Entry[] => (schema ? [entry('schema', str(schema))] : [])

export function partitionOperationDoc(operation: PartitionOperation, imports: ImportSet): Doc {
  const op = (name: string, ...args: Doc[]) => call(`op.${name}`, ...args)
  switch (operation.kind) {
    case 'createPartition': {
      const p = operation.partition
      return op('createPartition', str(p.name), object([entry('of', str(p.parent)), entry('values', partitionValuesDoc(p.bound, imports)), ...schemaEntries(p.schema)]))
    }
    case 'dropPartition': {
      const p = operation.partition
      const existing = p ? [entry('existing', object([entry('of', str(p.parent)), entry('values', partitionValuesDoc(p.bound, imports))]))] : []
      const entries = [...schemaEntries(operation.schema), ...existing]
      return entries.length ? op('dropPartition', str(operation.name), object(entries)) : op('dropPartition', str(operation.name))
    }
    case 'alterPartitionBound': {
      const p = operation.partition
      const existing = operation.existing ? [entry('existing', partitionValuesDoc(operation.existing, imports))] : []
      return op('alterPartitionBound', str(p.name), object([entry('of', str(p.parent)), entry('values', partitionValuesDoc(p.bound, imports)), ...existing, ...schemaEntries(p.schema)]))
    }
  }
}
