import type { Dialect, DialectName } from '../dialects/dialect.js'
import { dialectEntry } from '../dialects/registry.js'

const cache = new Map<DialectName, Promise<Dialect>>()

/** Loads a dialect on first use, so that `strata --help` or a SQLite run never loads pg or mysql2. */
export function loadDialect(name: DialectName): Promise<Dialect> {
  let found = cache.get(name)
  if (!found) {
    found = dialectEntry(name).load()
    cache.set(name, found)
  }
  return found
}
