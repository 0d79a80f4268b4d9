/**
 * Portable column types ↔ MySQL/MariaDB types. The two directions are inverses on the canonical forms:
 * `mysqlColumnType(mysqlTypeSql(t))` equals `canonicalMysqlType(t)` for every portable type.
 */
import type { ColumnType } from '../../schema/model.js'
import { quoteMysqlString } from './mysql-sql.js'

/** VARCHAR needs a length on MySQL; an unsized varchar gets this one. */
export const DEFAULT_VARCHAR_LENGTH = 255
/** What the server fills in for a bare DECIMAL. */
export const DEFAULT_DECIMAL_PRECISION = 10

function withPrecision(base: string, precision: number | undefined): string {
  return precision ? `${base}(${precision})` : base
}

/** The SQL spelling of a portable type. */
export function mysqlTypeSql(type: ColumnType): string {
  switch (type.kind) {
    case 'smallint':
      return 'SMALLINT'
    case 'integer':
      return 'INT'
    case 'bigint':
      return 'BIGINT'
    case 'varchar':
      return `VARCHAR(${type.length ?? DEFAULT_VARCHAR_LENGTH})`
    case 'char':
      return `CHAR(${type.length ?? 1})`
    case 'text':
      return 'TEXT'
    case 'boolean':
      return 'TINYINT(1)'
    case 'real':
      return 'FLOAT'
    case 'double':
      return 'DOUBLE'
    case 'numeric':
      return `DECIMAL(${type.precision ?? DEFAULT_DECIMAL_PRECISION},${type.scale ?? 0})`
    case 'date':
      return 'DATE'
    case 'time':
      return withPrecision('TIME', type.precision)
    case 'timestamp':
      // DATETIME unless asked: no 2038 limit, no implicit ON UPDATE, no session time-zone conversion.
      return withPrecision(type.mysqlType === 'timestamp' ? 'TIMESTAMP' : 'DATETIME', type.precision)
    case 'json':
    case 'jsonb':
      return 'JSON'
    case 'uuid':
      return 'CHAR(36)'
    case 'bytes':
      return 'LONGBLOB'
    case 'enum':
      if (type.values.length === 0) throw new Error(`enum '${type.name}' has no values`)
      return `ENUM(${type.values.map(quoteMysqlString).join(',')})`
    case 'raw':
      return type.sql
  }
}

/** Splits `enum('a','it''s')`'s argument list into values. */
export function parseEnumValues(args: string): string[] {
  const values: string[] = []
  let i = 0
  while (i < args.length) {
    const ch = args[i]!
    if (ch !== "'") {
      i++
      continue
    }
    let value = ''
    i++
    while (i < args.length) {
      const c = args[i]!
      if (c === '\\' && i + 1 < args.length) {
        value += args[i + 1]
        i += 2
      } else if (c === "'" && args[i + 1] === "'") {
        value += "'"
        i += 2
      } else if (c === "'") {
        i++
        break
      } else {
        value += c
        i++
      }
    }
    values.push(value)
  }
  return values
}

const INTEGER_WIDTH = /^(tinyint|smallint|mediumint|int|integer|bigint|year)\(\d+\)/

/** A quoted string of a type (a SET member), kept as written; what is between them is normalized. */
const QUOTED = /('(?:[^'\\]|''|\\.)*')/

/**
 * A native type as strata keeps it in `raw`: lower case, single spaces, no integer display widths (MariaDB shows
 * them, MySQL 8 does not). Quoted members keep their case and spaces: `SET('Trailers','Deleted Scenes')`'s values
 * are what a fresh database gets.
 */
export function normalizeRawMysqlType(sql: string): string {
  const text = sql
    .trim()
    .split(QUOTED)
    .map((part, i) => (i % 2 === 1 ? part : part.toLowerCase().replace(/\s+/g, ' ').replace(/\s*\(\s*/g, '(').replace(/\s*\)/g, ')').replace(/\s*,\s*/g, ',')))
    .join('')
  if (/^tinyint\(1\)$/.test(text)) return text
  return text.replace(INTEGER_WIDTH, '$1')
}

/** A native column type (information_schema COLUMN_TYPE) as a portable type; unknown types stay `raw`. */
export function mysqlColumnType(columnType: string): ColumnType {
  const text = columnType.trim()
  const lower = text.toLowerCase()
  const match = /^([a-z ]+?)\s*(?:\((.*)\))?\s*$/s.exec(lower)
  if (!match) return { kind: 'raw', sql: normalizeRawMysqlType(text) }
  const base = match[1]!
  const args = match[2]
  if (base === 'enum' && args !== undefined) return { kind: 'enum', name: '', values: parseEnumValues(text.slice(text.indexOf('(') + 1, text.lastIndexOf(')'))) }
  const numbers = args === undefined ? [] : args.split(',').map((a) => Number(a.trim()))
  if (numbers.some((n) => !Number.isInteger(n))) return { kind: 'raw', sql: normalizeRawMysqlType(text) }
  switch (base) {
    case 'tinyint':
      return numbers[0] === 1 ? { kind: 'boolean' } : { kind: 'raw', sql: 'tinyint' }
    case 'bool':
    case 'boolean':
      return { kind: 'boolean' }
    case 'smallint':
      return { kind: 'smallint' }
    case 'int':
    case 'integer':
      return { kind: 'integer' }
    case 'bigint':
      return { kind: 'bigint' }
    case 'varchar':
      if (numbers.length === 1) return { kind: 'varchar', length: numbers[0]! }
      break
    case 'char':
      return { kind: 'char', length: numbers[0] ?? 1 }
    case 'text':
      if (numbers.length === 0) return { kind: 'text' }
      break
    case 'float':
      if (numbers.length === 0) return { kind: 'real' }
      break
    case 'double':
    case 'double precision':
    case 'real':
      if (numbers.length === 0) return { kind: 'double' }
      break
    case 'decimal':
    case 'numeric':
    case 'dec':
      if (numbers.length <= 2) return { kind: 'numeric', precision: numbers[0] ?? DEFAULT_DECIMAL_PRECISION, scale: numbers[1] ?? 0 }
      break
    case 'date':
      return { kind: 'date' }
    case 'time':
      return numbers[0] ? { kind: 'time', precision: numbers[0] } : { kind: 'time' }
    case 'datetime':
      return numbers[0] ? { kind: 'timestamp', precision: numbers[0] } : { kind: 'timestamp' }
    case 'timestamp':
      return numbers[0] ? { kind: 'timestamp', precision: numbers[0], mysqlType: 'timestamp' } : { kind: 'timestamp', mysqlType: 'timestamp' }
    case 'json':
      return { kind: 'json' }
    case 'longblob':
      return { kind: 'bytes' }
  }
  return { kind: 'raw', sql: normalizeRawMysqlType(text) }
}

/** A portable type as the introspector will reflect it after strata created it. */
export function canonicalMysqlType(type: ColumnType): ColumnType {
  switch (type.kind) {
    case 'varchar':
      return { kind: 'varchar', length: type.length ?? DEFAULT_VARCHAR_LENGTH }
    case 'char':
      return { kind: 'char', length: type.length ?? 1 }
    case 'numeric':
      return { kind: 'numeric', precision: type.precision ?? DEFAULT_DECIMAL_PRECISION, scale: type.scale ?? 0 }
    case 'time':
      return type.precision ? { kind: type.kind, precision: type.precision } : { kind: type.kind }
    case 'timestamp': {
      const out: ColumnType = type.precision ? { kind: type.kind, precision: type.precision } : { kind: type.kind }
      if (type.mysqlType === 'timestamp') out.mysqlType = 'timestamp'
      return out
    }
    case 'jsonb':
      return { kind: 'json' }
    case 'uuid':
      return { kind: 'char', length: 36 }
    case 'enum':
      // MySQL enums are inline and unnamed: both sides carry the same empty name.
      return { kind: 'enum', name: '', values: [...type.values] }
    case 'raw':
      return mysqlColumnType(type.sql)
    default:
      return { kind: type.kind }
  }
}
