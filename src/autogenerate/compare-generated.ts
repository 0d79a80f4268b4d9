import { AddColumnOp, DropColumnOp } from '../operations/column-ops.js'
import { DropCheckOp, DropForeignKeyOp, DropIndexOp, DropUniqueOp } from '../operations/constraint-ops.js'
import type { ColumnModel, IndexModel, TableModel } from '../schema/model.js'
import { tableKey } from '../schema/model.js'
import { elementColumn, elementExpression } from '../schema/index-elements.js'
import type { MatchedTable, TableContext } from './compare-tables.js'
import { Phase } from './ordering.js'
import type { CompareDialect } from './types.js'

/** True when a column became or stopped being generated, or its expression or kind (stored / virtual) changed. */
export function generationChanged(target: ColumnModel, reflected: ColumnModel, dialect: CompareDialect): boolean {
  const a = target.generated ?? null
  const b = reflected.generated ?? null
  if (!a || !b) return a !== b
  return a.stored !== b.stored || dialect.normalizeExpression(a.expression) !== dialect.normalizeExpression(b.expression)
}

/**
 * True when an expression may name the column. A word match, quotes or not: a false hit only drops and re-creates
 * an object for nothing, a miss would lose it.
 */
function mentions(expression: string | null | undefined, column: string): boolean {
  if (!expression) return false
  const word = column.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  return new RegExp(`(^|[^A-Za-z0-9_$])${word}($|[^A-Za-z0-9_$])`, 'i').test(expression)
}

function indexUses(index: IndexModel, column: string): boolean {
  return (
    index.elements.some((e) => elementColumn(e) === column || mentions(elementExpression(e), column)) ||
    (index.include ?? []).includes(column) ||
    mentions(index.where, column)
  )
}

/**
 * The keys diffConstraints files its drops under: within a table's DropConstraint phase the uniques, indexes and
 * checks (numbers, compared as text) sort before the `column:<name>` drop below.
 */
const RANK = { unique: 1, index: 2, check: 3 } as const

/**
 * Drops what the databases drop with the column (indexes, unique constraints, foreign keys and checks on it),
 * before the column goes, and takes them out of the working table: diffConstraints then adds the target's ones
 * back once the column is there again, and the reversed downgrade re-creates the old ones the same way.
 */
function dropDependents(match: MatchedTable, column: string, ctx: TableContext): void {
  const { target: t, reflected: r } = match
  const schema = t.schema ?? null
  const key = tableKey(t)
  const uniques = r.uniques.filter((u) => u.columns.includes(column))
  const indexes = r.indexes.filter((i) => indexUses(i, column))
  const foreignKeys = r.foreignKeys.filter((f) => f.columns.includes(column))
  const checks = r.checks.filter((c) => mentions(c.expression, column))
  if (uniques.length + indexes.length + foreignKeys.length + checks.length === 0) return
  for (const f of foreignKeys) ctx.plan.add(Phase.DropForeignKey, [key, f.name], new DropForeignKeyOp(t.name, f.name, schema, structuredClone(f)))
  for (const u of uniques) ctx.plan.add(Phase.DropConstraint, [key, RANK.unique, u.name], new DropUniqueOp(t.name, u.name, schema, structuredClone(u)))
  for (const i of indexes) ctx.plan.add(Phase.DropConstraint, [key, RANK.index, i.name], new DropIndexOp(t.name, i.name, schema, structuredClone(i)))
  for (const c of checks) ctx.plan.add(Phase.DropConstraint, [key, RANK.check, c.name], new DropCheckOp(t.name, c.name, schema, structuredClone(c)))
  ctx.beforeWorkingChange()
  removeFrom(r, { uniques, indexes, foreignKeys, checks })
}

function removeFrom(table: TableModel, gone: Pick<TableModel, 'uniques' | 'indexes' | 'foreignKeys' | 'checks'>): void {
  table.uniques = table.uniques.filter((u) => !gone.uniques.includes(u))
  table.indexes = table.indexes.filter((i) => !gone.indexes.includes(i))
  table.foreignKeys = table.foreignKeys.filter((f) => !gone.foreignKeys.includes(f))
  table.checks = table.checks.filter((c) => !gone.checks.includes(c))
}

/**
 * A generated column's expression or kind cannot be altered in place: it is dropped (before anything is added) and
 * added again; its values are computed, so nothing is lost. What stands on it is dropped first and re-created
 * after it (see dropDependents). The column comes back last in the table: operations carry no column position.
 */
export function planGeneratedColumnChange(match: MatchedTable, column: ColumnModel, reflected: ColumnModel, ctx: TableContext): void {
  const { target: t } = match
  const schema = t.schema ?? null
  const key = tableKey(t)
  dropDependents(match, reflected.name, ctx)
  ctx.plan.add(Phase.DropConstraint, [key, `column:${column.name}`], new DropColumnOp(t.name, reflected.name, schema, structuredClone(reflected)))
  ctx.plan.add(Phase.AddColumn, [key, t.columns.indexOf(column)], new AddColumnOp(t.name, ctx.declared.column(t, column), schema))
}
