import { AddForeignKeyOp, DropForeignKeyOp } from '../operations/constraint-ops.js'
import type { AnyOperation } from '../operations/index.js'
import type { ForeignKeyModel, SchemaModel, TableModel } from '../schema/model.js'
import { tableKey } from '../schema/model.js'
import type { DeclaredTarget } from './declared.js'
import { Phase, type Plan } from './ordering.js'

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((c) => b.includes(c))
const at = (op: { table: string; schema: string | null }) => tableKey({ name: op.table, schema: op.schema })

/** What the plan changes under foreign keys: column types, and the keys foreign keys point at. */
class Disturbed {
  private readonly typed = new Set<string>()
  private readonly droppedKeys = new Map<string, string[][]>()
  readonly droppedForeignKeys = new Set<string>()
  readonly droppedTables = new Set<string>()

  constructor(operations: AnyOperation[]) {
    for (const op of operations) {
      if (op.kind === 'alterColumn' && op.changes.type) this.typed.add(JSON.stringify([at(op), op.name]))
      if (op.kind === 'dropPrimaryKey' && op.primaryKey) this.dropKey(at(op), op.primaryKey.columns)
      if (op.kind === 'dropUnique' && op.object) this.dropKey(at(op), op.object.columns)
      if (op.kind === 'dropIndex' && op.object?.unique && op.object.elements.every((e) => typeof e === 'string'))
        this.dropKey(at(op), op.object.elements as string[])
      if (op.kind === 'dropForeignKey') this.droppedForeignKeys.add(JSON.stringify([at(op), op.name]))
      if (op.kind === 'dropTable') this.droppedTables.add(tableKey({ name: op.name, schema: op.schema }))
    }
  }

  /** True when no foreign key can be touched: no column changes type, no key is dropped. */
  get nothing(): boolean {
    return this.typed.size === 0 && this.droppedKeys.size === 0
  }

  private dropKey(table: string, columns: string[]): void {
    this.droppedKeys.set(table, [...(this.droppedKeys.get(table) ?? []), columns])
  }

  /** True when the plan changes a column type on either side of the key, or drops the key it points at. */
  touches(table: TableModel, fk: ForeignKeyModel): boolean {
    const own = tableKey(table)
    const referenced = tableKey({ name: fk.referencedTable, schema: fk.referencedSchema ?? table.schema ?? null })
    return (
      fk.columns.some((c) => this.typed.has(JSON.stringify([own, c]))) ||
      fk.referencedColumns.some((c) => this.typed.has(JSON.stringify([referenced, c]))) ||
      (this.droppedKeys.get(referenced) ?? []).some((columns) => sameSet(columns, fk.referencedColumns))
    )
  }
}

/**
 * Foreign keys the plan would break: a key column changing type on either side (MySQL refuses to change a column
 * a foreign key uses), or the key a foreign key points at being dropped and re-created (a primary key gaining a
 * column: PostgreSQL and MySQL refuse to drop it, SQLite reports a mismatch). Each such foreign key is dropped
 * before the change and re-created after it, on every dialect, so the revision runs everywhere; its downgrade
 * mirrors it.
 */
export function planDependentForeignKeys(plan: Plan, working: SchemaModel, targets: TableModel[], declared: DeclaredTarget): void {
  const disturbed = new Disturbed(plan.operations())
  if (disturbed.nothing) return
  const targetByKey = new Map(targets.map((t) => [tableKey(t), t]))
  for (const table of working.tables) {
    const key = tableKey(table)
    const target = targetByKey.get(key)
    if (!target || disturbed.droppedTables.has(key)) continue
    for (const fk of table.foreignKeys) {
      if (disturbed.droppedForeignKeys.has(JSON.stringify([key, fk.name])) || !disturbed.touches(table, fk)) continue
      const wanted = target.foreignKeys.find((f) => f.name === fk.name)
      if (!wanted) continue
      const schema = table.schema ?? null
      plan.add(Phase.DropForeignKey, [key, fk.name], new DropForeignKeyOp(table.name, fk.name, schema, structuredClone(fk)))
      plan.add(Phase.AddForeignKey, [key, fk.name], new AddForeignKeyOp(table.name, declared.foreignKey(target, wanted), schema))
    }
  }
}
