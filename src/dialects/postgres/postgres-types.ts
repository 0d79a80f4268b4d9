/**
 * Portable column types ↔ PostgreSQL types, both ways. The native spelling is the one `format_type()` prints
 * (`character varying(100)`, `timestamp(3) with time zone`), so what strata writes is what it reads back.
 */
import type { ColumnType } from '../../schema/model.js'
import { parseTypeText } from './postgres-expression-parser.js'
import { qualify } from './postgres-quote.js'

/** The highest fractional-seconds precision the server keeps; larger values are reduced to it. */
const MAX_TIME_PRECISION = 6

function temporalSql(name: 'time' | 'timestamp', type: { withTimezone?: boolean; precision?: number }): string {
  const precision = type.precision !== undefined ? `(${type.precision})` : ''
  return `${name}${precision} ${type.withTimezone ? 'with' : 'without'} time zone`
}

/** The type as written in DDL. */
export function columnTypeSql(type: ColumnType): string {
  switch (type.kind) {
    case 'smallint':
    case 'integer':
    case 'bigint':
    case 'text':
    case 'boolean':
    case 'real':
    case 'date':
    case 'json':
    case 'jsonb':
    case 'uuid':
      return type.kind
    case 'double':
      return 'double precision'
    case 'varchar':
      return type.length !== undefined ? `character varying(${type.length})` : 'character varying'
    case 'char':
      return `character(${type.length ?? 1})`
    case 'numeric':
      if (type.precision === undefined) return 'numeric'
      return type.scale !== undefined ? `numeric(${type.precision},${type.scale})` : `numeric(${type.precision})`
    case 'time':
      return temporalSql('time', type)
    case 'timestamp':
      return temporalSql('timestamp', type)
    case 'bytes':
      return 'bytea'
    case 'enum':
      return qualify(type.name, type.schema ?? null)
    case 'raw':
      return type.sql
  }
}

/** A native type read back: the portable type, and whether it was a serial pseudo-type (an owned sequence default). */
export interface NativeType {
  type: ColumnType
  serial: boolean
}

const SERIALS: Record<string, 'smallint' | 'integer' | 'bigint'> = {
  smallserial: 'smallint',
  serial2: 'smallint',
  serial: 'integer',
  serial4: 'integer',
  bigserial: 'bigint',
  serial8: 'bigint',
}

/**
 * A native type name (as `format_type()` prints it, or as a user spells it in `customType()`) as a portable type;
 * anything without a portable name stays `{ kind: 'raw' }` in the server's spelling.
 */
export function parseNativeType(text: string): NativeType {
  const canonical = parseTypeText(text.trim())
  if (canonical === null) return { type: { kind: 'raw', sql: text.trim().replace(/\s+/g, ' ') }, serial: false }
  const serial = SERIALS[canonical]
  if (serial) return { type: { kind: serial }, serial: true }
  return { type: portableType(canonical), serial: false }
}

function portableType(canonical: string): ColumnType {
  switch (canonical) {
    case 'smallint':
    case 'integer':
    case 'bigint':
    case 'text':
    case 'boolean':
    case 'real':
    case 'date':
    case 'json':
    case 'jsonb':
    case 'uuid':
      return { kind: canonical }
    case 'double precision':
      return { kind: 'double' }
    case 'bytea':
      return { kind: 'bytes' }
    case 'character varying':
      return { kind: 'varchar' }
    case 'numeric':
      return { kind: 'numeric' }
  }
  let m = /^character varying\((\d+)\)$/.exec(canonical)
  if (m) return { kind: 'varchar', length: Number(m[1]) }
  m = /^character(?:\((\d+)\))?$/.exec(canonical)
  if (m) return { kind: 'char', length: m[1] ? Number(m[1]) : 1 }
  m = /^numeric\((\d+)(?:,(\d+))?\)$/.exec(canonical)
  if (m) return { kind: 'numeric', precision: Number(m[1]), scale: m[2] ? Number(m[2]) : 0 }
  m = /^(time|timestamp)(?:\((\d+)\))? (with|without) time zone$/.exec(canonical)
  if (m) {
    const type: { kind: 'time' | 'timestamp'; withTimezone?: boolean; precision?: number } = { kind: m[1] as 'time' }
    if (m[3] === 'with') type.withTimezone = true
    if (m[2] !== undefined) type.precision = Math.min(Number(m[2]), MAX_TIME_PRECISION)
    return type as ColumnType
  }
  return { kind: 'raw', sql: canonical }
}

/**
 * The type as the introspector will report it after strata created it: lengths and scales the server fills in,
 * aliases resolved (`customType('int4')` → integer), serial pseudo-types flagged.
 */
export function canonicalColumnType(type: ColumnType): NativeType {
  switch (type.kind) {
    case 'varchar':
      return { type: type.length !== undefined ? { kind: 'varchar', length: type.length } : { kind: 'varchar' }, serial: false }
    case 'char':
      return { type: { kind: 'char', length: type.length ?? 1 }, serial: false }
    case 'numeric':
      return {
        type: type.precision !== undefined ? { kind: 'numeric', precision: type.precision, scale: type.scale ?? 0 } : { kind: 'numeric' },
        serial: false,
      }
    case 'time':
    case 'timestamp': {
      const out: { kind: 'time' | 'timestamp'; withTimezone?: boolean; precision?: number } = { kind: type.kind }
      if (type.withTimezone) out.withTimezone = true
      if (type.precision !== undefined) out.precision = Math.min(type.precision, MAX_TIME_PRECISION)
      return { type: out as ColumnType, serial: false }
    }
    case 'enum':
      return { type: { kind: 'enum', name: type.name, values: [...type.values], ...(type.schema ? { schema: type.schema } : {}) }, serial: false }
    case 'raw':
      // Aliases and arrays in the server's spelling: customType('int4') is an integer, 'int[]' is 'integer[]'.
      return parseNativeType(type.sql)
    default:
      return { type: { kind: type.kind } as ColumnType, serial: false }
  }
}

type Family = 'integer' | 'number' | 'text' | 'boolean' | 'date' | 'time' | 'timestamp' | 'json' | 'uuid' | 'bytes' | 'enum' | 'raw'

function family(type: ColumnType): Family {
  switch (type.kind) {
    case 'smallint':
    case 'integer':
    case 'bigint':
      return 'integer'
    case 'real':
    case 'double':
    case 'numeric':
      return 'number'
    case 'varchar':
    case 'char':
    case 'text':
      return 'text'
    case 'json':
    case 'jsonb':
      return 'json'
    case 'bytes':
      return 'bytes'
    default:
      return type.kind
  }
}

/**
 * True when the server has no assignment cast from `from` to `to`, so `ALTER COLUMN … TYPE` needs `USING`.
 * Unknown (raw) types are left to the server. Within a family (text lengths, integer widths, numbers, json/jsonb,
 * timestamps and dates) the assignment cast exists and keeps its checks (e.g. a too-long value fails instead of
 * being truncated as an explicit cast would).
 */
export function needsUsingCast(from: ColumnType, to: ColumnType): boolean {
  const a = family(from)
  const b = family(to)
  if (a === 'raw' || b === 'raw') return false
  if (b === 'text') return false
  if ((a === 'integer' || a === 'number') && (b === 'integer' || b === 'number')) return false
  if (a === b && a !== 'enum') return false
  if (a === 'date' && b === 'timestamp') return false
  if (a === 'timestamp' && (b === 'date' || b === 'time')) return false
  if (a === 'enum' && b === 'enum' && from.kind === 'enum' && to.kind === 'enum')
    return from.name !== to.name || (from.schema ?? null) !== (to.schema ?? null)
  return true
}

/** The USING expression for a type change that needs one. Enum to enum goes through text. */
export function usingCast(columnSql: string, from: ColumnType, to: ColumnType): string {
  if (from.kind === 'enum' && to.kind === 'enum') return `${columnSql}::text::${columnTypeSql(to)}`
  return `${columnSql}::${columnTypeSql(to)}`
}
