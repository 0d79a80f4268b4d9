/**
 * Index elements and index details as TypeScript: as operation data (`{ column: 'a', desc: true }`) in a
 * revision's `op.createIndex`, and as the DSL chain (`t.a.desc()`, `.using('gin')`) in a table declaration.
 */
import { elementColumn, elementExpression, elementOptions } from '../schema/index-elements.js'
import type { IndexElement, IndexElementOptions, IndexModel } from '../schema/model.js'
import { type Doc, call, chain, object, text } from './render-layout.js'
import { type ImportSet, namesDoc, sqlTemplate, stringLiteral } from './render-values.js'

type Link = { name: string; args: Doc[] }
const str = (value: string): Doc => text(stringLiteral(value))

function optionEntries(options: IndexElementOptions): Array<{ key: string; value: Doc }> {
  const entries: Array<{ key: string; value: Doc }> = []
  if (options.desc) entries.push({ key: 'desc', value: text('true') })
  if (options.nulls) entries.push({ key: 'nulls', value: str(options.nulls) })
  if (options.opclass) entries.push({ key: 'opclass', value: str(options.opclass) })
  if (options.collate) entries.push({ key: 'collate', value: str(options.collate) })
  return entries
}

/** An element as `op.createIndex` takes it: `'a'`, sql`lower(a)`, or `{ column: 'a', desc: true }`. */
export function elementDataDoc(element: IndexElement, imports: ImportSet): Doc {
  const options = optionEntries(elementOptions(element))
  const column = elementColumn(element)
  const expression = elementExpression(element)
  if (column !== null) return options.length ? object([{ key: 'column', value: str(column) }, ...options]) : str(column)
  const sqlDoc = text(sqlTemplate(expression ?? '', imports))
  return options.length ? object([{ key: 'expression', value: sqlDoc }, ...options]) : sqlDoc
}

/** `using` and `include` entries of `op.createIndex`'s options. */
export function indexDetailEntries(index: IndexModel): Array<{ key: string; value: Doc }> {
  const entries: Array<{ key: string; value: Doc }> = []
  if (index.using) entries.push({ key: 'using', value: str(index.using) })
  if (index.include?.length) entries.push({ key: 'include', value: namesDoc(index.include) })
  return entries
}

function optionLinks(options: IndexElementOptions): Link[] {
  const links: Link[] = []
  if (options.desc) links.push({ name: 'desc', args: [] })
  if (options.nulls) links.push({ name: options.nulls === 'first' ? 'nullsFirst' : 'nullsLast', args: [] })
  if (options.opclass) links.push({ name: 'opclass', args: [str(options.opclass)] })
  if (options.collate) links.push({ name: 'collate', args: [str(options.collate)] })
  return links
}

/**
 * An element in a table declaration. `columnDoc` writes a column (`'a'` or `t.a`); `bound` says whether that
 * form has the element methods itself (`t.a.desc()`) or needs `indexColumn('a')` first.
 */
export function elementChainDoc(element: IndexElement, imports: ImportSet, columnDoc: (name: string) => Doc, bound: boolean): Doc {
  const links = optionLinks(elementOptions(element))
  const column = elementColumn(element)
  const head = column !== null ? columnDoc(column) : text(sqlTemplate(elementExpression(element) ?? '', imports))
  if (links.length === 0) return head
  return chain(column !== null && bound ? head : call(imports.use('indexColumn'), head), links)
}

/** `.using('gin')`, `.include(…)`, `.concurrently()` after `.on(…)`. */
export function indexDetailLinks(index: IndexModel, columnDoc: (name: string) => Doc): Link[] {
  const links: Link[] = []
  if (index.using) links.push({ name: 'using', args: [str(index.using)] })
  if (index.include?.length) links.push({ name: 'include', args: index.include.map(columnDoc) })
  if (index.concurrently) links.push({ name: 'concurrently', args: [] })
  return links
}

/** `.collate('C')` and `.onUpdateNow()` on a column builder. */
export function columnDetailLinks(column: { collation?: string | null; onUpdateNow?: boolean }): Link[] {
  const links: Link[] = []
  if (column.collation) links.push({ name: 'collate', args: [str(column.collation)] })
  if (column.onUpdateNow) links.push({ name: 'onUpdateNow', args: [] })
  return links
}
