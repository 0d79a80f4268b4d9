import { createHash } from '../runtime/lazy-hash.js'

/** What a convention knows about the object it names. */
export interface NamingTokens {
  table: string
  /** Column names; `expr` (or the function's name) for an expression index element. */
  columns: string[]
  referredTable?: string
  /** 1-based position among the table's unnamed objects of the same kind, in declaration order. */
  ordinal?: number
}

/** A template with tokens {table}, {columns}, {column0} (first column), {referredTable}, {n} (ordinal), or a function. */
export type NamingRule = string | ((tokens: NamingTokens) => string)

/**
 * Names for constraints and indexes the schema leaves unnamed, so that every object has a stable name and
 * autogenerate can tell a changed constraint from a new one.
 */
export interface NamingConvention {
  index: NamingRule
  unique: NamingRule
  foreignKey: NamingRule
  primaryKey: NamingRule
}

/** Conventions that reproduce the names a server gives unnamed constraints, and strata's own. */
export type NamingPreset = 'strata' | 'postgres' | 'mysql' | 'sqlite'

export const defaultNamingConvention: NamingConvention = {
  index: 'ix_{table}_{columns}',
  unique: 'uq_{table}_{columns}',
  foreignKey: 'fk_{table}_{columns}_{referredTable}',
  primaryKey: 'pk_{table}',
}

/** PostgreSQL's identifier limit (NAMEDATALEN - 1), in bytes. */
const PG_NAME_LIMIT = 63

/** Cuts `text` to at most `bytes` UTF-8 bytes without splitting a character (PostgreSQL's pg_mbcliplen). */
function clipBytes(text: string, bytes: number): string {
  let out = ''
  for (const ch of text) {
    if (Buffer.byteLength(out + ch) > bytes) break
    out += ch
  }
  return out
}

/**
 * PostgreSQL's makeObjectName: `name1_name2_label`, shortening the longer of name1/name2 one byte at a time until
 * the whole fits in 63 bytes; `name2` is the column names joined by `_` (ChooseIndexNameAddition).
 */
export function postgresObjectName(name1: string, columns: string[] | null, label: string): string {
  let name2 = columns ? columns.join('_') : null
  if (name2 !== null && Buffer.byteLength(name2) > 2 * (PG_NAME_LIMIT + 1)) name2 = clipBytes(name2, 2 * PG_NAME_LIMIT)
  const overhead = (name2 !== null ? 1 : 0) + label.length + 1
  const available = PG_NAME_LIMIT - overhead
  let length1 = Buffer.byteLength(name1)
  let length2 = name2 === null ? 0 : Buffer.byteLength(name2)
  while (length1 + length2 > available) {
    if (length1 > length2) length1--
    else length2--
  }
  const first = clipBytes(name1, length1)
  return name2 === null ? `${first}_${label}` : `${first}_${clipBytes(name2, length2)}_${label}`
}

export const namingPresets: Record<NamingPreset, NamingConvention> = {
  strata: defaultNamingConvention,
  postgres: {
    index: (t) => postgresObjectName(t.table, t.columns, 'idx'),
    unique: (t) => postgresObjectName(t.table, t.columns, 'key'),
    foreignKey: (t) => postgresObjectName(t.table, t.columns, 'fkey'),
    primaryKey: (t) => postgresObjectName(t.table, null, 'pkey'),
  },
  // MySQL and MariaDB: keys after their first column, InnoDB foreign keys numbered per table; the primary key is
  // always PRIMARY.
  mysql: {
    index: '{column0}',
    unique: '{column0}',
    foreignKey: '{table}_ibfk_{n}',
    primaryKey: 'PRIMARY',
  },
  // SQLite keeps no name for an unnamed constraint: the introspector names them by the configured convention.
  sqlite: defaultNamingConvention,
}

export function isNamingPreset(value: unknown): value is NamingPreset {
  return typeof value === 'string' && Object.hasOwn(namingPresets, value)
}

/** The `naming` config setting (a preset name, or overrides of strata's convention) as a full convention. */
export function resolveNaming(setting: NamingPreset | Partial<NamingConvention> | undefined): NamingConvention {
  if (setting === undefined) return defaultNamingConvention
  if (typeof setting === 'string') {
    if (!isNamingPreset(setting)) throw new Error(`unknown naming preset '${setting}' (expected ${Object.keys(namingPresets).join(', ')})`)
    return namingPresets[setting]
  }
  return { ...defaultNamingConvention, ...setting }
}

/** Generated names longer than this are shortened with a hash: the smallest limit among the dialects (PostgreSQL's 63). */
export const MAX_GENERATED_NAME = 63

export function applyConvention(rule: NamingRule, tokens: NamingTokens): string {
  if (typeof rule === 'function') return rule(tokens)
  return shortenName(fromTemplate(rule, tokens) ?? replaceTokens(rule, tokens))
}

/** The rule's tokens replaced one after another: a value that holds a token's text is replaced again. */
function replaceTokens(rule: string, tokens: NamingTokens): string {
  return rule
    .replaceAll('{table}', tokens.table)
    .replaceAll('{columns}', tokens.columns.join('_'))
    .replaceAll('{column0}', tokens.columns[0] ?? '')
    .replaceAll('{referredTable}', tokens.referredTable ?? '')
    .replaceAll('{n}', String(tokens.ordinal ?? 1))
}

const TOKEN = /\{(table|columns|column0|referredTable|n)\}/
const TOKENS = new RegExp(TOKEN.source, 'g')
/** Rules split at their tokens (literal, token, literal…), or null for a rule with other braces. */
const templates = new Map<string, string[] | null>()

/**
 * The rule filled in one pass over its parts (split once per rule): about ten times cheaper than five `replaceAll`s,
 * and this runs for every key, index and constraint of the schema. Undefined where one pass could differ from
 * `replaceTokens`: a rule or a value with braces of its own, or a value with a `$` (`replaceAll` reads `$&`, `$$`…
 * in a value as patterns, and names made so must not change).
 */
function fromTemplate(rule: string, tokens: NamingTokens): string | undefined {
  let parts = templates.get(rule)
  if (parts === undefined) {
    parts = /[{}]/.test(rule.replace(TOKENS, '')) ? null : rule.split(TOKEN)
    templates.set(rule, parts)
  }
  if (parts === null) return undefined
  let name = parts[0]!
  for (let i = 1; i < parts.length; i += 2) {
    const value = tokenValue(parts[i]!, tokens)
    if (/[{}$]/.test(value)) return undefined
    name += value + parts[i + 1]!
  }
  return name
}

function tokenValue(token: string, tokens: NamingTokens): string {
  switch (token) {
    case 'table':
      return tokens.table
    case 'columns':
      return tokens.columns.join('_')
    case 'column0':
      return tokens.columns[0] ?? ''
    case 'referredTable':
      return tokens.referredTable ?? ''
    default:
      return String(tokens.ordinal ?? 1)
  }
}

/** Deterministically shortens a generated name past the limit: a prefix plus 8 hex characters of its hash. */
export function shortenName(name: string, limit = MAX_GENERATED_NAME): string {
  // A UTF-16 unit is at most 3 bytes of UTF-8: most names are short enough without counting.
  if (name.length * 3 <= limit || Buffer.byteLength(name) <= limit) return name
  const hash = createHash('sha1').update(name).digest('hex').slice(0, 8)
  // No room for a prefix and its underscore: the hash alone, cut to the limit.
  if (limit < 10) return hash.slice(0, Math.max(1, limit))
  let prefix = name.slice(0, limit - 9)
  while (Buffer.byteLength(prefix) > limit - 9) prefix = prefix.slice(0, -1)
  return `${prefix}_${hash}`
}
