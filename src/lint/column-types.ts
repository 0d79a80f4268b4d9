import type { DialectFamily } from '../dialects/dialect.js'
import type { ColumnType } from '../schema/model.js'

/**
 * How a type change treats the data already stored:
 * - `in-place`: every value fits and the server relabels the column without touching rows;
 * - `rewrite`: every value fits, but the server rewrites the table (or copies it) to change the storage;
 * - `unsafe`: values may not fit (narrowing, a cast that can fail): the change may fail or lose data.
 */
export type TypeChange = 'in-place' | 'rewrite' | 'unsafe'

const INTEGER_WIDTH: Partial<Record<ColumnType['kind'], number>> = { smallint: 1, integer: 2, bigint: 3 }
const FLOAT_WIDTH: Partial<Record<ColumnType['kind'], number>> = { real: 1, double: 2 }
const TEXT_KINDS = new Set<ColumnType['kind']>(['varchar', 'text'])

/** Character lengths that keep MySQL's one-byte length prefix (utf8mb4: 4 bytes a character, 255 bytes). */
const MYSQL_SHORT_VARCHAR = 63

function textLength(type: ColumnType): number {
  if (type.kind === 'text') return Infinity
  if (type.kind === 'varchar' || type.kind === 'char') return type.length ?? Infinity
  return 0
}

/** PostgreSQL's serial types are integers with a sequence default: as types, the integer they store. */
const SERIAL_INTEGERS: Record<string, ColumnType['kind']> = { smallserial: 'smallint', serial2: 'smallint', serial: 'integer', serial4: 'integer', bigserial: 'bigint', serial8: 'bigint' }

/** A custom type with a length whose values all fit a longer length: `varbinary(35)`, `bit varying(8)`. */
const VARYING_RAW = /^(varbinary|varchar|character varying|bit varying|varbit)\s*\(\s*(\d+)\s*\)$/i

function asPortable(type: ColumnType): ColumnType {
  if (type.kind !== 'raw') return type
  const integer = SERIAL_INTEGERS[type.sql.trim().toLowerCase()]
  return integer ? ({ kind: integer } as ColumnType) : type
}

/** True when both are the same varying custom type and `to` is at least as long. */
function widensVaryingRaw(from: ColumnType, to: ColumnType): boolean {
  if (from.kind !== 'raw' || to.kind !== 'raw') return false
  const a = VARYING_RAW.exec(from.sql.trim())
  const b = VARYING_RAW.exec(to.sql.trim())
  return !!a && !!b && a[1]!.toLowerCase() === b[1]!.toLowerCase() && Number(b[2]) >= Number(a[2])
}

/** True when every value of `from` is a value of `to`. */
function widens(fromType: ColumnType, toType: ColumnType): boolean {
  const from = asPortable(fromType)
  const to = asPortable(toType)
  if (from.kind === to.kind && JSON.stringify(from) === JSON.stringify(to)) return true
  if (widensVaryingRaw(from, to)) return true
  const fromInt = INTEGER_WIDTH[from.kind]
  const toInt = INTEGER_WIDTH[to.kind]
  if (fromInt && toInt) return toInt >= fromInt
  const fromFloat = FLOAT_WIDTH[from.kind]
  const toFloat = FLOAT_WIDTH[to.kind]
  if (fromFloat && toFloat) return toFloat >= fromFloat
  if (TEXT_KINDS.has(from.kind) && TEXT_KINDS.has(to.kind)) return textLength(to) >= textLength(from)
  if (from.kind === 'char' && to.kind === 'char') return textLength(to) >= textLength(from)
  if (from.kind === 'numeric' && to.kind === 'numeric') {
    if (to.precision === undefined) return true
    if (from.precision === undefined) return false
    const integerDigits = (t: { precision?: number; scale?: number }) => (t.precision ?? 0) - (t.scale ?? 0)
    return (to.scale ?? 0) >= (from.scale ?? 0) && integerDigits(to) >= integerDigits(from)
  }
  if ((from.kind === 'timestamp' && to.kind === 'timestamp') || (from.kind === 'time' && to.kind === 'time'))
    return !!from.withTimezone === !!to.withTimezone && (to.precision ?? 6) >= (from.precision ?? 6)
  if (from.kind === 'enum' && to.kind === 'enum') return from.values.every((v) => to.values.includes(v))
  return false
}

/** A widening the server does without touching rows, per dialect (SQLite stores any value in any column). */
const IN_PLACE: Record<DialectFamily, (from: ColumnType, to: ColumnType) => boolean> = {
  postgres: (from, to) =>
    (TEXT_KINDS.has(from.kind) && TEXT_KINDS.has(to.kind)) ||
    (from.kind === 'numeric' && to.kind === 'numeric' && (to.precision === undefined || (from.scale ?? 0) === (to.scale ?? 0))) ||
    ((from.kind === 'timestamp' || from.kind === 'time') && from.kind === to.kind) ||
    (from.kind === 'enum' && to.kind === 'enum' && from.name === to.name),
  mysql: (from, to) =>
    (from.kind === 'varchar' && to.kind === 'varchar' && (textLength(from) > MYSQL_SHORT_VARCHAR || textLength(to) <= MYSQL_SHORT_VARCHAR)) ||
    (from.kind === 'enum' && to.kind === 'enum' && to.values.slice(0, from.values.length).every((v, i) => v === from.values[i])),
  sqlite: () => true,
}

/** Classifies a type change on a dialect; an unknown previous type counts as unsafe. */
export function classifyTypeChange(from: ColumnType | undefined, to: ColumnType, dialect: DialectFamily): TypeChange {
  if (!from || !widens(from, to)) return 'unsafe'
  // serial → integer (an identity now) is the same stored type: nothing is rewritten.
  if (JSON.stringify(asPortable(from)) === JSON.stringify(asPortable(to))) return 'in-place'
  return IN_PLACE[dialect](from, to) ? 'in-place' : 'rewrite'
}

/** `varchar(20)`, `integer`: a type as a reader writes it. */
export function typeLabel(type: ColumnType | undefined): string {
  if (!type) return 'unknown type'
  switch (type.kind) {
    case 'varchar':
    case 'char':
      return type.length === undefined ? type.kind : `${type.kind}(${type.length})`
    case 'numeric':
      return type.precision === undefined ? 'numeric' : `numeric(${type.precision}${type.scale === undefined ? '' : `, ${type.scale}`})`
    case 'enum':
      return `enum ${type.name}`
    case 'timestamp':
    case 'time': {
      const precision = type.precision === undefined ? '' : `(${type.precision})`
      return `${type.kind}${precision}${type.withTimezone ? ' with time zone' : ''}`
    }
    case 'raw':
      return type.sql
    default:
      return type.kind
  }
}
