import type { SequenceOperation } from '../operations/object-kinds.js'
import type { SequenceModel } from '../schema/model.js'
import { type Doc, call, object, text } from './render-layout.js'
import { type ImportSet, stringLiteral } from './render-values.js'

type Entry = { key: string; value: Doc }
const str = (value: string): Doc => text(stringLiteral(value))

/** A number option as code: a plain number while it is exact in JavaScript, else its decimal string. */
function numberDoc(value: string): Doc {
  return Number.isSafeInteger(Number(value)) ? text(value) : str(value)
}

/** A sequence's options (its schema left out), in the DSL's order. */
function sequenceEntries(s: SequenceModel): Entry[] {
  const entries: Entry[] = []
  for (const key of ['start', 'increment', 'min', 'max', 'cache'] as const) {
    const value = s[key]
    if (value !== undefined) entries.push({ key, value: numberDoc(value) })
  }
  if (s.cycle) entries.push({ key: 'cycle', value: text('true') })
  if (s.ownedBy) entries.push({ key: 'ownedBy', value: str(s.ownedBy) })
  return entries
}

function sequenceArgs(s: SequenceModel, extra: Entry[] = []): Doc[] {
  const entries = [...sequenceEntries(s), ...extra, ...(s.schema ? [{ key: 'schema', value: str(s.schema) }] : [])]
  return entries.length ? [str(s.name), object(entries)] : [str(s.name)]
}

/** `op.createSequence(…)`, `op.dropSequence(…)` (with the options its reverse needs), `op.alterSequence(…)`. */
export function sequenceOperationDoc(operation: SequenceOperation): Doc {
  const op = (method: string, ...args: Doc[]) => call(`op.${method}`, ...args)
  switch (operation.kind) {
    case 'createSequence':
      return op('createSequence', ...sequenceArgs(operation.sequence))
    case 'dropSequence':
      return op('dropSequence', ...sequenceArgs(operation.sequence ?? { name: operation.name, schema: operation.schema }))
    case 'alterSequence': {
      const existing = operation.existing ? [{ key: 'existing', value: object(sequenceEntries(operation.existing)) }] : []
      return op('alterSequence', ...sequenceArgs(operation.sequence, existing))
    }
  }
}

/** A sequence as its schema-file declaration: what `pull` writes for a reflected sequence. */
export function sequenceDeclarationDoc(s: SequenceModel, imports: ImportSet): Doc {
  return call(imports.use('sequence'), ...sequenceArgs(s))
}
