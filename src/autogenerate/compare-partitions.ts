import { UsageError } from '../errors.js'
import { AlterPartitionBoundOp, CreatePartitionOp, DropPartitionOp } from '../operations/partition-ops.js'
import type { ColumnType, PartitionBound, PartitionModel, PartitionValue, SchemaModel, TableModel } from '../schema/model.js'
import { findTable, qualifiedName, tableKey } from '../schema/model.js'
import type { CompareScope } from './filters.js'
import { Phase, type Plan } from './ordering.js'
import type { CompareDialect } from './types.js'

const NUMERIC = new Set(['smallint', 'integer', 'bigint', 'numeric', 'real', 'double'])

/** `2026-01-01`, `2026-01-01T10:00`, `2026-01-01 10:00:00.500+02` → date, time (seconds, trimmed fraction), offset. */
function dateTimeParts(text: string): { wall: string; offset: string | null } | null {
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i.exec(text.trim())
  if (!m) return null
  const fraction = (m[5] ?? '').replace(/0+$/, '')
  const wall = `${m[1]} ${m[2] ?? '00'}:${m[3] ?? '00'}:${m[4] ?? '00'}${fraction ? `.${fraction}` : ''}`
  return { wall, offset: m[6] ?? null }
}

/** The instant of a wall-clock time at an offset, as UTC text (comparable when both sides name an offset). */
function utc(wall: string, offset: string): string {
  const sign = offset.toUpperCase() === 'Z' ? 1 : offset.startsWith('-') ? -1 : 1
  const digits = offset.replace(/[^0-9]/g, '').padEnd(4, '0')
  const minutes = offset.toUpperCase() === 'Z' ? 0 : sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4)))
  const [date, time] = wall.split(' ')
  const [seconds, fraction] = time!.split('.')
  const ms = Date.parse(`${date}T${seconds}Z`) - minutes * 60_000
  return `${new Date(ms).toISOString().slice(0, 19)}${fraction ? `.${fraction}` : ''}`
}

/**
 * Whether a declared bound value and the server's spelling of it are the same value for the key column's type:
 * PostgreSQL prints `'2026-01-01 00:00:00'` for a declared `'2026-01-01'`, quotes negative numbers, and prints a
 * timestamptz in the session's time zone with its offset.
 */
function sameValue(a: PartitionValue, b: PartitionValue, type: ColumnType | undefined): boolean {
  if (a === null || b === null || typeof a === 'object' || typeof b === 'object') return JSON.stringify(a) === JSON.stringify(b)
  const x = String(a)
  const y = String(b)
  if (x === y) return true
  const kind = type?.kind
  if (kind && NUMERIC.has(kind)) return Number(x) === Number(y) && x.trim() !== '' && y.trim() !== ''
  if (kind === 'boolean') return /^(t|true|yes|on|1)$/i.test(x) === /^(t|true|yes|on|1)$/i.test(y)
  if (kind === 'date' || kind === 'timestamp') {
    const p = dateTimeParts(x)
    const q = dateTimeParts(y)
    if (!p || !q) return false
    if (kind === 'date') return p.wall.slice(0, 10) === q.wall.slice(0, 10)
    // A value without an offset is in the session's time zone, which is how the server prints the other one.
    return p.offset && q.offset ? utc(p.wall, p.offset) === utc(q.wall, q.offset) : p.wall === q.wall
  }
  if (kind === 'uuid') return x.toLowerCase() === y.toLowerCase()
  return false
}

function sameValues(a: PartitionValue[], b: PartitionValue[], types: Array<ColumnType | undefined>): boolean {
  return a.length === b.length && a.every((v, i) => sameValue(v, b[i]!, types[i]))
}

/** Equal bounds for the parent's key column types; list values in any order. */
export function sameBound(a: PartitionBound, b: PartitionBound, types: Array<ColumnType | undefined>): boolean {
  if (a.kind === 'range' && b.kind === 'range') return sameValues(a.from, b.from, types) && sameValues(a.to, b.to, types)
  if (a.kind === 'list' && b.kind === 'list') {
    const left = [...b.in]
    return a.in.length === b.in.length && a.in.every((v) => {
      const at = left.findIndex((w) => sameValue(v, w, types[0]))
      return at >= 0 && left.splice(at, 1).length === 1
    })
  }
  if (a.kind === 'hash' && b.kind === 'hash') return a.modulus === b.modulus && a.remainder === b.remainder
  return a.kind === b.kind && a.kind === 'default'
}

function keyTypes(parent: TableModel | undefined): Array<ColumnType | undefined> {
  return (parent?.partitionBy?.columns ?? []).map((c) => parent?.columns.find((col) => col.name === c)?.type)
}

/** PostgreSQL cannot partition an existing table, nor change how a partitioned one splits its rows. */
function refuseRepartitioning(target: SchemaModel, reflected: SchemaModel, scope: CompareScope): void {
  const present = new Map(reflected.tables.map((t) => [tableKey(t), t]))
  for (const table of target.tables) {
    const old = present.get(tableKey(table))
    if (!old || !scope.tableInScope(table)) continue
    const want = table.partitionBy ? `${table.partitionBy.kind} (${table.partitionBy.columns.join(', ')})` : null
    const have = old.partitionBy ? `${old.partitionBy.kind} (${old.partitionBy.columns.join(', ')})` : null
    if (want === have) continue
    const name = tableKey(table)
    const what = !have ? 'is a plain table in the database' : !want ? `is partitioned by ${have} in the database` : `is partitioned by ${have} in the database, by ${want} in the schema`
    throw new UsageError(
      `table '${name}' ${what}: PostgreSQL cannot change that in place: declare a new table with the partitioning you want, copy the rows in a migration (op.execute), then drop the old table`,
    )
  }
}

const partitionKey = (p: { name: string; schema?: string | null }) => qualifiedName(p.name, p.schema)

/** Partitions added, dropped, moved to another parent (drop and create) or given new bounds (detach and attach). */
export function diffPartitions(plan: Plan, target: SchemaModel, reflected: SchemaModel, scope: CompareScope, dialect: CompareDialect): void {
  if (!dialect.features.partitionedTables) return
  refuseRepartitioning(target, reflected, scope)
  const inScope = (p: PartitionModel, isReflected: boolean) =>
    scope.tableInScope({ name: p.parent, schema: p.schema ?? null }) && scope.includes('partition', p, null, isReflected, null)
  // A parent renamed by this plan keeps its partitions: they are compared under its new name.
  const renamed = new Map(plan.operations().flatMap((op) => (op.kind === 'renameTable' ? [[qualifiedName(op.from, op.schema), op.to] as const] : [])))
  const present = new Map(
    (reflected.partitions ?? []).filter((p) => inScope(p, true)).map((p) => [partitionKey(p), { ...p, parent: renamed.get(qualifiedName(p.parent, p.schema)) ?? p.parent }]),
  )
  const drop = (old: PartitionModel) => plan.add(Phase.DropPartition, [partitionKey(old)], new DropPartitionOp(old.name, old.schema ?? null, structuredClone(old)))
  for (const p of (target.partitions ?? []).filter((x) => inScope(x, false))) {
    const old = present.get(partitionKey(p))
    present.delete(partitionKey(p))
    const create = () => plan.add(Phase.CreatePartition, [1, p.parent, p.name], new CreatePartitionOp(structuredClone(p)))
    if (!old) create()
    else if (old.parent !== p.parent) {
      drop(old)
      create()
    } else if (!sameBound(p.bound, old.bound, keyTypes(findTable(target, p.parent, p.schema))))
      plan.add(Phase.CreatePartition, [0, p.parent, p.name], new AlterPartitionBoundOp(structuredClone(p), structuredClone(old.bound)))
  }
  for (const old of present.values()) drop(old)
}
