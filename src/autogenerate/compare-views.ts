import type { AnyOperation } from '../operations/index.js'
import { CreateViewOp, DropViewOp, type RecreateReason, ReplaceViewOp } from '../operations/view-ops.js'
import type { SchemaModel, ViewModel } from '../schema/model.js'
import { qualifiedName } from '../schema/model.js'
import type { CompareScope } from './filters.js'
import { Phase, type Plan } from './ordering.js'
import { UsageError } from '../errors.js'
import { normalizeViewSql, readsQualified, sqlTokens } from './view-sql.js'

const viewKey = (v: { name: string; schema?: string | null }) => qualifiedName(v.name, v.schema)

/** Same view, after normalisation: definition tokens, declared columns, check option. */
export function sameView(a: ViewModel, b: ViewModel): boolean {
  const columns = (v: ViewModel) => JSON.stringify((v.columns ?? []).map((c) => c.toLowerCase()))
  return normalizeViewSql(a.definition) === normalizeViewSql(b.definition) && columns(a) === columns(b) && (a.checkOption ?? null) === (b.checkOption ?? null)
}

/** A materialized view's indexes, in name order (withData is how it was filled, not a schema fact). */
function indexesOf(v: ViewModel): string {
  const indexes = [...(v.indexes ?? [])].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  return JSON.stringify(indexes.map((i) => [i.name, i.columns, !!i.unique]))
}

/**
 * What makes a materialized view (or a view becoming one, or one becoming a view) be dropped and created again,
 * as words for the `Detected` line; null when it is unchanged. PostgreSQL cannot replace one in place.
 */
function materializedChange(wanted: ViewModel, old: ViewModel): string | null {
  if (!wanted.materialized && !old.materialized) return null
  if (!!wanted.materialized !== !!old.materialized) return wanted.materialized ? 'it becoming materialized' : 'it no longer being materialized'
  if (!sameView(wanted, old)) return 'its definition'
  return indexesOf(wanted) === indexesOf(old) ? null : 'its indexes'
}

/** What a view's SQL names: tables, views and columns it may read (a superset: any token counts). */
function readsOf(view: ViewModel): Set<string> {
  return new Set(sqlTokens(view.definition))
}

/** A table that planned operations change: its name as the operations spell it, and the changed columns (lower case). */
interface TouchedTable {
  name: string
  columns: Set<string>
}

/**
 * Tables and columns that planned operations change in a way a view reading them blocks (PostgreSQL refuses to
 * drop or retype a column a view reads, or drop its table), or that a view's old text names under a name the plan
 * renames (the downgrade creates that text again only once the name is back: the view must go before the rename,
 * not be replaced after it): lower-cased table name → changes ('*' for the table).
 */
function blockedBy(operations: AnyOperation[], enumAdditionsRetype: boolean): Map<string, TouchedTable> {
  const touched = new Map<string, TouchedTable>()
  const touch = (table: string, column: string) => {
    const key = table.toLowerCase()
    if (!touched.has(key)) touched.set(key, { name: table, columns: new Set() })
    touched.get(key)!.columns.add(column.toLowerCase())
  }
  for (const op of operations) {
    if (op.kind === 'dropTable') touch(op.name, '*')
    else if (op.kind === 'renameTable') touch(op.from, '*')
    else if (op.kind === 'dropColumn') touch(op.table, op.name)
    else if (op.kind === 'renameColumn') touch(op.table, op.from)
    else if (op.kind === 'alterColumn' && op.changes.type !== undefined) touch(op.table, op.name)
    else if (op.kind === 'alterEnum') for (const c of op.columns) touch(c.table, c.column)
    // Its downgrade removes the value, which retypes the columns where enums are types of their own (PostgreSQL).
    else if (op.kind === 'addEnumValue' && enumAdditionsRetype) for (const c of op.columns) touch(c.table, c.column)
  }
  return touched
}

/** The first table change that the view blocks, as words for the `Detected` line (the table as spelled), or null. */
function blockingChange(reads: Set<string>, touched: Map<string, TouchedTable>): string | null {
  for (const [key, { name, columns }] of touched) {
    if (!reads.has(key)) continue
    if (columns.has('*') || reads.has('*') || [...columns].some((c) => reads.has(c))) return `'${name}'`
  }
  return null
}

/**
 * Refuses a view the plan creates (new, changed, or re-created around a change) whose SQL still reads a column the
 * plan drops, named with its table (`t.code`, `` `t`.`code` ``) or with an alias of it (`from t x … x.code`): its
 * creation would fail once the column is gone, and on MySQL, whose DDL is not transactional, the column and its
 * values would be gone already. An unqualified name is not judged (it may be an alias, a keyword, another table's
 * column): the server says so when the view is created.
 */
function refuseReadingDropped(views: ViewModel[], operations: AnyOperation[]): void {
  const at = (table: string, schema: string | null, column: string) => JSON.stringify([schema, table.toLowerCase(), column.toLowerCase()])
  // A column dropped and added again (a generated column changed), or another one renamed to its name, is still there.
  const back = new Set(
    operations.flatMap((op) => (op.kind === 'addColumn' ? [at(op.table, op.schema, op.column.name)] : op.kind === 'renameColumn' ? [at(op.table, op.schema, op.to)] : [])),
  )
  const drops = operations.flatMap((op) => (op.kind === 'dropColumn' && !back.has(at(op.table, op.schema, op.name)) ? [op] : []))
  if (drops.length === 0) return
  for (const view of views)
    for (const drop of drops) {
      if (!readsQualified(view.definition, drop.table, drop.name)) continue
      const column = qualifiedName(`${drop.table}.${drop.name}`, drop.schema)
      throw new UsageError(`view '${viewKey(view)}' reads column '${column}', which the schema drops: change the view or keep the column`)
    }
}

/** Views in creation order: a view after the views it reads. Ties keep name order. */
function creationOrder(views: ViewModel[]): ViewModel[] {
  const pending = [...views].sort((a, b) => (viewKey(a) < viewKey(b) ? -1 : viewKey(a) > viewKey(b) ? 1 : 0))
  const reads = new Map(pending.map((v) => [v, readsOf(v)]))
  const order: ViewModel[] = []
  while (pending.length > 0) {
    const ready = pending.findIndex((v) => !pending.some((other) => other !== v && reads.get(v)!.has(other.name.toLowerCase())))
    // A cycle cannot be created by any order; the server will say so.
    const next = pending.splice(ready < 0 ? 0 : ready, 1)[0]!
    order.push(next)
  }
  return order
}

/**
 * Views: added, removed, changed, and the unchanged ones that read a table or column the plan changes (or a view
 * that is dropped or replaced): those are dropped first and created again last. Drops run before any table change,
 * creations after all of them, each in dependency order.
 */
export function diffViews(plan: Plan, target: SchemaModel, reflected: SchemaModel, scope: CompareScope, operations: AnyOperation[], namedEnumTypes = false): void {
  const wanted = (target.views ?? []).filter((v) => scope.tableInScope(v) && scope.includes('view', v, null, false, null))
  const present = (reflected.views ?? []).filter((v) => scope.tableInScope(v) && scope.includes('view', v, null, true, null))
  const presentByKey = new Map(present.map((v) => [viewKey(v), v]))
  const wantedKeys = new Set(wanted.map(viewKey))
  const touched = blockedBy(operations, namedEnumTypes)

  const dropped = new Map<string, { view: ViewModel; reason: RecreateReason | null }>()
  const created = new Map<string, { view: ViewModel; reason: RecreateReason | null; replaces?: ViewModel }>()
  for (const v of present) if (!wantedKeys.has(viewKey(v))) dropped.set(viewKey(v), { view: v, reason: null })
  for (const v of wanted) {
    const old = presentByKey.get(viewKey(v))
    const rebuilt = old ? materializedChange(v, old) : null
    if (!old) created.set(viewKey(v), { view: v, reason: null })
    else if (rebuilt) {
      dropped.set(viewKey(v), { view: old, reason: { around: rebuilt } })
      created.set(viewKey(v), { view: v, reason: { around: rebuilt } })
    } else if (!old.materialized && !v.materialized && !sameView(v, old)) created.set(viewKey(v), { view: v, reason: null, replaces: old })
  }
  // Unchanged views reading a blocked table or column, or a view that goes away first: dropped and created again.
  let grew = true
  while (grew) {
    grew = false
    for (const v of wanted) {
      const key = viewKey(v)
      const old = presentByKey.get(key)
      if (!old || dropped.has(key)) continue
      const reads = readsOf(old)
      // Views dropped, or replaced (a replacement drops the view first), before this one would be created again.
      const goneFirst = [...dropped.values()].map((d) => d.view).concat([...created.values()].flatMap((c) => (c.replaces ? [c.replaces] : [])))
      const gone = goneFirst.find((g) => viewKey(g) !== key && reads.has(g.name.toLowerCase()))
      const around = blockingChange(reads, touched) ?? (gone ? `view '${viewKey(gone)}'` : null)
      if (!around) continue
      const reason = { around }
      dropped.set(key, { view: old, reason })
      created.set(key, { view: v, reason })
      grew = true
    }
  }

  refuseReadingDropped([...created.values()].map((c) => c.view), operations)

  const drops = creationOrder([...dropped.values()].map((d) => d.view)).reverse()
  drops.forEach((v, position) => {
    const { reason } = dropped.get(viewKey(v))!
    plan.add(Phase.DropView, [position], new DropViewOp(v.name, v.schema ?? null, structuredClone(v), reason))
  })
  const creates = creationOrder([...created.values()].map((c) => c.view))
  creates.forEach((v, position) => {
    const { reason, replaces } = created.get(viewKey(v))!
    const op = replaces && !reason ? new ReplaceViewOp(structuredClone(v), structuredClone(replaces)) : new CreateViewOp(structuredClone(v), reason)
    plan.add(Phase.CreateView, [position], op)
  })
}
