/**
 * The one place that lists dialects: URL schemes, default ports, capabilities and a lazy loader (so that
 * `strata --help` or a SQLite run never loads pg or mysql2). URL parsing, the CLI and the runtime read it.
 * `satisfies Record<DialectName, …>`: a new name in DialectName is a type error until its entry exists.
 */
import type { Dialect, DialectFeatures, DialectName } from './dialect.js'
import { mysqlFeatures } from './mysql/mysql-features.js'
import { postgresFeatures } from './postgres/postgres-features.js'
import { sqliteFeatures } from './sqlite/sqlite-features.js'

export interface DialectEntry {
  /** URL schemes (before ':'), lower case; the first is the canonical one. */
  readonly schemes: readonly string[]
  /** `file`: sqlite:///path URLs; `server`: scheme://user:password@host:port/database. */
  readonly urlKind: 'file' | 'server'
  /** Port of a server URL without one. */
  readonly defaultPort?: number
  readonly features: DialectFeatures
  load(): Promise<Dialect>
}

export const dialectRegistry = {
  sqlite: {
    schemes: ['sqlite'],
    urlKind: 'file',
    features: sqliteFeatures,
    load: async () => (await import('./sqlite/sqlite-dialect.js')).sqliteDialect,
  },
  postgres: {
    schemes: ['postgresql', 'postgres'],
    urlKind: 'server',
    defaultPort: 5432,
    features: postgresFeatures,
    load: async () => (await import('./postgres/postgres-dialect.js')).postgresDialect,
  },
  mysql: {
    schemes: ['mysql', 'mariadb'],
    urlKind: 'server',
    defaultPort: 3306,
    features: mysqlFeatures,
    load: async () => (await import('./mysql/mysql-dialect.js')).mysqlDialect,
  },
} satisfies Record<DialectName, DialectEntry>

export const dialectNames = Object.keys(dialectRegistry) as DialectName[]

/** The dialect a URL scheme (or a `--dialect` word) names; undefined for an unknown one. */
export function dialectForScheme(scheme: string): DialectName | undefined {
  const wanted = scheme.toLowerCase()
  return dialectNames.find((name) => (dialectRegistry[name] as DialectEntry).schemes.includes(wanted))
}

/** Every scheme, for messages ("use sqlite, postgresql or mysql"). */
export function schemeList(): string {
  const firsts = dialectNames.map((name) => dialectRegistry[name].schemes[0]!)
  return firsts.length > 1 ? `${firsts.slice(0, -1).join(', ')} or ${firsts.at(-1)}` : firsts.join('')
}

export function dialectEntry(name: DialectName): DialectEntry {
  return dialectRegistry[name]
}
