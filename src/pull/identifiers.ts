/** JavaScript names for database names: camelCase, unique, never a reserved word or a name the file imports. */

const RESERVED = new Set(
  (
    'break case catch class const continue debugger default delete do else enum export extends false finally for function if ' +
    'import in instanceof new null return super switch this throw true try typeof var void while with yield let static ' +
    'implements interface package private protected public await arguments eval undefined NaN Infinity'
  ).split(' '),
)

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/

/** `first_name` → `firstName`, `Order Details` → `orderDetails`; keeps an already camelCase name. */
export function camelCase(name: string): string {
  const words = name.split(/[^A-Za-z0-9]+/).filter((w) => w.length > 0)
  if (words.length === 0) return ''
  const allUpper = (w: string) => w === w.toUpperCase()
  return words
    .map((word, i) => {
      const w = allUpper(word) ? word.toLowerCase() : word
      return i === 0 ? w.charAt(0).toLowerCase() + w.slice(1) : w.charAt(0).toUpperCase() + w.slice(1)
    })
    .join('')
}

export function isIdentifier(name: string): boolean {
  return IDENTIFIER.test(name)
}

/** Hands out unique names for top-level consts (tables, enums), avoiding reserved words and imported names. */
export class ConstNames {
  private readonly taken: Set<string>
  constructor(imported: Iterable<string>) {
    this.taken = new Set(imported)
  }

  /** `preferred` (camelCased), else with `suffix`, else numbered. */
  claim(name: string, suffix: string): string {
    let base = camelCase(name) || suffix.toLowerCase()
    if (/^[0-9]/.test(base)) base = `_${base}`
    const candidates = [base, `${base}${suffix}`]
    for (const candidate of candidates)
      if (!RESERVED.has(candidate) && !this.taken.has(candidate)) {
        this.taken.add(candidate)
        return candidate
      }
    for (let n = 2; ; n++) {
      const candidate = `${base}${suffix}${n}`
      if (!this.taken.has(candidate)) {
        this.taken.add(candidate)
        return candidate
      }
    }
  }
}

/**
 * Property keys for a table's columns: camelCase when that is free, else the column's own name. Returns
 * column name → key.
 */
export function columnKeys(columns: readonly string[]): Map<string, string> {
  const keys = new Map<string, string>()
  const used = new Set<string>()
  for (const column of columns) {
    const camel = camelCase(column)
    let key = camel && isIdentifier(camel) && camel !== '__proto__' && !used.has(camel) ? camel : column
    for (let n = 2; used.has(key); n++) key = `${column}${n}`
    used.add(key)
    keys.set(column, key)
  }
  return keys
}
