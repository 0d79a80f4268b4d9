import { AlterColumnOp, type ColumnChanges } from '../operations/column-ops.js'
import type { ColumnModel, ColumnType } from '../schema/model.js'
import type { CompareDialect } from './types.js'

function sameRawSql(a: string, b: string): boolean {
  const norm = (s: string) => s.trim().replace(/\s+/g, ' ').toLowerCase()
  return norm(a) === norm(b)
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i])
}

/**
 * Type equality. `enumsAsTypes` (PostgreSQL): an enum column is equal when it names the same enum type; the
 * values are compared on the enum itself. Elsewhere enums are inline column types, compared by their values
 * (their name is not stored in the database).
 */
export function typesEqual(target: ColumnType, reflected: ColumnType, enumsAsTypes: boolean): boolean {
  if (target.kind !== reflected.kind) return false
  switch (target.kind) {
    case 'enum': {
      const r = reflected as typeof target
      if (enumsAsTypes) return target.name === r.name && (target.schema ?? null) === (r.schema ?? null)
      return sameList(target.values, r.values)
    }
    case 'raw':
      return sameRawSql(target.sql, (reflected as typeof target).sql)
    case 'varchar':
    case 'char':
      return target.length === (reflected as typeof target).length
    case 'numeric': {
      const r = reflected as typeof target
      return target.precision === r.precision && target.scale === r.scale
    }
    case 'time':
    case 'timestamp': {
      const r = reflected as typeof target
      return !!target.withTimezone === !!r.withTimezone && target.precision === r.precision
    }
    default:
      return true
  }
}

/** Type families whose members may be the same column under a new name (candidates for a rename question). */
const FAMILIES: Record<string, string> = {
  smallint: 'int',
  integer: 'int',
  bigint: 'int',
  varchar: 'string',
  char: 'string',
  text: 'string',
  real: 'float',
  double: 'float',
  numeric: 'float',
  date: 'datetime',
  timestamp: 'datetime',
  json: 'json',
  jsonb: 'json',
}

export function typesCompatible(a: ColumnType, b: ColumnType): boolean {
  return (FAMILIES[a.kind] ?? a.kind) === (FAMILIES[b.kind] ?? b.kind)
}

/** Every fact an alteration can touch, with absent facts spelled out, so that the change can be reversed. */
export function columnFacts(column: ColumnModel): Required<ColumnChanges> {
  return {
    type: structuredClone(column.type),
    nullable: column.nullable,
    default: column.default ? structuredClone(column.default) : null,
    comment: column.comment ?? null,
    autoincrement: column.autoincrement ?? false,
  }
}

/**
 * The alteration turning `reflected` into `target` (canonical), or null when they are equal. What changes is
 * taken from `declared`, the column as the schema declares it.
 */
export function diffColumn(
  table: string,
  schema: string | null,
  target: ColumnModel,
  reflected: ColumnModel,
  dialect: CompareDialect,
  declared: ColumnModel = target,
): AlterColumnOp | null {
  const want = columnFacts(target)
  const have = columnFacts(reflected)
  const given = columnFacts(declared)
  // MySQL keeps no enum names: the existing enum type takes the declared one's, so the file says `mood`, not ''.
  if (have.type.kind === 'enum' && !have.type.name && given.type.kind === 'enum')
    have.type = { ...have.type, name: given.type.name, ...(given.type.schema ? { schema: given.type.schema } : {}) }
  const changes: ColumnChanges = {}
  if (!typesEqual(want.type, have.type, dialect.name === 'postgres')) changes.type = given.type
  if (want.nullable !== have.nullable) changes.nullable = want.nullable
  const wantDefault = dialect.normalizeDefault(want.default, { type: want.type })
  const haveDefault = dialect.normalizeDefault(have.default, { type: have.type })
  if (wantDefault !== haveDefault) changes.default = given.default
  if (want.comment !== have.comment) changes.comment = given.comment
  if (want.autoincrement !== have.autoincrement) changes.autoincrement = given.autoincrement
  if (Object.keys(changes).length === 0) return null
  return new AlterColumnOp(table, target.name, changes, have, schema)
}
