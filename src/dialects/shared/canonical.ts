/** Canonical-form helpers every dialect's canonicalizer shares. */
import type { ForeignKeyModel, ReferentialAction } from '../../schema/model.js'

/** Orders by name in code-unit order (not locale order: the same everywhere). */
export function byName(a: { name: string }, b: { name: string }): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0
}

/** Sorts in place by name; a list of none or one is left as it is (`sort` allocates a work area even then). */
export function sortByName<T extends { name: string }>(items: T[]): T[] {
  return items.length < 2 ? items : items.sort(byName)
}

export interface ForeignKeyFacts {
  /** Actions the server keeps as "no action" (MySQL reflects RESTRICT and NO ACTION alike). */
  defaultActions: readonly ReferentialAction[]
  /** The server keeps the referenced table's schema. */
  schemas: boolean
  /** The server keeps DEFERRABLE. */
  deferrable: boolean
}

/** A foreign key as the server reflects it: default actions dropped, facts it does not keep left out. */
export function canonicalForeignKey(fk: ForeignKeyModel, facts: ForeignKeyFacts): ForeignKeyModel {
  const out: ForeignKeyModel = { name: fk.name, columns: [...fk.columns], referencedTable: fk.referencedTable, referencedColumns: [...fk.referencedColumns] }
  if (facts.schemas && fk.referencedSchema) out.referencedSchema = fk.referencedSchema
  if (fk.onDelete && !facts.defaultActions.includes(fk.onDelete)) out.onDelete = fk.onDelete
  if (fk.onUpdate && !facts.defaultActions.includes(fk.onUpdate)) out.onUpdate = fk.onUpdate
  if (facts.deferrable && fk.deferrable) out.deferrable = fk.deferrable
  return out
}
