import type { AnyOperation } from './index.js'
import type { SchemaModel, TableModel } from '../schema/model.js'
import { findTable, qualifiedName } from '../schema/model.js'
import { StrataError } from '../errors.js'

/**
 * One schema change, as data. Autogenerate produces operations, the renderer writes them as TypeScript,
 * `reverse()` gives the downgrade, `apply()` replays them on a model (offline SQL, SQLite rebuilds), and each
 * dialect compiles them to SQL. Operations never talk to a database.
 */
export abstract class Operation {
  abstract readonly kind: string
  /** The operation that undoes this one. Throws NotReversibleError when the operation lacks the facts to undo itself. */
  abstract reverse(): AnyOperation
  /**
   * The downgrade's steps for this operation: `reverse()`, unless undoing it takes more than one step (a dropped
   * NOT NULL column comes back filled with a placeholder, then loses the placeholder default).
   */
  reverseSteps(): AnyOperation[] {
    return [this.reverse()]
  }
  /** A short phrase for `Detected …` lines: "added column 'packages.last_updated'". */
  abstract describe(): string
  /** Replays the operation on a schema model (mutating it). */
  abstract apply(model: SchemaModel): void
  /**
   * True when the operation's statements read and write no existing rows (creating a new table), so they take
   * about as long on a large database as on an empty one. A getter, so that it is no field of the data.
   */
  get touchesNoRows(): boolean {
    return false
  }
}

/** An operation lacks the facts to undo itself (a drop without the old definition): code `not-reversible`. */
export class NotReversibleError extends StrataError {
  constructor(operation: string, missing: string) {
    super(`${operation} cannot be reversed: ${missing}`, { code: 'not-reversible' })
    this.name = 'NotReversibleError'
  }
}

export function display(name: string, schema?: string | null): string {
  return qualifiedName(name, schema)
}

export function requireTable(model: SchemaModel, name: string, schema?: string | null): TableModel {
  const table = findTable(model, name, schema)
  if (!table) throw new Error(`table '${display(name, schema)}' does not exist`)
  return table
}
