import { createRequire } from 'node:module'
import { StrataError } from '../errors.js'

/** The npm package each database needs: optional peer dependencies, installed by the user for the databases they use. */
const DRIVER_PACKAGES = { sqlite: 'better-sqlite3', postgres: 'pg', mysql: 'mysql2', libsql: '@libsql/client', pglite: '@electric-sql/pglite' } as const

export type DriverDialect = keyof typeof DRIVER_PACKAGES

const DATABASE_NAMES: Record<DriverDialect, string> = { sqlite: 'SQLite', postgres: 'PostgreSQL', mysql: 'MySQL/MariaDB', libsql: 'libSQL', pglite: 'PGlite' }

/** The package to `npm install` for a dialect. */
export function driverPackage(dialect: DriverDialect): string {
  return DRIVER_PACKAGES[dialect]
}

/**
 * Whether the driver resolves from strata-db, where `importDriver` loads it. A package whose exports a CommonJS
 * resolve cannot see counts as missing: `init` then only prints the install line it would print anyway.
 */
export function driverInstalled(dialect: DriverDialect): boolean {
  const require = createRequire(import.meta.url)
  for (const request of [DRIVER_PACKAGES[dialect], `${DRIVER_PACKAGES[dialect]}/package.json`]) {
    try {
      require.resolve(request)
      return true
    } catch {
      // Not resolvable this way: try the next.
    }
  }
  return false
}

/**
 * Imports a driver when a connection first needs it (offline scripts never do). A driver that is not installed is
 * a one-line error naming the install command.
 */
export async function importDriver<T>(dialect: DriverDialect, load: () => Promise<T>): Promise<T> {
  try {
    return await load()
  } catch (error) {
    if ((error as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw error
    const name = DRIVER_PACKAGES[dialect]
    throw new StrataError(`the ${DATABASE_NAMES[dialect]} driver '${name}' is not installed: run 'npm install ${name}'`, { code: 'driver-missing', cause: error })
  }
}
