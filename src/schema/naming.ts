import { createHash } from 'node:crypto'

/**
 * Names for constraints and indexes the schema leaves unnamed, so that every object has a stable name and
 * autogenerate can tell a changed constraint from a new one. Tokens: {table}, {columns}, {referredTable}.
 */
export interface NamingConvention {
  index: string
  unique: string
  foreignKey: string
  primaryKey: string
}

export const defaultNamingConvention: NamingConvention = {
  index: 'ix_{table}_{columns}',
  unique: 'uq_{table}_{columns}',
  foreignKey: 'fk_{table}_{columns}_{referredTable}',
  primaryKey: 'pk_{table}',
}

/** Generated names longer than this are shortened with a hash: the smallest limit among the dialects (PostgreSQL's 63). */
export const MAX_GENERATED_NAME = 63

export function applyConvention(
  template: string,
  tokens: { table: string; columns: string[]; referredTable?: string },
): string {
  const name = template
    .replaceAll('{table}', tokens.table)
    .replaceAll('{columns}', tokens.columns.join('_'))
    .replaceAll('{referredTable}', tokens.referredTable ?? '')
  return shortenName(name)
}

/** Deterministically shortens a generated name past the limit: a prefix plus 8 hex characters of its hash. */
export function shortenName(name: string, limit = MAX_GENERATED_NAME): string {
  if (Buffer.byteLength(name) <= limit) return name
  const hash = createHash('sha1').update(name).digest('hex').slice(0, 8)
  let prefix = name.slice(0, limit - 9)
  while (Buffer.byteLength(prefix) > limit - 9) prefix = prefix.slice(0, -1)
  return `${prefix}_${hash}`
}
