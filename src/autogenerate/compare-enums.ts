import { AddEnumValueOp, AlterEnumOp, CreateEnumOp, DropEnumOp, type EnumUsage, RenameEnumValueOp } from '../operations/enum-ops.js'
import type { ColumnModel, EnumModel, SchemaModel, TableModel } from '../schema/model.js'
import { qualifiedName } from '../schema/model.js'
import type { DeclaredTarget } from './declared.js'
import type { CompareScope } from './filters.js'
import { Phase, type Plan } from './ordering.js'
import type { ColumnPair } from './compare-tables.js'

function enumKey(e: { name: string; schema?: string | null }): string {
  return qualifiedName(e.name, e.schema)
}

function usesEnum(table: TableModel, e: EnumModel): boolean {
  return table.columns.some((c) => c.type.kind === 'enum' && c.type.name === e.name && (c.type.schema ?? null) === (e.schema ?? null))
}

/** Every reflected column whose type is the enum: MySQL and SQLite restate these columns on enum changes. */
export function enumUsages(reflected: SchemaModel, e: EnumModel): EnumUsage[] {
  const usages: EnumUsage[] = []
  for (const table of reflected.tables)
    for (const column of table.columns)
      if (column.type.kind === 'enum' && column.type.name === e.name && (column.type.schema ?? null) === (e.schema ?? null))
        usages.push({ table: table.name, schema: table.schema ?? null, column: column.name })
  return usages
}

function isSubsequence(part: string[], whole: string[]): boolean {
  const kept = whole.filter((v) => part.includes(v))
  return kept.length === part.length && kept.every((v, i) => v === part[i])
}

interface EnumValueChange {
  name: string
  schema: string | null
  /** The values wanted, and the values there now. */
  target: string[]
  current: string[]
  /** Value rename hints: new value → old value. */
  renamedValues: Record<string, string>
  columns: EnumUsage[]
}

/**
 * The operations turning an enum's current values into the target's: hinted renames, then additions at their
 * places; anything else (a removal, a new order) is one rebuild.
 */
function enumValueOperations(change: EnumValueChange): Array<AddEnumValueOp | RenameEnumValueOp | AlterEnumOp> {
  const { name, schema, target, columns } = change
  const ops: Array<AddEnumValueOp | RenameEnumValueOp | AlterEnumOp> = []
  let current = [...change.current]
  const hinted = Object.entries(change.renamedValues)
    .filter(([to, from]) => current.includes(from) && !target.includes(from) && target.includes(to) && !current.includes(to))
    .sort(([a], [b]) => target.indexOf(a) - target.indexOf(b))
  for (const [to, from] of hinted) {
    const op = new RenameEnumValueOp(name, from, to, [...current], structuredClone(columns), schema)
    ops.push(op)
    current = op.values
  }
  if (current.length === target.length && current.every((v, i) => v === target[i])) return ops
  if (isSubsequence(current, target)) {
    target.forEach((value, i) => {
      if (current.includes(value)) return
      const position = i > 0 ? { after: target[i - 1]! } : current.length > 0 ? { before: current[0]! } : {}
      const op = new AddEnumValueOp(name, value, position, [...current], structuredClone(columns), schema)
      ops.push(op)
      current = op.values
    })
    return ops
  }
  ops.push(new AlterEnumOp(name, [...target], current, {}, structuredClone(columns), schema))
  return ops
}

/** Values renamed by these operations, old value → new value. */
function renamedBy(ops: Array<AddEnumValueOp | RenameEnumValueOp | AlterEnumOp>): Record<string, string> {
  const renames: Record<string, string> = {}
  for (const op of ops) if (op.kind === 'renameEnumValue') renames[op.from] = op.to
  return renames
}

/** One side of a matched column pair, as compare sees it. */
interface ColumnPairs {
  match: { target: TableModel }
  columns: { pairs: ColumnPair[] }
}

/**
 * Enums on MySQL and SQLite, where an enum is a column type: a column whose enum values change gets enum
 * operations (the declared enum's name, its value hints) rather than a type change, so that a hinted rename
 * carries the rows over. Columns of one enum with the same current values share the operations. The reflected
 * columns are updated (values, and a default naming a renamed value) so that the column diff sees only what is left.
 */
export function diffInlineEnums(plan: Plan, matched: ColumnPairs[], declared: DeclaredTarget, beforeWorkingChange: () => void): void {
  const groups = new Map<string, { change: EnumValueChange; reflected: ColumnModel[] }>()
  for (const { match, columns } of matched) {
    const t = match.target
    for (const { target: c, reflected: old } of columns.pairs) {
      if (c.type.kind !== 'enum' || old.type.kind !== 'enum') continue
      const type = declared.column(t, c).type
      if (type.kind !== 'enum') continue
      // A database that keeps the enum's name (SQLite) tells a move to another enum apart: that is a type change.
      if (old.type.name && old.type.name !== type.name) continue
      if (old.type.values.length === c.type.values.length && old.type.values.every((v, i) => v === (c.type as { values: string[] }).values[i])) continue
      const schema = type.schema ?? null
      const key = JSON.stringify([schema, type.name, old.type.values])
      let group = groups.get(key)
      if (!group) {
        const renamedValues = declared.enumValueHints({ name: type.name, schema, values: type.values })
        group = { change: { name: type.name, schema, target: [...c.type.values], current: [...old.type.values], renamedValues, columns: [] }, reflected: [] }
        groups.set(key, group)
      }
      group.change.columns.push({ table: t.name, schema: t.schema ?? null, column: c.name })
      group.reflected.push(old)
    }
  }
  if (groups.size > 0) beforeWorkingChange()
  for (const { change, reflected } of groups.values()) {
    const ops = enumValueOperations(change)
    for (const op of ops) plan.add(Phase.ColumnEnum, [qualifiedName(change.name, change.schema)], op)
    const renames = renamedBy(ops)
    for (const column of reflected) {
      column.type = { ...(column.type as Extract<ColumnModel['type'], { kind: 'enum' }>), values: [...change.target] }
      const d = column.default
      if (d?.kind === 'literal' && typeof d.value === 'string' && renames[d.value]) column.default = { kind: 'literal', value: renames[d.value]! }
    }
  }
}

/**
 * Enum types (PostgreSQL): created before the tables that use them, altered in place, dropped after the tables
 * stop using them. `outOfScope` are reflected tables the comparison leaves alone: an enum they use is never dropped.
 */
export function diffEnums(
  plan: Plan,
  target: SchemaModel,
  reflected: SchemaModel,
  working: SchemaModel,
  scope: CompareScope,
  declared: DeclaredTarget,
  outOfScope: TableModel[],
  beforeWorkingChange: () => void,
): void {
  const have = new Map(reflected.enums.map((e) => [enumKey(e), e]))
  const want = new Map(target.enums.map((e) => [enumKey(e), e]))
  for (const e of target.enums) {
    const existing = have.get(enumKey(e))
    if (!scope.includes('enum', e, null, false, existing ?? null)) continue
    if (!existing) {
      plan.add(Phase.Enum, [enumKey(e)], new CreateEnumOp(declared.enumType(e)))
    } else {
      const ops = enumValueOperations({
        name: e.name,
        schema: e.schema ?? null,
        target: e.values,
        current: existing.values,
        renamedValues: declared.enumValueHints(e),
        columns: enumUsages(reflected, existing),
      })
      for (const op of ops) {
        plan.add(Phase.Enum, [enumKey(e)], op)
        // The columns see the new values (and defaults follow renamed values), as they will once this runs.
        beforeWorkingChange()
        op.apply(working)
      }
    }
  }
  for (const e of reflected.enums) {
    if (want.has(enumKey(e)) || !scope.includes('enum', e, null, true, null)) continue
    if (outOfScope.some((t) => usesEnum(t, e))) continue
    plan.add(Phase.DropEnum, [enumKey(e)], new DropEnumOp(e.name, e.schema ?? null, structuredClone(e)))
  }
}

/**
 * Enum types on MySQL and SQLite, which have none: the same `createEnum` / `dropEnum` operations PostgreSQL gets
 * (they compile to nothing here), so that the revision also runs there. The enums the database has are those the
 * applied revisions declare (`historyEnums`), those SQLite names on its columns, and those of target columns matched
 * to reflected enum columns (MySQL keeps no names).
 */
export function diffEnumLifetimes(
  plan: Plan,
  target: SchemaModel,
  reflected: SchemaModel,
  historyEnums: readonly EnumModel[] | undefined,
  matched: ColumnPairs[],
  scope: CompareScope,
  declared: DeclaredTarget,
): void {
  const known = new Map<string, EnumModel>()
  for (const e of [...(historyEnums ?? []), ...reflected.enums]) if (e.name && !known.has(enumKey(e))) known.set(enumKey(e), e)
  for (const { match, columns } of matched)
    for (const { target: c, reflected: old } of columns.pairs) {
      // The reflected type first: the declared one is a copy (12,000 of them for nothing on 1,000 tables).
      if (old.type.kind !== 'enum') continue
      const type = declared.column(match.target, c).type
      if (type.kind !== 'enum' || known.has(enumKey(type))) continue
      known.set(enumKey(type), { name: type.name, schema: type.schema ?? null, values: [...old.type.values] })
    }
  const want = new Map(target.enums.map((e) => [enumKey(e), e]))
  for (const t of target.tables) for (const c of t.columns) if (c.type.kind === 'enum' && !want.has(enumKey(c.type))) want.set(enumKey(c.type), c.type)
  for (const e of target.enums) {
    if (known.has(enumKey(e)) || !scope.includes('enum', e, null, false, null)) continue
    plan.add(Phase.Enum, [enumKey(e)], new CreateEnumOp(declared.enumType(e)))
  }
  for (const e of known.values()) {
    if (want.has(enumKey(e)) || !scope.includes('enum', e, null, true, null)) continue
    plan.add(Phase.DropEnum, [enumKey(e)], new DropEnumOp(e.name, e.schema ?? null, structuredClone({ name: e.name, schema: e.schema ?? null, values: e.values })))
  }
}
