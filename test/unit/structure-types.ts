/**
 * Type-level half of the structure test: `npm run typecheck` fails when a `@ts-expect-error` below stops being an
 * error. Adding a dialect 'dummy' to DialectName makes the registry's `satisfies Record<DialectName, …>` fail
 * until its entry exists, a dialect object must state every capability and hook, and its compiler table must
 * compile every operation kind.
 */
import type { Dialect, DialectFeatures, DialectName } from '../../src/dialects/dialect.js'
import { type DialectEntry, dialectRegistry } from '../../src/dialects/registry.js'
import { type CompilerTable, type CompilersFor, portableCompilers } from '../../src/dialects/shared/compiler-table.js'
import { sqliteFeatures } from '../../src/dialects/sqlite/sqlite-features.js'
import type { ViewOperation } from '../../src/operations/object-kinds.js'

type WithDummy = DialectName | 'dummy'

// @ts-expect-error -- the registry has no 'dummy' entry: tsc names the missing dialect
export const registryWithDummy: Record<WithDummy, DialectEntry> = dialectRegistry

// @ts-expect-error -- a features record without every capability is not DialectFeatures
export const partialFeatures: DialectFeatures = { namedEnumTypes: false, schemas: false }

/** A dialect that only states its name and features lacks every role: not a Dialect. */
// @ts-expect-error -- connect, introspect, compile, compilers, acquireLock, … are missing
export const dummyDialect: Dialect = { name: 'sqlite', features: sqliteFeatures }

/** A dialect with every role but its compiler table is not a Dialect either. */
export function withoutCompilers(dialect: Omit<Dialect, 'compilers'>): Dialect {
  // @ts-expect-error -- compilers is missing
  return dialect
}

const names = { quoteIdentifier: (name: string) => `"${name}"`, qualify: (name: string) => `"${name}"` }

/** The portable defaults alone are no table: a dialect must add the kinds whose SQL is its own. */
// @ts-expect-error -- createTable, addColumn, createIndex, … are missing
export const onlyPortable = { ...portableCompilers(names) } satisfies CompilerTable

/** A table missing one kind is a type error: a new operation kind is one in every dialect until each compiles it. */
export function missingOneKind(table: Omit<CompilerTable, 'createTable'>): CompilerTable {
  // @ts-expect-error -- createTable is missing
  return table
}

/** An entry receives its own kind's operation, so a compiler cannot read a field another kind has. */
export const wrongOperation = {
  createView: (op) => [op.view.name],
  dropView: (op) => [op.name],
  // @ts-expect-error -- a ReplaceViewOp has no name (a DropViewOp has)
  replaceView: (op) => [op.name],
} satisfies CompilersFor<ViewOperation>
