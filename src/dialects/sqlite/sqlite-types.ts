import type { ColumnType } from '../../schema/model.js'
import { tokenize } from './sqlite-parser.js'

/**
 * SQLite keeps a column's declared type as written, so strata writes a readable declared name for every portable
 * type and reads it back exactly. The declared name also decides SQLite's type affinity (INT → integer,
 * CHAR/TEXT → text, BLOB → none, REAL/FLOA/DOUB → real, anything else → numeric); the names below keep the usual one.
 */

export function quoteName(name: string): string {
  return `"${name.replaceAll('"', '""')}"`
}

function withPrecision(base: string, precision: number | undefined): string {
  return precision === undefined ? base : `${base}(${precision})`
}

/** The declared type strata writes for a portable type. */
export function toDeclaredType(type: ColumnType): string {
  switch (type.kind) {
    case 'smallint':
      return 'SMALLINT'
    case 'integer':
      return 'INTEGER'
    case 'bigint':
      return 'BIGINT'
    case 'varchar':
      return type.length === undefined ? 'VARCHAR' : `VARCHAR(${type.length})`
    case 'char':
      return type.length === undefined ? 'CHAR' : `CHAR(${type.length})`
    case 'text':
      return 'TEXT'
    case 'boolean':
      return 'BOOLEAN'
    case 'real':
      return 'REAL'
    case 'double':
      return 'DOUBLE'
    case 'numeric':
      if (type.precision === undefined) return 'NUMERIC'
      return type.scale === undefined ? `NUMERIC(${type.precision})` : `NUMERIC(${type.precision},${type.scale})`
    case 'date':
      return 'DATE'
    // SQLite's grammar allows a (precision) only at the end of a type name, so the zone forms are one word.
    case 'time':
      return withPrecision(type.withTimezone ? 'TIMETZ' : 'TIME', type.precision)
    case 'timestamp':
      return withPrecision(type.withTimezone ? 'TIMESTAMPTZ' : 'TIMESTAMP', type.precision)
    case 'json':
    case 'jsonb':
      return 'JSON'
    case 'uuid':
      return 'UUID'
    case 'bytes':
      return 'BLOB'
    case 'enum':
      // TEXT gives the column text affinity; the quoted name lets the introspector rebuild the enum type.
      return `TEXT ENUM ${quoteName(type.name)}`
    case 'raw':
      return type.sql.trim()
  }
}

/** The enum name encoded in a declared type (`TEXT ENUM "mood"`), or null. */
export function enumNameOf(declared: string): string | null {
  const tokens = tokenize(declared)
  if (tokens.length !== 3) return null
  const [first, second, third] = tokens as [(typeof tokens)[0], (typeof tokens)[0], (typeof tokens)[0]]
  if (first.kind !== 'word' || first.value.toUpperCase() !== 'TEXT') return null
  if (second.kind !== 'word' || second.value.toUpperCase() !== 'ENUM') return null
  return third.kind === 'quoted' || third.kind === 'word' ? third.value : null
}

const SIMPLE: Record<string, ColumnType> = {
  SMALLINT: { kind: 'smallint' },
  INT2: { kind: 'smallint' },
  INTEGER: { kind: 'integer' },
  INT: { kind: 'integer' },
  INT4: { kind: 'integer' },
  BIGINT: { kind: 'bigint' },
  INT8: { kind: 'bigint' },
  TEXT: { kind: 'text' },
  BOOLEAN: { kind: 'boolean' },
  BOOL: { kind: 'boolean' },
  REAL: { kind: 'real' },
  FLOAT4: { kind: 'real' },
  DOUBLE: { kind: 'double' },
  'DOUBLE PRECISION': { kind: 'double' },
  FLOAT: { kind: 'double' },
  FLOAT8: { kind: 'double' },
  DATE: { kind: 'date' },
  DATETIME: { kind: 'timestamp' },
  JSON: { kind: 'json' },
  JSONB: { kind: 'json' },
  UUID: { kind: 'uuid' },
  BLOB: { kind: 'bytes' },
}

/**
 * The portable type for a declared type. Unknown spellings come back as `{ kind: 'raw', sql }` with the text as
 * declared. Enums come back with empty `values`: the introspector fills them from the column's CHECK.
 */
export function fromDeclaredType(declared: string): ColumnType {
  const text = declared.trim()
  const enumName = enumNameOf(text)
  if (enumName !== null) return { kind: 'enum', name: enumName, values: [] }
  const upper = text.toUpperCase().replace(/\s+/g, ' ').replace(/\s*\(\s*/g, '(').replace(/\s*,\s*/g, ',').replace(/\s*\)/g, ')')
  const simple = SIMPLE[upper]
  if (simple) return { ...simple }

  let m = /^(VARCHAR|CHARACTER VARYING|CHAR|CHARACTER)(?:\((\d+)\))?$/.exec(upper)
  if (m) {
    const kind = m[1] === 'VARCHAR' || m[1] === 'CHARACTER VARYING' ? 'varchar' : 'char'
    return m[2] === undefined ? { kind } : { kind, length: Number(m[2]) }
  }
  m = /^(NUMERIC|DECIMAL)(?:\((\d+)(?:,(\d+))?\))?$/.exec(upper)
  if (m) {
    const type: ColumnType = { kind: 'numeric' }
    if (m[2] !== undefined) type.precision = Number(m[2])
    if (m[3] !== undefined) type.scale = Number(m[3])
    return type
  }
  m = /^(TIMESTAMPTZ|TIMESTAMP|TIMETZ|TIME)(?:\((\d+)\))?$/.exec(upper) ?? /^(TIMESTAMP|TIME) WITH(?:OUT)? TIME ZONE(?:\((\d+)\))?$/.exec(upper)
  if (m) {
    const kind = m[1]!.startsWith('TIMESTAMP') ? 'timestamp' : 'time'
    const type: { kind: 'time' | 'timestamp'; withTimezone?: boolean; precision?: number } = { kind }
    if (m[1]!.endsWith('TZ') || / WITH TIME ZONE/.test(upper)) type.withTimezone = true
    if (m[2] !== undefined) type.precision = Number(m[2])
    return type as ColumnType
  }
  return { kind: 'raw', sql: text }
}

/** True for the types SQLite accepts as a rowid alias when declared `INTEGER PRIMARY KEY`. */
export function isIntegerKind(type: ColumnType): boolean {
  return type.kind === 'integer' || type.kind === 'bigint' || type.kind === 'smallint' || (type.kind === 'raw' && /^int(eger)?$/i.test(type.sql.trim()))
}
