/** Identifier and literal quoting for PostgreSQL DDL. */

/** NAMEDATALEN - 1: longer names are silently truncated by the server, so strata refuses them. */
export const PG_MAX_IDENTIFIER_BYTES = 63

export class IdentifierTooLongError extends Error {
  constructor(readonly identifier: string) {
    super(`identifier "${identifier}" is ${Buffer.byteLength(identifier)} bytes long; PostgreSQL allows at most ${PG_MAX_IDENTIFIER_BYTES} (it would silently truncate it)`)
    this.name = 'IdentifierTooLongError'
  }
}

/** Always quoted, so reserved words, mixed case, spaces and quotes inside names all survive. */
export function quoteIdentifier(name: string): string {
  if (Buffer.byteLength(name) > PG_MAX_IDENTIFIER_BYTES) throw new IdentifierTooLongError(name)
  if (name.length === 0) throw new Error('empty identifier')
  return `"${name.replaceAll('"', '""')}"`
}

/** `"schema"."name"` or `"name"` (null schema: the connection's current schema). */
export function qualify(name: string, schema?: string | null): string {
  return schema ? `${quoteIdentifier(schema)}.${quoteIdentifier(name)}` : quoteIdentifier(name)
}

function quoteText(text: string): string {
  if (text.includes('\u0000')) throw new Error('PostgreSQL text cannot hold NUL characters')
  return `'${text.replaceAll("'", "''")}'`
}

/**
 * A value as an SQL literal: strings quoted (standard_conforming_strings, on since 9.1), numbers and bigints bare,
 * booleans `true`/`false`, Dates as ISO 8601 text, Buffers as bytea hex (`'\x0102'`), objects and arrays as JSON text.
 */
export function quoteLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'NULL'
  if (typeof value === 'string') return quoteText(value)
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return `'NaN'`
    if (!Number.isFinite(value)) return value > 0 ? `'Infinity'` : `'-Infinity'`
    return String(value)
  }
  if (typeof value === 'bigint') return value.toString()
  if (typeof value === 'boolean') return value ? 'true' : 'false'
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new Error('cannot write an invalid Date as SQL')
    return quoteText(value.toISOString())
  }
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return `'\\x${Buffer.from(value).toString('hex')}'`
  if (typeof value === 'object') return quoteText(JSON.stringify(value))
  throw new Error(`cannot write a ${typeof value} as an SQL literal`)
}
