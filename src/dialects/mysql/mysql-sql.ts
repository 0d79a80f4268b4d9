/**
 * Quoting for MySQL/MariaDB: backtick identifiers and string literals in the server's default mode
 * (backslash is an escape character unless NO_BACKSLASH_ESCAPES is set, which strata does not support).
 */

/** MySQL and MariaDB cap table, column, index and constraint names at 64 characters. */
export const MYSQL_MAX_IDENTIFIER_LENGTH = 64

export function quoteMysqlIdentifier(name: string): string {
  return '`' + name.replaceAll('`', '``') + '`'
}

/** Throws when a name the server would reject for its length is about to be created. */
export function checkIdentifierLength(name: string, what: string): void {
  const length = [...name].length
  if (length > MYSQL_MAX_IDENTIFIER_LENGTH)
    throw new Error(`${what} name '${name}' is ${length} characters long; MySQL/MariaDB allow at most ${MYSQL_MAX_IDENTIFIER_LENGTH}`)
}

export function quoteMysqlString(text: string): string {
  return "'" + text.replaceAll('\\', '\\\\').replaceAll('\0', '\\0').replaceAll("'", "''") + "'"
}

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0')
}

/** DATETIME literals carry no zone and reject ISO's `T…Z`: dates are written in UTC as `YYYY-MM-DD HH:MM:SS.mmm`. */
export function formatMysqlDate(date: Date): string {
  if (Number.isNaN(date.getTime())) throw new Error('cannot write an invalid Date as a MySQL literal')
  return (
    `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}.${pad(date.getUTCMilliseconds(), 3)}`
  )
}

/** A JS value as an SQL literal, for bulk inserts and offline scripts. */
export function quoteMysqlLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'NULL'
  if (typeof value === 'string') return quoteMysqlString(value)
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`cannot write ${value} as a MySQL literal`)
    return String(value)
  }
  if (typeof value === 'bigint') return value.toString()
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE'
  if (value instanceof Date) return quoteMysqlString(formatMysqlDate(value))
  if (value instanceof Uint8Array) return `X'${Buffer.from(value).toString('hex')}'`
  if (typeof value === 'object') return quoteMysqlString(JSON.stringify(value))
  throw new Error(`cannot write a ${typeof value} as a MySQL literal`)
}
