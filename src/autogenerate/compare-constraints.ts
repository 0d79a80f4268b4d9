import {
  AddCheckOp,
  AddForeignKeyOp,
  AddPrimaryKeyOp,
  AddUniqueOp,
  CreateIndexOp,
  DropCheckOp,
  DropForeignKeyOp,
  DropIndexOp,
  DropPrimaryKeyOp,
  DropUniqueOp,
} from '../operations/constraint-ops.js'
import type { CheckModel, ForeignKeyModel, IndexElement, IndexModel, TableModel, UniqueModel } from '../schema/model.js'
import { qualifiedName, tableKey } from '../schema/model.js'
import { RenameConstraintOp, type RenamedKind } from '../operations/rename-constraint-op.js'
import type { DeclaredTarget } from './declared.js'
import type { CompareScope } from './filters.js'
import { Phase, type Plan } from './ordering.js'
import type { CompareDialect } from './types.js'
import { elementColumn, elementExpression, elementOptions } from '../schema/index-elements.js'
import { sameItems } from '../schema/same-items.js'

export interface ConstraintContext {
  plan: Plan
  dialect: CompareDialect
  scope: CompareScope
  declared: DeclaredTarget
  /** Table and column renames of the plan, set once tables and columns are matched. */
  renamedNames?: RenamedName[]
  /** Called before a reflected table (part of the working model) is changed (see compareSchemas). */
  beforeWorkingChange: () => void
}

/** A rename in the plan: a table (`table` null), or a column of the table keyed `table`. */
export interface RenamedName {
  table: string | null
  from: string
  to: string
}

/**
 * A removed and an added object that are the same (equal signatures) and whose names differ only by the plan's
 * table and column renames (the generated `fk_posts_user_id_users` of a renamed `users`): a rename of the
 * object, not a drop and re-create. They leave the matched lists and are renamed in the reflected table.
 */
function pairRenamed<T extends { name: string }>(
  matched: Matched<T>,
  signature: (item: T) => string,
  renamedNames: Array<[string, string]>,
  rename: (from: string, to: string) => void,
): void {
  if (renamedNames.length === 0) return
  const renamed = (name: string) => renamedNames.reduce((n, [from, to]) => n.replaceAll(from, to), name)
  for (const r of [...matched.removed]) {
    if (!r.name) continue
    const t = matched.added.find((a) => a.name && a.name !== r.name && a.name === renamed(r.name) && signature(a) === signature(r))
    if (!t) continue
    matched.removed.splice(matched.removed.indexOf(r), 1)
    matched.added.splice(matched.added.indexOf(t), 1)
    rename(r.name, t.name)
    matched.pairs.push([t, { ...r, name: t.name }])
  }
}

interface Matched<T> {
  pairs: Array<[T, T]>
  added: T[]
  removed: T[]
}

/**
 * Both lists name the same objects in the same order, every one named: constraints (both sides sort them by
 * name), or a table's columns (a database never reflects two columns of one name).
 */
export function sameNames(target: Array<{ name: string }>, reflected: Array<{ name: string }>): boolean {
  if (target.length !== reflected.length) return false
  for (let i = 0; i < target.length; i++) if (!target[i]!.name || target[i]!.name !== reflected[i]!.name) return false
  return true
}

/**
 * Pairs objects by name. Objects without a name (some databases do not keep constraint names) are paired by
 * their signature instead, so that a missing name alone is never reported as a change.
 */
export function matchByName<T extends { name: string }>(target: T[], reflected: T[], signature: (item: T) => string): Matched<T> {
  if (sameNames(target, reflected)) return { pairs: target.map((t, i) => [t, reflected[i]!]), added: [], removed: [] }
  const result: Matched<T> = { pairs: [], added: [], removed: [] }
  const left = [...reflected]
  const take = (found: number) => left.splice(found, 1)[0]!
  const unnamed: T[] = []
  for (const item of target) {
    if (!item.name) {
      unnamed.push(item)
      continue
    }
    const found = left.findIndex((r) => r.name === item.name)
    if (found >= 0) result.pairs.push([item, take(found)])
    else result.added.push(item)
  }
  for (const item of unnamed) {
    const found = left.findIndex((r) => signature(r) === signature(item))
    if (found >= 0) result.pairs.push([item, take(found)])
    else result.added.push(item)
  }
  // Reflected objects without a name may still match a named target object by signature.
  for (let i = left.length - 1; i >= 0; i--) {
    const r = left[i]!
    if (r.name) continue
    const added = result.added.findIndex((t) => signature(t) === signature(r))
    if (added >= 0) {
      result.pairs.push([result.added.splice(added, 1)[0]!, r])
      left.splice(i, 1)
    }
  }
  result.removed = left
  return result
}

function elementText(element: IndexElement, dialect: CompareDialect): string {
  const column = elementColumn(element)
  const target = column !== null ? `c:${column}` : `e:${dialect.normalizeExpression(elementExpression(element) ?? '')}`
  const options = elementOptions(element)
  return Object.keys(options).length ? `${target} ${JSON.stringify(options)}` : target
}

/** Every detail the index has on the server; `concurrently` (how it is built) is not one. */
function indexSignature(index: IndexModel, dialect: CompareDialect): string {
  const where = index.where ? dialect.normalizeExpression(index.where) : ''
  return JSON.stringify([index.unique, index.elements.map((e) => elementText(e, dialect)), where, index.using ?? '', index.include ?? []])
}

/**
 * Indexes whose signatures are equal. The usual pair (the same plain columns, nothing else) is told equal without
 * building both signatures (JSON of every element); any other pair compares them.
 */
function sameIndex(t: IndexModel, r: IndexModel, dialect: CompareDialect): boolean {
  const plainAlike =
    t.unique === r.unique &&
    !t.where &&
    !r.where &&
    (t.using ?? '') === (r.using ?? '') &&
    sameItems(t.include ?? [], r.include ?? []) &&
    t.elements.length === r.elements.length &&
    t.elements.every((e, i) => typeof e === 'string' && e === r.elements[i])
  return plainAlike || indexSignature(t, dialect) === indexSignature(r, dialect)
}

/** Foreign keys whose signatures are equal: field by field first, the signatures only when that says no. */
function sameForeignKey(t: ForeignKeyModel, r: ForeignKeyModel, table: TableModel, reflectedTable: TableModel): boolean {
  const alike =
    t.referencedTable === r.referencedTable &&
    (t.referencedSchema ?? null) === (r.referencedSchema ?? null) &&
    sameItems(t.columns, r.columns) &&
    sameItems(t.referencedColumns, r.referencedColumns) &&
    (t.onDelete ?? 'no action') === (r.onDelete ?? 'no action') &&
    (t.onUpdate ?? 'no action') === (r.onUpdate ?? 'no action') &&
    (t.deferrable || false) === (r.deferrable || false)
  return alike || foreignKeySignature(t, table) === foreignKeySignature(r, reflectedTable)
}

function foreignKeySignature(fk: ForeignKeyModel, _table: TableModel): string {
  return JSON.stringify([
    fk.columns,
    qualifiedName(fk.referencedTable, fk.referencedSchema ?? null),
    fk.referencedColumns,
    fk.onDelete ?? 'no action',
    fk.onUpdate ?? 'no action',
    fk.deferrable || false,
  ])
}

/** The sameness `diffKind` asks of a unique pair and of a check pair (indexes and foreign keys have theirs above). */
const sameUnique = (t: UniqueModel, r: UniqueModel) => sameItems(t.columns, r.columns)
const sameCheck = (t: CheckModel, r: CheckModel, dialect: CompareDialect) => dialect.normalizeExpression(t.expression) === dialect.normalizeExpression(r.expression)

/** True when both lists name the same objects in the same order and `same` holds for each pair. */
function allSame<T extends { name: string }>(target: T[], reflected: T[], same: (t: T, r: T) => boolean): boolean {
  if (!sameNames(target, reflected)) return false
  for (let i = 0; i < target.length; i++) if (!same(target[i]!, reflected[i]!)) return false
  return true
}

/**
 * Uniques, indexes, foreign keys and checks that `diffKind` would pair by name and leave alone, every one: what
 * it would decide, without the closures it builds per table (1,000 tables in a usual `check`).
 */
function unchangedByName(target: TableModel, reflected: TableModel, dialect: CompareDialect): boolean {
  return (
    allSame(target.uniques, reflected.uniques, sameUnique) &&
    allSame(target.indexes, reflected.indexes, (t, r) => sameIndex(t, r, dialect)) &&
    allSame(target.foreignKeys, reflected.foreignKeys, (t, r) => sameForeignKey(t, r, target, reflected)) &&
    allSame(target.checks, reflected.checks, (t, r) => sameCheck(t, r, dialect))
  )
}

const RANK = { primaryKey: 0, unique: 1, index: 2, check: 3 } as const

/** What every kind's pass of `diffConstraints` shares. */
interface KindPass {
  target: TableModel
  reflected: TableModel
  scope: CompareScope
  renamedNames: Array<[string, string]>
  renameObject: (kind: RenamedKind) => (from: string, to: string) => void
}

/**
 * One kind of named object (uniques, indexes, foreign keys, checks): matched by name, else by `key`; renamed
 * when only the plan's renames tell them apart; a pair that is not `same` is dropped and added again. One small
 * function for the four kinds: as one large function with every closure inlined, TurboFan took 80–160 ms to
 * optimise it at 1,000 tables, and the process waited for that compile to end before exiting.
 */
function diffKind<T extends { name: string }>(
  pass: KindPass,
  kind: Exclude<RenamedKind, 'primaryKey'>,
  wanted: T[],
  present: T[],
  key: (item: T) => string,
  same: (t: T, r: T) => boolean,
  { drop, add }: { drop: (item: T) => void; add: (item: T) => void },
): void {
  const { target, reflected, scope } = pass
  const matched = matchByName<T>(wanted, present, key)
  pairRenamed(matched, key, pass.renamedNames, pass.renameObject(kind))
  for (const [t, r] of matched.pairs) {
    if (!scope.includes(kind, t, target, false, r) || same(t, r)) continue
    drop(r)
    add(t)
  }
  for (const t of matched.added) if (scope.includes(kind, t, target, false, null)) add(t)
  for (const r of matched.removed) if (scope.includes(kind, r, reflected, true, null)) drop(r)
}

/**
 * Diffs the primary key, unique constraints, indexes, foreign keys and checks of one matched table. Returns the
 * column lists of the keys (primary, unique, unique index) it adds: a new table's foreign key onto one of them
 * must wait until it exists.
 */
export function diffConstraints(target: TableModel, reflected: TableModel, ctx: ConstraintContext): { addedKeys: string[][] } {
  const { plan, dialect, scope, declared } = ctx
  const schema = target.schema ?? null
  const key = tableKey(target)
  const name = target.name
  const addedKeys: string[][] = []

  // Primary keys are compared by their columns: their names are not reliable across databases.
  const wantPk = target.primaryKey?.columns ?? []
  const havePk = reflected.primaryKey?.columns ?? []
  if (!sameItems(wantPk, havePk)) {
    if (reflected.primaryKey && havePk.length > 0)
      plan.add(Phase.DropConstraint, [key, RANK.primaryKey], new DropPrimaryKeyOp(name, schema, structuredClone(reflected.primaryKey)))
    if (target.primaryKey && wantPk.length > 0) {
      plan.add(Phase.AddConstraint, [key, RANK.primaryKey], new AddPrimaryKeyOp(name, declared.primaryKey(target, target.primaryKey), schema))
      addedKeys.push([...wantPk])
    }
  }

  // The usual table: every kind pairs up by name and every pair is the same. Nothing to plan, and no hook to ask.
  if (!scope.hasObjectHook && unchangedByName(target, reflected, dialect)) return { addedKeys }

  const renamedNames = (ctx.renamedNames ?? []).filter((r) => r.table === null || r.table === key).map((r): [string, string] => [r.from, r.to])
  const renameObject = (kind: RenamedKind) => (from: string, to: string) => {
    const op = new RenameConstraintOp(name, from, to, kind, schema)
    ctx.beforeWorkingChange()
    op.apply({ tables: [reflected], enums: [] })
    plan.add(Phase.RenameColumn, [key, '~', from], op)
  }
  const pass = { target, reflected, scope, renamedNames, renameObject }

  const uniqueKey = (u: UniqueModel) => u.columns.join('\u0000')
  diffKind<UniqueModel>(pass, 'unique', target.uniques, reflected.uniques, uniqueKey, sameUnique, {
    drop: (u) => plan.add(Phase.DropConstraint, [key, RANK.unique, u.name], new DropUniqueOp(name, u.name, schema, structuredClone(u))),
    add: (u) => {
      plan.add(Phase.AddConstraint, [key, RANK.unique, u.name], new AddUniqueOp(name, declared.unique(target, u), schema))
      addedKeys.push([...u.columns])
    },
  })

  const indexKey = (i: IndexModel) => indexSignature(i, dialect)
  diffKind<IndexModel>(pass, 'index', target.indexes, reflected.indexes, indexKey, (t, r) => sameIndex(t, r, dialect), {
    drop: (i) => plan.add(Phase.DropConstraint, [key, RANK.index, i.name], new DropIndexOp(name, i.name, schema, structuredClone(i))),
    add: (i) => {
      const { concurrently, ...index } = declared.index(target, i)
      plan.add(Phase.AddConstraint, [key, RANK.index, i.name], new CreateIndexOp(name, index, schema, concurrently === true))
      if (i.unique && i.elements.every((e) => typeof e === 'string') && !i.where) addedKeys.push(i.elements as string[])
    },
  })

  const fkKey = (f: ForeignKeyModel) => foreignKeySignature(f, target)
  diffKind<ForeignKeyModel>(pass, 'foreignKey', target.foreignKeys, reflected.foreignKeys, fkKey, (t, r) => sameForeignKey(t, r, target, reflected), {
    drop: (f) => plan.add(Phase.DropForeignKey, [key, f.name], new DropForeignKeyOp(name, f.name, schema, structuredClone(f))),
    add: (f) => plan.add(Phase.AddForeignKey, [key, f.name], new AddForeignKeyOp(name, declared.foreignKey(target, f), schema)),
  })

  const checkText = (c: CheckModel) => dialect.normalizeExpression(c.expression)
  diffKind<CheckModel>(pass, 'check', target.checks, reflected.checks, checkText, (t, r) => sameCheck(t, r, dialect), {
    drop: (c) => plan.add(Phase.DropConstraint, [key, RANK.check, c.name], new DropCheckOp(name, c.name, schema, structuredClone(c))),
    add: (c) => plan.add(Phase.AddConstraint, [key, RANK.check, c.name], new AddCheckOp(name, declared.check(target, c), schema)),
  })

  return { addedKeys }
}
