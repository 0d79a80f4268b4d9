import { AddEnumValueOp, AlterEnumOp, CreateEnumOp, DropEnumOp, type EnumUsage, RenameEnumValueOp } from '../operations/enum-ops.js'
import type { EnumModel, SchemaModel, TableModel } from '../schema/model.js'
import { qualifiedName } from '../schema/model.js'
import type { DeclaredTarget } from './declared.js'
import type { CompareScope } from './filters.js'
import { Phase, type Plan } from './ordering.js'

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

/** Value changes of one enum present on both sides: renames (hinted), then additions, else a rebuild. */
function diffEnumValues(plan: Plan, target: EnumModel, reflected: EnumModel, renamedValues: Record<string, string>, columns: EnumUsage[]): void {
  const key = [enumKey(target)]
  const schema = target.schema ?? null
  let current = [...reflected.values]
  const hinted = Object.entries(renamedValues)
    .filter(([to, from]) => current.includes(from) && !target.values.includes(from) && target.values.includes(to) && !current.includes(to))
    .sort(([a], [b]) => target.values.indexOf(a) - target.values.indexOf(b))
  for (const [to, from] of hinted) {
    const op = new RenameEnumValueOp(target.name, from, to, [...current], structuredClone(columns), schema)
    plan.add(Phase.Enum, key, op)
    current = op.values
  }
  if (current.length === target.values.length && current.every((v, i) => v === target.values[i])) return
  if (isSubsequence(current, target.values)) {
    target.values.forEach((value, i) => {
      if (current.includes(value)) return
      const position = i > 0 ? { after: target.values[i - 1]! } : current.length > 0 ? { before: current[0]! } : {}
      const op = new AddEnumValueOp(target.name, value, position, [...current], structuredClone(columns), schema)
      plan.add(Phase.Enum, key, op)
      current = op.values
    })
    return
  }
  plan.add(Phase.Enum, key, new AlterEnumOp(target.name, [...target.values], current, {}, structuredClone(columns), schema))
}

/**
 * Enum types (PostgreSQL): created before the tables that use them, altered in place, dropped after the tables
 * stop using them. `outOfScope` are reflected tables the comparison leaves alone: an enum they use is never dropped.
 */
export function diffEnums(
  plan: Plan,
  target: SchemaModel,
  reflected: SchemaModel,
  scope: CompareScope,
  declared: DeclaredTarget,
  outOfScope: TableModel[],
): void {
  const have = new Map(reflected.enums.map((e) => [enumKey(e), e]))
  const want = new Map(target.enums.map((e) => [enumKey(e), e]))
  for (const e of target.enums) {
    const existing = have.get(enumKey(e))
    if (!scope.includes('enum', e, null, false, existing ?? null)) continue
    if (!existing) {
      plan.add(Phase.Enum, [enumKey(e)], new CreateEnumOp(declared.enumType(e)))
    } else {
      diffEnumValues(plan, e, existing, declared.enumValueHints(e), enumUsages(reflected, existing))
    }
  }
  for (const e of reflected.enums) {
    if (want.has(enumKey(e)) || !scope.includes('enum', e, null, true, null)) continue
    if (outOfScope.some((t) => usesEnum(t, e))) continue
    plan.add(Phase.DropEnum, [enumKey(e)], new DropEnumOp(e.name, e.schema ?? null, structuredClone(e)))
  }
}
