import type { AnyOperation } from './index.js'
import type { SchemaModel, TableModel } from '../schema/model.js'
import { Operation, display, requireTable } from './base.js'

/** What a renamed object is: an index, or a constraint of the table. */
export type RenamedKind = 'index' | 'unique' | 'check' | 'foreignKey' | 'primaryKey'

const WORDS: Record<RenamedKind, string> = {
  index: 'index',
  unique: 'unique constraint',
  check: 'check constraint',
  foreignKey: 'foreign key',
  primaryKey: 'primary key',
}

/** The kind of the table's object with this name, or undefined. */
export function kindOfNamed(table: TableModel, name: string): RenamedKind | undefined {
  if (table.indexes.some((i) => i.name === name)) return 'index'
  if (table.uniques.some((u) => u.name === name)) return 'unique'
  if (table.checks.some((c) => c.name === name)) return 'check'
  if (table.foreignKeys.some((f) => f.name === name)) return 'foreignKey'
  if (table.primaryKey?.name === name) return 'primaryKey'
  return undefined
}

/**
 * Renames an index or a constraint, keeping what it is (`ALTER INDEX … RENAME`, `ALTER TABLE … RENAME CONSTRAINT`,
 * MySQL's `RENAME INDEX`; re-created under the new name where the database cannot rename it). Autogenerate uses it
 * when a table or column rename changes the generated name of an object that is otherwise the same.
 */
export class RenameConstraintOp extends Operation {
  readonly kind = 'renameConstraint'
  constructor(
    readonly table: string,
    readonly from: string,
    readonly to: string,
    readonly objectKind: RenamedKind,
    readonly schema: string | null = null,
  ) {
    super()
  }
  reverse(): AnyOperation {
    return new RenameConstraintOp(this.table, this.to, this.from, this.objectKind, this.schema)
  }
  describe(): string {
    return `renamed ${WORDS[this.objectKind]} '${this.from}' on '${display(this.table, this.schema)}' to '${this.to}'`
  }
  apply(model: SchemaModel): void {
    const table = requireTable(model, this.table, this.schema)
    const lists = { index: table.indexes, unique: table.uniques, check: table.checks, foreignKey: table.foreignKeys }
    if (this.objectKind === 'primaryKey') {
      if (!table.primaryKey) throw new Error(`'${display(this.table, this.schema)}' has no primary key`)
      table.primaryKey.name = this.to
      return
    }
    const found = (lists[this.objectKind] as Array<{ name: string }>).find((o) => o.name === this.from)
    if (!found) throw new Error(`${WORDS[this.objectKind]} '${this.from}' does not exist on '${display(this.table, this.schema)}'`)
    found.name = this.to
  }
}
