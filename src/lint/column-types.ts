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

/** True when every value of `from` is a value of `to`. */
function widens(from: ColumnType, to: ColumnType): boolean {
  if (from.kind === to.kind && JSON.stringify(from) === JSON.stringify(to)) return true
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
