import type { DefaultValue } from '../schema/model.js'
import { type Doc, array, object, text } from './render-layout.js'

/** The names of strata-db a rendered migration uses; the file template imports them. */
export class ImportSet {
  private readonly names = new Set<string>()
  use(name: string): string {
    this.names.add(name)
    return name
  }
  list(): string[] {
    return [...this.names].sort()
  }
}

function escapeChar(ch: string): string {
  switch (ch) {
    case '\n':
      return '\\n'
    case '\r':
      return '\\r'
    case '\t':
      return '\\t'
    case '\b':
      return '\\b'
    case '\f':
      return '\\f'
    case '\v':
      return '\\v'
    case '\0':
      return '\\x00'
  }
  const code = ch.codePointAt(0)!
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`
}

// Control characters, DEL, and the two line terminators JavaScript strings cannot hold raw.
const UNPRINTABLE = /[\u0000-\u001f\u007f\u2028\u2029]/u

/** A JavaScript string literal: single quotes unless the text holds more single than double quotes (as Prettier). */
export function stringLiteral(value: string): string {
  const singles = value.split("'").length - 1
  const doubles = value.split('"').length - 1
  const quote = singles > doubles ? '"' : "'"
  let out = quote
  for (const ch of value) {
    if (ch === '\\') out += '\\\\'
    else if (ch === quote) out += `\\${quote}`
    else if (UNPRINTABLE.test(ch)) out += escapeChar(ch)
    else out += ch
  }
  return out + quote
}

/** An `sql\`…\`` tagged template whose cooked text is exactly `value`. */
export function sqlTemplate(value: string, imports: ImportSet): string {
  let out = ''
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!
    if (ch === '\\') out += '\\\\'
    else if (ch === '`') out += '\\`'
    else if (ch === '$' && value[i + 1] === '{') out += '\\$'
    else if (UNPRINTABLE.test(ch)) out += escapeChar(ch)
    else out += ch
  }
  return `${imports.use('sql')}\`${out}\``
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/

/** An object key: bare when it is an identifier, quoted otherwise (`__proto__` computed, so it stays a property). */
export function propertyKey(key: string): string {
  if (key === '__proto__') return `['__proto__']`
  return IDENTIFIER.test(key) ? key : stringLiteral(key)
}

export function numberLiteral(value: number): string {
  return Object.is(value, -0) ? '-0' : String(value)
}

/** A plain value (strings, numbers, booleans, null, bigint, Date, Buffer, arrays, plain objects) as code. */
export function valueDoc(value: unknown): Doc {
  if (value === null) return text('null')
  if (value === undefined) return text('undefined')
  switch (typeof value) {
    case 'string':
      return text(stringLiteral(value))
    case 'number':
      return text(numberLiteral(value))
    case 'boolean':
      return text(String(value))
    case 'bigint':
      return text(`${value}n`)
  }
  if (value instanceof Date) return text(`new Date(${stringLiteral(value.toISOString())})`)
  if (Buffer.isBuffer(value)) return text(`Buffer.from(${stringLiteral(value.toString('hex'))}, 'hex')`)
  if (Array.isArray(value)) return array(value.map(valueDoc))
  if (typeof value === 'object') return object(Object.entries(value as Record<string, unknown>).map(([k, v]) => ({ key: propertyKey(k), value: valueDoc(v) })))
  throw new Error(`cannot render a ${typeof value} value in a migration`)
}

/** A server default as the argument of `.default(…)` / `default:`: a literal, sql`…`, or null. */
export function defaultDoc(value: DefaultValue | null | undefined, imports: ImportSet): Doc {
  if (!value) return text('null')
  return value.kind === 'sql' ? text(sqlTemplate(value.sql, imports)) : valueDoc(value.value)
}

/** `['a', 'b']` for a list of names. */
export function namesDoc(names: readonly string[]): Doc {
  return array(names.map((n) => text(stringLiteral(n))))
}
