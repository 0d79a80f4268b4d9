import type { CheckModel, ColumnModel, EnumModel, ForeignKeyModel, IndexModel, PrimaryKeyModel, SchemaModel, TableModel, UniqueModel } from '../schema/model.js'
import { qualifiedName, tableKey } from '../schema/model.js'

/**
 * The target as the user declared it, looked up from its canonical form. Compare decides on canonical forms
 * (what the database would reflect), but operations carry the declared facts: the portable types, the enum and
 * key names, the comments and actions a dialect does not keep. So a migration written against one database
 * still says what the schema says, and rename hints (which canonicalize need not keep) are found here.
 * Anything the lookup cannot find falls back to the canonical object.
 */
export class DeclaredTarget {
  private readonly byKey = new Map<string, TableModel>()
  private readonly byName = new Map<string, TableModel[]>()
  private readonly enums = new Map<string, EnumModel>()

  constructor(declared: SchemaModel) {
    for (const t of declared.tables) {
      this.byKey.set(tableKey(t), t)
      this.byName.set(t.name, [...(this.byName.get(t.name) ?? []), t])
    }
    for (const e of declared.enums) this.enums.set(qualifiedName(e.name, e.schema), e)
  }

  /** The declared table (a dialect without schemas may have dropped the schema: then the unique same-named table). */
  private find(table: TableModel): TableModel | undefined {
    const exact = this.byKey.get(tableKey(table))
    if (exact) return exact
    const named = this.byName.get(table.name) ?? []
    return named.length === 1 ? named[0] : undefined
  }

  /** A declared copy of a canonical table, keeping the canonical identity (name, schema) and no hints. */
  table(canonical: TableModel): TableModel {
    const found = this.find(canonical)
    if (!found) return structuredClone(canonical)
    const copy = structuredClone(found)
    copy.schema = canonical.schema ?? null
    delete copy.renamedFrom
    copy.columns = canonical.columns.map((c) => this.column(canonical, c))
    return copy
  }

  column(table: TableModel, canonical: ColumnModel): ColumnModel {
    const found = this.find(table)?.columns.find((c) => c.name === canonical.name)
    const copy = structuredClone(found ?? canonical)
    delete copy.renamedFrom
    return copy
  }

  primaryKey(table: TableModel, canonical: PrimaryKeyModel): PrimaryKeyModel {
    const found = this.find(table)?.primaryKey
    const same = found && found.columns.length === canonical.columns.length && found.columns.every((c, i) => c === canonical.columns[i])
    return structuredClone(same ? found : canonical)
  }

  index(table: TableModel, canonical: IndexModel): IndexModel {
    return structuredClone(this.find(table)?.indexes.find((i) => i.name === canonical.name) ?? canonical)
  }

  unique(table: TableModel, canonical: UniqueModel): UniqueModel {
    return structuredClone(this.find(table)?.uniques.find((u) => u.name === canonical.name) ?? canonical)
  }

  foreignKey(table: TableModel, canonical: ForeignKeyModel): ForeignKeyModel {
    return structuredClone(this.find(table)?.foreignKeys.find((f) => f.name === canonical.name) ?? canonical)
  }

  check(table: TableModel, canonical: CheckModel): CheckModel {
    return structuredClone(this.find(table)?.checks.find((c) => c.name === canonical.name) ?? canonical)
  }

  /** The declared enum, without its rename hints. */
  enumType(canonical: EnumModel): EnumModel {
    const found = this.enums.get(qualifiedName(canonical.name, canonical.schema))
    return { name: canonical.name, schema: canonical.schema ?? null, values: [...(found ?? canonical).values] }
  }

  tableHint(table: TableModel): string | undefined {
    return table.renamedFrom ?? this.find(table)?.renamedFrom
  }

  columnHint(table: TableModel, column: ColumnModel): string | undefined {
    return column.renamedFrom ?? this.find(table)?.columns.find((c) => c.name === column.name)?.renamedFrom
  }

  enumValueHints(canonical: EnumModel): Record<string, string> {
    return canonical.renamedValues ?? this.enums.get(qualifiedName(canonical.name, canonical.schema))?.renamedValues ?? {}
  }
}
