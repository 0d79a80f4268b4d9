/**
 * How `pull` lays one reflected table out in the DSL, and which names it must write: a name the naming convention
 * reproduces is left out (so the file reads like hand-written code), any other is written explicitly.
 */
import type { ForeignKeyModel, IndexElement, IndexModel, TableModel } from '../schema/model.js'
import { type NamingConvention, applyConvention } from '../schema/naming.js'
import { columnKeys } from './identifiers.js'
import { elementColumn } from '../schema/index-elements.js'

/** `name` is set when the convention does not reproduce the database's name. */
export interface Named<T> {
  object: T
  name?: string
}

export interface TablePlan {
  table: TableModel
  /** Column name → property key. */
  keys: Map<string, string>
  /** The column carrying `.primaryKey()`, when the key is one column the convention names. */
  inlinePrimaryKey: string | null
  /** A `primaryKey({ … })` extra otherwise. */
  primaryKey: Named<string[]> | null
  /** Column → `.unique(name?)`. */
  inlineUniques: Map<string, Named<string[]>>
  uniques: Array<Named<string[]>>
  /** Column → `.references(…)`: single-column keys, one per column. */
  inlineForeignKeys: Map<string, Named<ForeignKeyModel>>
  foreignKeys: Array<Named<ForeignKeyModel>>
  indexes: Array<Named<IndexModel>>
  /** How many of the database's names the convention reproduced. */
  reproduced: number
}

let collator: Intl.Collator | undefined

/**
 * Names in natural order (`ix_2` before `ix_10`). The collator is built on first use: building one loads ICU's
 * collation data (30–80 ms of CPU), and every command whose bundle initialises this module (`upgrade` among them)
 * paid for it at start-up although only `pull` sorts.
 */
function naturalOrder(a: string, b: string): number {
  collator ??= new Intl.Collator('en', { numeric: true })
  return collator.compare(a, b)
}

function elementToken(element: IndexElement): string {
  return elementColumn(element) ?? 'expr'
}

/** `inlineable`: whether a single-column key may be a `.references()` thunk (its table is in the file). */
export function planTable(table: TableModel, naming: NamingConvention, inlineable: (fk: ForeignKeyModel) => boolean = () => true): TablePlan {
  const plan: TablePlan = {
    table,
    keys: columnKeys(table.columns.map((c) => c.name)),
    inlinePrimaryKey: null,
    primaryKey: null,
    inlineUniques: new Map(),
    uniques: [],
    inlineForeignKeys: new Map(),
    foreignKeys: [],
    indexes: [],
    reproduced: 0,
  }
  // A name the database does not keep (MySQL's PRIMARY, SQLite's unnamed keys) never needs writing.
  const explicit = <T>(object: T, actual: string | null | undefined, generated: string): Named<T> => {
    if (!actual) return { object }
    if (actual === generated) {
      plan.reproduced++
      return { object }
    }
    return { object, name: actual }
  }
  const t = table.name

  const pk = table.primaryKey
  if (pk && pk.columns.length > 0) {
    const named = explicit(pk.columns, pk.name, applyConvention(naming.primaryKey, { table: t, columns: pk.columns }))
    if (pk.columns.length === 1 && named.name === undefined) plan.inlinePrimaryKey = pk.columns[0]!
    else plan.primaryKey = named
  }

  for (const unique of [...table.uniques].sort((a, b) => naturalOrder(a.name, b.name))) {
    const named = explicit(unique.columns, unique.name, applyConvention(naming.unique, { table: t, columns: unique.columns }))
    const column = unique.columns[0]!
    if (unique.columns.length === 1 && !plan.inlineUniques.has(column)) plan.inlineUniques.set(column, named)
    else plan.uniques.push(named)
  }

  planForeignKeys(plan, naming, explicit, inlineable)

  for (const index of [...table.indexes].sort((a, b) => naturalOrder(a.name, b.name)))
    plan.indexes.push(explicit(index, index.name, applyConvention(naming.index, { table: t, columns: index.elements.map(elementToken) })))
  return plan
}

/**
 * Single-column keys go inline (`.references()`), in column order; the others follow as extras, in the natural
 * order of their names. That is the order the DSL numbers unnamed keys in (MySQL's `{table}_ibfk_{n}`).
 */
function planForeignKeys(
  plan: TablePlan,
  naming: NamingConvention,
  explicit: <T>(object: T, actual: string, generated: string) => Named<T>,
  inlineable: (fk: ForeignKeyModel) => boolean,
): void {
  const { table } = plan
  const sorted = [...table.foreignKeys].sort((a, b) => naturalOrder(a.name, b.name))
  const inline = new Map<string, ForeignKeyModel>()
  const extras: ForeignKeyModel[] = []
  for (const fk of sorted) {
    if (fk.columns.length === 1 && fk.referencedColumns.length === 1 && inlineable(fk) && !inline.has(fk.columns[0]!)) inline.set(fk.columns[0]!, fk)
    else extras.push(fk)
  }
  const inColumnOrder = table.columns.flatMap((c) => (inline.has(c.name) ? [inline.get(c.name)!] : []))
  let unnamed = 0
  const place = (fk: ForeignKeyModel): Named<ForeignKeyModel> => {
    const generated = applyConvention(naming.foreignKey, { table: table.name, columns: fk.columns, referredTable: fk.referencedTable, ordinal: unnamed + 1 })
    const named = explicit(fk, fk.name, generated)
    if (named.name === undefined) unnamed++
    return named
  }
  for (const fk of inColumnOrder) plan.inlineForeignKeys.set(fk.columns[0]!, place(fk))
  for (const fk of extras) plan.foreignKeys.push(place(fk))
}
