/**
 * Type-level half of the structure test: `npm run typecheck` fails when a `@ts-expect-error` below stops being an
 * error. Adding a dialect 'dummy' to DialectName makes the registry's `satisfies Record<DialectName, …>` fail
 * until its entry exists, and a dialect object must state every capability and hook.
 */
import type { Dialect, DialectFeatures, DialectName } from '../../src/dialects/dialect.js'
import { type DialectEntry, dialectRegistry } from '../../src/dialects/registry.js'
import { sqliteFeatures } from '../../src/dialects/sqlite/sqlite-features.js'

type WithDummy = DialectName | 'dummy'

// @ts-expect-error -- the registry has no 'dummy' entry: tsc names the missing dialect
export const registryWithDummy: Record<WithDummy, DialectEntry> = dialectRegistry

// @ts-expect-error -- a features record without every capability is not DialectFeatures
export const partialFeatures: DialectFeatures = { namedEnumTypes: false, schemas: false }

/** A dialect that only states its name and features lacks every role: not a Dialect. */
// @ts-expect-error -- connect, introspect, compile, acquireLock, … are missing
export const dummyDialect: Dialect = { name: 'sqlite', features: sqliteFeatures }
