/**
 * Reading index elements in their three forms (`'col'`, `{ expression }`, `{ column, desc… }`) and bringing them to
 * one canonical form, so that a plain column and `{ column }` without options compare equal.
 */
import type { IndexElement, IndexElementOptions, IndexModel } from './model.js'

/** The column an element indexes, or null for an expression. */
export function elementColumn(element: IndexElement): string | null {
  if (typeof element === 'string') return element
  return 'column' in element ? element.column : null
}

/** The options of an element (empty for a plain column). */
export function elementOptions(element: IndexElement): IndexElementOptions {
  if (typeof element === 'string') return {}
  const { desc, nulls, opclass, collate } = element
  return { ...(desc ? { desc } : {}), ...(nulls ? { nulls } : {}), ...(opclass ? { opclass } : {}), ...(collate ? { collate } : {}) }
}

/** Each option's name as a message says it, for the options an element uses. */
export function elementOptionNames(element: IndexElement): Array<keyof IndexElementOptions> {
  return Object.keys(elementOptions(element)) as Array<keyof IndexElementOptions>
}

/**
 * The element without defaults: NULLS LAST ascending and NULLS FIRST descending are dropped, and a column without
 * options is its name. `foldCollation` spells a collation the way the server compares it (SQLite: upper case).
 */
export function canonicalElement(element: IndexElement, foldCollation: (name: string) => string = (n) => n, columnCollation?: (column: string) => string | null): IndexElement {
  const options = elementOptions(element)
  const column = elementColumn(element)
  if (options.nulls === (options.desc ? 'first' : 'last')) delete options.nulls
  if (options.collate) options.collate = foldCollation(options.collate)
  // An element collated as its column is, is indexed with the column's own collation: the server reports none.
  if (options.collate && column !== null && columnCollation && options.collate === columnCollation(column)) delete options.collate
  if (column !== null) return Object.keys(options).length === 0 ? column : { column, ...options }
  return { expression: (element as { expression: string }).expression, ...options }
}

/** Index-level details without defaults (`using btree` is the default method). */
export function canonicalIndexDetails(index: IndexModel): Pick<IndexModel, 'using' | 'include'> {
  const out: Pick<IndexModel, 'using' | 'include'> = {}
  const using = index.using?.toLowerCase()
  if (using && using !== 'btree') out.using = using
  if (index.include?.length) out.include = [...index.include]
  return out
}

/** True when every element is a plain column: an index that could stand for a unique constraint or a key. */
export function onlyPlainColumns(index: IndexModel): boolean {
  return index.elements.every((e) => typeof e === 'string')
}

/** The SQL expression an element indexes, or null for a column. */
export function elementExpression(element: IndexElement): string | null {
  return typeof element !== 'string' && 'expression' in element ? element.expression : null
}
