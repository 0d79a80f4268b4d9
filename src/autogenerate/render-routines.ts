import type { RoutineOperation } from '../operations/object-kinds.js'
import type { RoutineModel, TriggerModel } from '../schema/model.js'
import { type Doc, call, object, text } from './render-layout.js'
import { type ImportSet, namesDoc, sqlTemplate, stringLiteral } from './render-values.js'

type Entry = { key: string; value: Doc }
const str = (value: string): Doc => text(stringLiteral(value))
const entry = (key: string, value: Doc): Entry => ({ key, value })

/** A routine's options (what `sqlFunction()` / `op.createFunction()` take), schema left out. */
function routineEntries(r: RoutineModel, imports: ImportSet): Entry[] {
  const entries: Entry[] = []
  if (r.args) entries.push(entry('args', str(r.args)))
  if (r.returns) entries.push(entry('returns', str(r.returns)))
  entries.push(entry('language', str(r.language)))
  if (r.volatility) entries.push(entry('volatility', str(r.volatility)))
  if (r.security) entries.push(entry('security', str(r.security)))
  entries.push(entry('body', text(sqlTemplate(r.body, imports))))
  return entries
}

/** A trigger's options, table and schema left out. */
function triggerEntries(t: TriggerModel, imports: ImportSet): Entry[] {
  const entries: Entry[] = [entry('timing', str(t.timing)), entry('events', namesDoc(t.events))]
  if (t.updateOf?.length) entries.push(entry('updateOf', namesDoc(t.updateOf)))
  entries.push(entry('forEach', str(t.forEach)))
  if (t.when) entries.push(entry('when', text(sqlTemplate(t.when, imports))))
  if (t.body) entries.push(entry('body', text(sqlTemplate(t.body, imports))))
  if (t.function) entries.push(entry('function', str(t.function)))
  if (t.arguments?.length) entries.push(entry('arguments', namesDoc(t.arguments)))
  return entries
}

const schemaEntries = (schema: string | null | undefined): Entry[] => (schema ? [entry('schema', str(schema))] : [])
const method = (kind: RoutineModel['kind'], verb: string) => `${verb}${kind === 'function' ? 'Function' : 'Procedure'}`


/** A routine as its schema-file declaration, `sqlFunction('name', { … })` / `procedure(…)`: what `pull` writes. */
export function routineDeclarationDoc(r: RoutineModel, imports: ImportSet): Doc {
  return call(imports.use(r.kind === 'function' ? 'sqlFunction' : 'procedure'), str(r.name), object([...routineEntries(r, imports), ...schemaEntries(r.schema)]))
}

/** A trigger as its schema-file declaration, `trigger('name', { table, … })`: what `pull` writes. */
export function triggerDeclarationDoc(t: TriggerModel, imports: ImportSet): Doc {
  return call(imports.use('trigger'), str(t.name), object([entry('table', str(t.table)), ...triggerEntries(t, imports), ...schemaEntries(t.schema)]))
}

/** `op.createFunction(…)`, `op.dropTrigger(…, { existing })`…: each with what its reverse needs. */
export function routineOperationDoc(operation: RoutineOperation, imports: ImportSet): Doc {
  const op = (name: string, ...args: Doc[]) => call(`op.${name}`, ...args)
  switch (operation.kind) {
    case 'createRoutine': {
      const r = operation.routine
      return op(method(r.kind, 'create'), str(r.name), object([...routineEntries(r, imports), ...schemaEntries(r.schema)]))
    }
    case 'dropRoutine': {
      const existing = operation.routine ? [entry('existing', object(routineEntries(operation.routine, imports)))] : []
      const entries = [...schemaEntries(operation.schema), ...existing]
      return entries.length ? op(method(operation.routineKind, 'drop'), str(operation.name), object(entries)) : op(method(operation.routineKind, 'drop'), str(operation.name))
    }
    case 'replaceRoutine': {
      const r = operation.routine
      const existing = operation.existing ? [entry('existing', object(routineEntries(operation.existing, imports)))] : []
      return op(method(r.kind, 'replace'), str(r.name), object([...routineEntries(r, imports), ...schemaEntries(r.schema), ...existing]))
    }
    case 'createTrigger': {
      const t = operation.trigger
      return op('createTrigger', str(t.name), object([entry('table', str(t.table)), ...triggerEntries(t, imports), ...schemaEntries(t.schema)]))
    }
    case 'dropTrigger': {
      const existing = operation.trigger ? [entry('existing', object(triggerEntries(operation.trigger, imports)))] : []
      return op('dropTrigger', str(operation.name), object([entry('table', str(operation.table)), ...schemaEntries(operation.schema), ...existing]))
    }
    case 'replaceTrigger': {
      const t = operation.trigger
      const existing = operation.existing ? [entry('existing', object(triggerEntries(operation.existing, imports)))] : []
      return op('replaceTrigger', str(t.name), object([entry('table', str(t.table)), ...triggerEntries(t, imports), ...schemaEntries(t.schema), ...existing]))
    }
  }
}
