import type { AnyOperation } from '../operations/index.js'
import type { ForeignKeyModel, TableModel } from '../schema/model.js'
import { qualifiedName, tableKey } from '../schema/model.js'

/**
 * The order in which detected operations run. Each phase only depends on earlier ones: schemas and enum types
 * exist before tables use them, renames happen before anything refers to the new names, foreign keys and
 * indexes go before the tables and columns they depend on, constraints come after the columns they cover.
 */
export enum Phase {
  /** Views, sequences, routines and triggers renamed in the schema: under their new names before anything else. */
  RenameObject,
  /** Triggers, views and routines go before anything they use changes (and are created again last). */
  DropTrigger,
  DropPolicy,
  DropView,
  DropRoutine,
  CreateSchema,
  /** Extensions come first: types and functions they define may be used by everything after. */
  CreateExtension,
  Enum,
  /** Sequences exist before the tables whose defaults call nextval() on them. */
  CreateSequence,
  /** Functions a new check, default, generated column or index calls: before the tables (see `calledRoutines`). */
  CreateCalledRoutine,
  RenameTable,
  RenameColumn,
  /** Partitions go before their parent table changes or goes (a partition's rows go with it). */
  DropPartition,
  DropForeignKey,
  DropConstraint,
  /**
   * Enum value changes found on MySQL and SQLite, where they restate columns (by their new names): before the
   * tables and columns that may use the new values, as PostgreSQL needs when it runs the same migration.
   */
  ColumnEnum,
  CreateTable,
  AddColumn,
  AlterColumn,
  TableComment,
  /** Sequence options and owners: after the owning column exists, before a dropped table would take the sequence along. */
  AlterSequence,
  AddConstraint,
  AddForeignKey,
  /** Partitions come once their parent has its columns; new bounds first, so a new partition may take the old range. */
  CreatePartition,
  DropTable,
  DropColumn,
  /** Functions a dropped check, default, generated column or index called: once those are gone. */
  DropCalledRoutine,
  /** After the defaults that call nextval() on them are gone. */
  DropSequence,
  DropEnum,
  DropExtension,
  DropSchema,
  CreateRoutine,
  CreateView,
  CreateTrigger,
  CreatePolicy,
}

export type SortKey = Array<string | number>

function compareKeys(a: SortKey, b: SortKey): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i]
    const y = b[i]
    if (x === y) continue
    if (x === undefined) return -1
    if (y === undefined) return 1
    if (typeof x === 'number' && typeof y === 'number') return x - y
    // Code-unit order, not locale order: the same on every machine.
    return String(x) < String(y) ? -1 : 1
  }
  return 0
}

/** Collects operations by phase and yields them in a deterministic order. */
export class Plan {
  private readonly entries: Array<{ phase: Phase; key: SortKey; seq: number; op: AnyOperation }> = []

  add(phase: Phase, key: SortKey, op: AnyOperation): void {
    this.entries.push({ phase, key, seq: this.entries.length, op })
  }

  operations(): AnyOperation[] {
    const moved = calledRoutines(this.entries)
    const phase = (e: { phase: Phase; op: AnyOperation }) => moved.get(e.op) ?? e.phase
    return calleesFirst(
      [...this.entries].sort((a, b) => phase(a) - phase(b) || compareKeys(a.key, b.key) || a.seq - b.seq).map((e) => e.op),
    )
  }
}

/**
 * Routines created by the plan, reordered among their own places so that one whose body calls another comes after
 * it: PostgreSQL checks a SQL function's body when it is created (`film_in_stock` calls `inventory_in_stock`, which
 * sorts after it). A cycle keeps the order it had.
 */
function calleesFirst(ops: AnyOperation[]): AnyOperation[] {
  const places: number[] = []
  ops.forEach((op, i) => op.kind === 'createRoutine' && places.push(i))
  if (places.length < 2) return ops
  const pending = places.map((i) => ops[i]!) as Array<Extract<AnyOperation, { kind: 'createRoutine' }>>
  const ordered: AnyOperation[] = []
  while (pending.length > 0) {
    const waits = (op: (typeof pending)[number]) => pending.some((other) => other !== op && calls(op.routine.body, other.routine.name))
    const next = Math.max(0, pending.findIndex((op) => !waits(op)))
    ordered.push(pending.splice(next, 1)[0]!)
  }
  const result = [...ops]
  places.forEach((at, i) => (result[at] = ordered[i]!))
  return result
}

/** Phases whose operations hold SQL that may call a function: the SQL they create, and the SQL they remove. */
const CREATING = new Set([Phase.CreateTable, Phase.AddColumn, Phase.AlterColumn, Phase.AddConstraint, Phase.AddForeignKey, Phase.CreatePartition])
// An altered column's operation carries its old default too (`existing`): a function only that default called goes after it.
const DROPPING = new Set([Phase.DropConstraint, Phase.DropTable, Phase.DropColumn, Phase.AlterColumn])

/** True when `name(` (or `"name"(`, in any schema) occurs in the operation's data: its checks, defaults, expressions. */
function calls(text: string, name: string): boolean {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  return new RegExp(`(^|[^A-Za-z0-9_$])${escaped}(\\\\")?\\s*\\(`, 'i').test(text)
}

/**
 * Functions created (or dropped) by the plan that a check, default, generated column or index expression created
 * (or dropped) by it calls: routines otherwise come after every table and go before any, which a table whose
 * CHECK calls the function cannot wait for (and the server refuses to drop a function a check still uses). Such a
 * function moves to `CreateCalledRoutine` (before the tables) or `DropCalledRoutine` (after them); the downgrade,
 * the reverse in reverse order, then drops it after the table and creates it before. Found by name in the
 * operations' data, so a false match only moves a function earlier (or a drop later).
 */
function calledRoutines(entries: ReadonlyArray<{ phase: Phase; op: AnyOperation }>): Map<AnyOperation, Phase> {
  const moved = new Map<AnyOperation, Phase>()
  const created = entries.filter((e) => e.op.kind === 'createRoutine' && e.op.routine.kind === 'function')
  const dropped = entries.filter((e) => e.op.kind === 'dropRoutine' && e.op.routineKind === 'function')
  if (created.length === 0 && dropped.length === 0) return moved
  const textOf = (phases: Set<Phase>) =>
    entries
      .filter((e) => phases.has(e.phase))
      .map((e) => JSON.stringify(e.op))
      .join('\n')
  const creating = created.length > 0 ? textOf(CREATING) : ''
  const dropping = dropped.length > 0 ? textOf(DROPPING) : ''
  for (const { op } of created) if (op.kind === 'createRoutine' && calls(creating, op.routine.name)) moved.set(op, Phase.CreateCalledRoutine)
  for (const { op } of dropped) if (op.kind === 'dropRoutine' && calls(dropping, op.name)) moved.set(op, Phase.DropCalledRoutine)
  return moved
}

/**
 * The key of the table a foreign key points at. A key naming no schema points into the default schema (what the
 * DSL builds for a reference to a default-schema table, and what PostgreSQL's introspector reports), not into
 * its own table's schema.
 */
export function referencedKey(fk: ForeignKeyModel, _table?: TableModel): string {
  return qualifiedName(fk.referencedTable, fk.referencedSchema ?? null)
}

/**
 * A creation order for tables linked by foreign keys: referenced tables first. Foreign keys that close a cycle
 * cannot be created inline; they are returned as `deferred` (table key → foreign keys) and must be added once
 * every table of the cycle exists (or dropped before any of them is dropped). Self references stay inline.
 */
export function dependencyOrder(tables: TableModel[]): { order: TableModel[]; deferred: Map<string, ForeignKeyModel[]> } {
  const byKey = new Map(tables.map((t) => [tableKey(t), t]))
  const keys = [...byKey.keys()].sort(codeUnitOrder)
  // Unplaced tables each table waits for, and who waits for each table.
  const waitsFor = new Map(keys.map((k) => [k, new Set<string>()]))
  const waitedBy = new Map(keys.map((k) => [k, [] as string[]]))
  for (const [key, table] of byKey)
    for (const fk of table.foreignKeys) {
      const target = referencedKey(fk, table)
      if (target === key || !byKey.has(target) || waitsFor.get(key)!.has(target)) continue
      waitsFor.get(key)!.add(target)
      waitedBy.get(target)!.push(key)
    }
  const ready = keys.filter((k) => waitsFor.get(k)!.size === 0)
  const placed = new Set<string>()
  const order: TableModel[] = []
  const deferred = new Map<string, ForeignKeyModel[]>()
  let scan = 0
  const place = (key: string) => {
    placed.add(key)
    order.push(byKey.get(key)!)
    for (const dependent of waitedBy.get(key)!) {
      const waiting = waitsFor.get(dependent)!
      if (!waiting.delete(key) || waiting.size > 0 || placed.has(dependent)) continue
      // Keep `ready` sorted: the smallest ready key always goes next.
      let at = ready.length
      while (at > 0 && codeUnitOrder(ready[at - 1]!, dependent) > 0) at--
      ready.splice(at, 0, dependent)
    }
  }
  while (order.length < keys.length) {
    const next = ready.shift()
    if (next !== undefined) {
      if (!placed.has(next)) place(next)
      continue
    }
    // A cycle: break it at the first table on it (not at a table that merely waits for one) by deferring its
    // unresolved foreign keys.
    while (placed.has(keys[scan]!)) scan++
    const key = firstOnCycle(keys[scan]!, waitsFor)
    const table = byKey.get(key)!
    const waiting = waitsFor.get(key)!
    deferred.set(key, table.foreignKeys.filter((fk) => waiting.has(referencedKey(fk, table))))
    waiting.clear()
    place(key)
  }
  return { order, deferred }
}

/** Follows the smallest waited-for table from `start` until a table repeats; returns the smallest table of that cycle. */
function firstOnCycle(start: string, waitsFor: Map<string, Set<string>>): string {
  const seen: string[] = []
  let at = start
  while (!seen.includes(at)) {
    seen.push(at)
    at = [...waitsFor.get(at)!].sort(codeUnitOrder)[0]!
  }
  return seen.slice(seen.indexOf(at)).sort(codeUnitOrder)[0]!
}

function codeUnitOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
