import type { CreateViewOp, DropViewOp, ReplaceViewOp } from '../operations/view-ops.js'
import type { ViewModel } from '../schema/model.js'
import { type Doc, call, object, text } from './render-layout.js'
import { type ImportSet, namesDoc, sqlTemplate, stringLiteral, valueDoc } from './render-values.js'

type Entry = { key: string; value: Doc }
const str = (value: string): Doc => text(stringLiteral(value))

/** `columns` and `checkOption` of a view, as option entries. */
function viewEntries(view: ViewModel): Entry[] {
  const entries: Entry[] = []
  if (view.columns?.length) entries.push({ key: 'columns', value: namesDoc(view.columns) })
  if (view.checkOption) entries.push({ key: 'checkOption', value: str(view.checkOption) })
  if (view.materialized && view.withData === false) entries.push({ key: 'withData', value: text('false') })
  if (view.indexes?.length) entries.push({ key: 'indexes', value: valueDoc(view.indexes) })
  return entries
}

function schemaEntries(schema: string | null | undefined): Entry[] {
  return schema ? [{ key: 'schema', value: str(schema) }] : []
}

function withOptions(args: Doc[], entries: Entry[]): Doc[] {
  return entries.length > 0 ? [...args, object(entries)] : args
}

/** `op.createView(…)`, `op.dropView(…)` (with the definition its reverse needs), `op.replaceView(…)`. */
export function viewOperationDoc(operation: CreateViewOp | DropViewOp | ReplaceViewOp, imports: ImportSet): Doc {
  const op = (method: string, ...args: Doc[]) => call(`op.${method}`, ...args)
  switch (operation.kind) {
    case 'createView': {
      const v = operation.view
      return op(v.materialized ? 'createMaterializedView' : 'createView', ...withOptions([str(v.name), text(sqlTemplate(v.definition, imports))], [...viewEntries(v), ...schemaEntries(v.schema)]))
    }
    case 'dropView': {
      const v = operation.view
      const entries = v ? [{ key: 'definition', value: text(sqlTemplate(v.definition, imports)) }, ...viewEntries(v)] : []
      return op(operation.materialized ? 'dropMaterializedView' : 'dropView', ...withOptions([str(operation.name)], [...entries, ...schemaEntries(operation.schema)]))
    }
    case 'replaceView': {
      const v = operation.view
      const entries = viewEntries(v)
      const old = operation.existing
      if (old) entries.push({ key: 'existing', value: object([{ key: 'definition', value: text(sqlTemplate(old.definition, imports)) }, ...viewEntries(old)]) })
      return op('replaceView', ...withOptions([str(v.name), text(sqlTemplate(v.definition, imports))], [...entries, ...schemaEntries(v.schema)]))
    }
  }
}

/** A view as its schema-file declaration, `view('name', sql\`…\`, { … })`: what `pull` writes for a reflected view. */
export function viewDeclarationDoc(view: ViewModel, imports: ImportSet): Doc {
  const args = [str(view.name), text(sqlTemplate(view.definition, imports))]
  return call(imports.use(view.materialized ? 'materializedView' : 'view'), ...withOptions(args, [...viewEntries(view), ...schemaEntries(view.schema)]))
}
