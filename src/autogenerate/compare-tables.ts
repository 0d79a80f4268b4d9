import { AddColumnOp, DropColumnOp, RenameColumnOp } from '../operations/column-ops.js'
import { RenameTableOp, SetTableCommentOp } from '../operations/table-ops.js'
import type { ColumnModel, SchemaModel, TableModel } from '../schema/model.js'
import { qualifiedName, tableKey } from '../schema/model.js'
import { diffColumn, typesCompatible } from './compare-columns.js'
import { type RenamedName, diffConstraints, sameNames } from './compare-constraints.js'
import type { DeclaredTarget } from './declared.js'
import type { CompareScope } from './filters.js'
import { Phase, type Plan } from './ordering.js'
import type { CompareDialect, CompareOptions } from './types.js'
import { generationChanged, planGeneratedColumnChange } from './compare-generated.js'

export interface TableContext {
  plan: Plan
  dialect: CompareDialect
  scope: CompareScope
  options: CompareOptions
  /** The reflected model as the planned operations leave it (renames applied): later steps compare against it. */
  working: SchemaModel
  /** Called before anything changes `working` (see compareSchemas). */
  beforeWorkingChange: () => void
  /** The target as declared: what operations carry, and the rename hints. */
  declared: DeclaredTarget
  /** The plan's table and column renames, once tables and columns are matched. */
  renamedNames?: RenamedName[]
}

export interface MatchedTable {
  target: TableModel
  /** The reflected table inside `working`, renamed to the target's name when it was renamed. */
  reflected: TableModel
  /** The reflected name before a rename. */
  previousName: string
}

function byKey(a: { name: string; schema?: string | null }, b: { name: string; schema?: string | null }): number {
  const x = tableKey(a)
  const y = tableKey(b)
  return x < y ? -1 : x > y ? 1 : 0
}

/** The reflected table a hint's old name designates: `'old'` in the target's schema, or `'schema.old'`. */
function resolveOldTable(old: string, target: TableModel, candidates: TableModel[]): TableModel | undefined {
  const schema = target.schema ?? null
  return candidates.find((r) => (r.schema ?? null) === schema && (r.name === old || tableKey(r) === old))
}

/**
 * Pairs target and reflected tables: by name, then by rename hints (schema, then options), then by asking.
 * Renames are planned and applied to the working model. Returns the pairs and the unpaired tables.
 */
export async function matchTables(
  targets: TableModel[],
  reflected: TableModel[],
  ctx: TableContext,
): Promise<{ pairs: MatchedTable[]; added: TableModel[]; removed: TableModel[] }> {
  const pairs: MatchedTable[] = []
  const unmatched = new Set(reflected)
  const added: TableModel[] = []
  const reflectedByKey = new Map(reflected.map((r) => [tableKey(r), r]))
  for (const t of targets) {
    const r = reflectedByKey.get(tableKey(t))
    if (r) {
      pairs.push({ target: t, reflected: r, previousName: r.name })
      unmatched.delete(r)
    } else added.push(t)
  }
  const renamed: Array<[TableModel, TableModel]> = []
  const optionHints = Object.entries(ctx.options.renames?.tables ?? {})
  for (const t of [...added].sort(byKey)) {
    const olds = [ctx.declared.tableHint(t), ...optionHints.filter(([, to]) => to === t.name || to === tableKey(t)).map(([from]) => from)]
    for (const old of olds) {
      if (!old) continue
      const r = resolveOldTable(old, t, [...unmatched])
      if (!r) continue // already applied, or never existed: hints are ignored silently
      renamed.push([t, r])
      unmatched.delete(r)
      added.splice(added.indexOf(t), 1)
      break
    }
  }
  if (ctx.options.askRename) {
    for (const r of [...unmatched].sort(byKey)) {
      for (const t of [...added].sort(byKey)) {
        if ((t.schema ?? null) !== (r.schema ?? null)) continue
        if (!(await ctx.options.askRename({ kind: 'table', from: tableKey(r), to: tableKey(t) }))) continue
        renamed.push([t, r])
        unmatched.delete(r)
        added.splice(added.indexOf(t), 1)
        break
      }
    }
  }
  for (const [t, r] of renamed) {
    const previousName = r.name
    const op = new RenameTableOp(r.name, t.name, t.schema ?? null)
    ctx.beforeWorkingChange()
    op.apply(ctx.working)
    ctx.plan.add(Phase.RenameTable, [tableKey(t)], op)
    pairs.push({ target: t, reflected: r, previousName })
  }
  return { pairs: pairs.sort((a, b) => byKey(a.target, b.target)), added: added.sort(byKey), removed: [...unmatched].sort(byKey) }
}

function columnHintsFromOptions(match: MatchedTable, ctx: TableContext): Array<[string, string]> {
  const t = match.target
  const tableNames = new Set([t.name, tableKey(t), match.previousName, qualifiedName(match.previousName, t.schema)])
  const hints: Array<[string, string]> = []
  for (const [key, to] of Object.entries(ctx.options.renames?.columns ?? {})) {
    const dot = key.lastIndexOf('.')
    if (dot > 0 && tableNames.has(key.slice(0, dot))) hints.push([key.slice(dot + 1), to])
  }
  return hints
}

/** A target column and its reflected column (in the working model). */
export interface ColumnPair {
  target: ColumnModel
  reflected: ColumnModel
}

/**
 * The columns of a matched table: the pairs, and the unpaired ones. Pairs are objects, not tuples: destructuring a
 * tuple runs the iterator protocol, which costs about 0.3 µs per column in code V8 has not optimised yet.
 */
export interface MatchedColumns {
  pairs: ColumnPair[]
  added: ColumnModel[]
  removed: ColumnModel[]
}

/** Pairs the columns of a matched table, planning column renames (hinted or confirmed) on the working model. */
export async function matchColumns(match: MatchedTable, ctx: TableContext): Promise<MatchedColumns> {
  const { target: t, reflected: r } = match
  const { scope } = ctx
  // The usual table: the same column names in the same order pair up by position (nothing added, removed or renamed).
  if (!scope.hasObjectHook && sameNames(t.columns, r.columns)) return { pairs: t.columns.map((c, i) => ({ target: c, reflected: r.columns[i]! })), added: [], removed: [] }
  // Maps by name, not `find` per column: this runs for every column of every table (12,000 on 1,000 tables).
  let reflectedByName = columnsByName(r.columns)
  const targetByName = columnsByName(t.columns)
  // A column the hook leaves out is left alone on both sides (never added, dropped or altered).
  const skipped = new Set<string>()
  const targetColumns = t.columns.filter((c) => {
    const keep = scope.includes('column', c, t, false, reflectedByName.get(c.name) ?? null)
    if (!keep) skipped.add(c.name)
    return keep
  })
  const reflectedColumns = r.columns.filter((c) => !skipped.has(c.name) && (targetByName.has(c.name) || scope.includes('column', c, r, true, null)))
  const keptTargetNames = new Set(targetColumns.map((c) => c.name))
  const keptReflectedNames = new Set(reflectedColumns.map((c) => c.name))
  const added = targetColumns.filter((c) => !keptReflectedNames.has(c.name))
  const removed = reflectedColumns.filter((c) => !keptTargetNames.has(c.name))
  const renames: Array<[ColumnModel, ColumnModel]> = []
  const optionHints = columnHintsFromOptions(match, ctx)
  for (const c of [...added]) {
    const olds = [ctx.declared.columnHint(t, c), ...optionHints.filter(([, to]) => to === c.name).map(([from]) => from)]
    const old = olds.map((name) => removed.find((x) => x.name === name)).find((x) => x !== undefined)
    if (!old) continue
    renames.push([c, old])
    added.splice(added.indexOf(c), 1)
    removed.splice(removed.indexOf(old), 1)
  }
  // A name that differs only in case is the same column renamed: MySQL and SQLite would refuse the added one as a
  // duplicate of the dropped one.
  for (const c of [...added]) {
    const old = removed.find((x) => x.name.toLowerCase() === c.name.toLowerCase())
    if (!old) continue
    renames.push([c, old])
    added.splice(added.indexOf(c), 1)
    removed.splice(removed.indexOf(old), 1)
  }
  if (ctx.options.askRename) {
    for (const old of [...removed]) {
      for (const c of [...added]) {
        if (!typesCompatible(c.type, old.type)) continue
        if (!(await ctx.options.askRename({ kind: 'column', table: tableKey(t), from: old.name, to: c.name }))) continue
        renames.push([c, old])
        added.splice(added.indexOf(c), 1)
        removed.splice(removed.indexOf(old), 1)
        break
      }
    }
  }
  for (const [c, old] of renames) {
    const op = new RenameColumnOp(t.name, old.name, c.name, t.schema ?? null)
    ctx.beforeWorkingChange()
    op.apply(ctx.working)
    ctx.plan.add(Phase.RenameColumn, [tableKey(t), t.columns.indexOf(c)], op)
  }
  // The renames changed names in the reflected table.
  if (renames.length > 0) reflectedByName = columnsByName(r.columns)
  const stillAdded = new Set(added)
  const pairs: ColumnPair[] = []
  for (const c of targetColumns) {
    const other = reflectedByName.get(c.name)
    if (other && !stillAdded.has(c)) pairs.push({ target: c, reflected: other })
  }
  return { pairs, added, removed }
}

/** A table's columns by name; the first of a name wins, as `find` would. */
function columnsByName(columns: ColumnModel[]): Map<string, ColumnModel> {
  const byName = new Map<string, ColumnModel>()
  for (const c of columns) if (!byName.has(c.name)) byName.set(c.name, c)
  return byName
}

/** Diffs one matched table whose columns are paired: columns, comment, keys, indexes and constraints. */
export function diffTable(match: MatchedTable, columns: MatchedColumns, ctx: TableContext): { addedKeys: string[][] } {
  const { plan, dialect } = ctx
  const { target: t, reflected: r } = match
  const schema = t.schema ?? null
  const key = tableKey(t)
  for (const c of columns.added) plan.add(Phase.AddColumn, [key, t.columns.indexOf(c)], new AddColumnOp(t.name, ctx.declared.column(t, c), schema))
  for (const c of columns.removed)
    plan.add(Phase.DropColumn, [key, r.columns.indexOf(c)], new DropColumnOp(t.name, c.name, schema, structuredClone(c)))
  for (const { target: c, reflected: old } of columns.pairs) {
    if (generationChanged(c, old, dialect)) {
      planGeneratedColumnChange(match, c, old, ctx)
      continue
    }
    const op = diffColumn(t.name, schema, c, old, dialect, () => ctx.declared.column(t, c))
    if (op) plan.add(Phase.AlterColumn, [key, t.columns.indexOf(c)], op)
  }
  if ((t.comment ?? null) !== (r.comment ?? null))
    plan.add(Phase.TableComment, [key], new SetTableCommentOp(t.name, t.comment ?? null, r.comment ?? null, schema))
  return diffConstraints(t, r, ctx)
}
