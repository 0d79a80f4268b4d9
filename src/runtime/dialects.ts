import type { Dialect, DialectName } from '../dialects/dialect.js'

const cache = new Map<DialectName, Promise<Dialect>>()

/** Loads a dialect on first use, so that `strata --help` or a SQLite run never loads pg or mysql2. */
export function loadDialect(name: DialectName): Promise<Dialect> {
  let found = cache.get(name)
  if (!found) {
    found = (async () => {
      switch (name) {
        case 'sqlite':
          return (await import('../dialects/sqlite/sqlite-dialect.js')).sqliteDialect
        case 'postgres':
          return (await import('../dialects/postgres/postgres-dialect.js')).postgresDialect
        case 'mysql':
          return (await import('../dialects/mysql/mysql-dialect.js')).mysqlDialect
      }
    })()
    cache.set(name, found)
  }
  return found
}
