import type { ColumnType, DefaultValue } from './model.js'

function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys)
  if (value === null || typeof value !== 'object') return value
  const record = value as Record<string, unknown>
  return Object.fromEntries(Object.keys(record).sort().map((key) => [key, sortedKeys(record[key])]))
}

/**
 * A json/jsonb text default in one spelling for comparison (keys sorted, no spaces): `{"b":1, "a":2}` as written
 * and `{"a": 2, "b": 1}` as PostgreSQL's jsonb keeps it are the same value. Anything else is returned as it is.
 */
export function jsonDefaultByValue(value: DefaultValue | null | undefined, type: ColumnType): DefaultValue | null | undefined {
  if (value?.kind !== 'literal' || typeof value.value !== 'string' || (type.kind !== 'json' && type.kind !== 'jsonb')) return value
  try {
    return { kind: 'literal', value: JSON.stringify(sortedKeys(JSON.parse(value.value))) }
  } catch {
    return value
  }
}
