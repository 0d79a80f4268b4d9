/**
 * The compiler table: one function per operation kind, per dialect. A dialect builds its table as
 * `{ ...portableCompilers(names), ...overrides } satisfies CompilerTable`, so tsc names every kind it lacks; a
 * variant spreads its parent's exported table and overrides entries. `compileWith` dispatches on `op.kind`.
 */
import type { AnyOperation } from '../../operations/index.js'
import type { CompileContext, Dialect } from '../dialect.js'

export type OperationKind = AnyOperation['kind']

/** The operation class of one kind. */
export type OperationOf<K extends OperationKind> = Extract<AnyOperation, { kind: K }>

/** SQL for one operation, in execution order (one string per statement, no trailing semicolon). */
export type Compile<K extends OperationKind> = (op: OperationOf<K>, ctx: CompileContext) => string[] | Promise<string[]>

/** A compiler for every operation kind: a new kind is a type error in every dialect until each compiles it. */
export type CompilerTable = { readonly [K in OperationKind]: Compile<K> }

/** The entries for a family of operations (a dialect's views module compiles every view kind). */
export type CompilersFor<Op extends AnyOperation> = Pick<CompilerTable, Op['kind']>

/** Runs the table's compiler for `op`. Async, so a compiler that throws gives a rejected promise. */
export async function compileWith(table: CompilerTable, op: AnyOperation, ctx: CompileContext): Promise<string[]> {
  const compile = table[op.kind] as Compile<OperationKind> | undefined
  // Only reachable from untyped code: the table type holds every kind.
  if (!compile) throw new Error(`no compiler for operation '${op.kind}'`)
  return compile(op as never, ctx)
}

/** The Dialect members a table gives: the table itself and `compile` over it (spread into the dialect object). */
export function compilerMembers(table: CompilerTable): Pick<Dialect, 'compilers' | 'compile'> {
  return { compilers: table, compile: (op, ctx) => compileWith(table, op, ctx) }
}

/** How a dialect writes names: the portable compilers need nothing else. */
export interface SqlNames {
  quoteIdentifier(name: string): string
  /** `schema.name`, or the bare name where the dialect keeps no schemas (it then ignores `schema`). */
  qualify(name: string, schema: string | null): string
}

/** Extensions and row-level security exist on PostgreSQL only (it overrides these). */
function postgresOnly(op: AnyOperation): never {
  throw new Error(`${op.describe()}: extensions and row-level security are PostgreSQL's`)
}

type PortableKind =
  | 'execute'
  | 'dropTable'
  | 'renameTable'
  | 'dropColumn'
  | 'renameColumn'
  | 'dropIndex'
  | 'dropUnique'
  | 'dropCheck'
  | 'dropForeignKey'
  | 'dropView'
  | 'createSchema'
  | 'dropSchema'
  | 'createExtension'
  | 'dropExtension'
  | 'setRowSecurity'
  | 'createPolicy'
  | 'dropPolicy'
  | 'replacePolicy'

/**
 * Defaults where the SQL is the same across dialects (standard SQL), given the dialect's quoting. A dialect
 * overrides whatever its server spells otherwise; kinds whose SQL differs everywhere have no default.
 */
export function portableCompilers(names: SqlNames): Pick<CompilerTable, PortableKind> {
  const { quoteIdentifier, qualify } = names
  // The clause is built (and its names checked) before the table's name, as each dialect did before the table.
  const alterTable = (table: string, schema: string | null, clause: string) => `ALTER TABLE ${qualify(table, schema)} ${clause}`
  const dropConstraint = (op: { table: string; schema: string | null; name: string }) => [alterTable(op.table, op.schema, `DROP CONSTRAINT ${quoteIdentifier(op.name)}`)]
  return {
    execute: (op) => [op.sql],
    dropTable: (op) => [`DROP TABLE ${qualify(op.name, op.schema)}`],
    renameTable: (op) => [alterTable(op.from, op.schema, `RENAME TO ${quoteIdentifier(op.to)}`)],
    dropColumn: (op) => [alterTable(op.table, op.schema, `DROP COLUMN ${quoteIdentifier(op.name)}`)],
    renameColumn: (op) => [alterTable(op.table, op.schema, `RENAME COLUMN ${quoteIdentifier(op.from)} TO ${quoteIdentifier(op.to)}`)],
    dropIndex: (op) => [`DROP INDEX ${qualify(op.name, op.schema)}`],
    dropUnique: dropConstraint,
    dropCheck: dropConstraint,
    dropForeignKey: dropConstraint,
    dropView: (op) => [`DROP VIEW ${qualify(op.name, op.schema)}`],
    createSchema: (op) => [`CREATE SCHEMA ${quoteIdentifier(op.name)}`],
    dropSchema: (op) => [`DROP SCHEMA ${quoteIdentifier(op.name)} RESTRICT`],
    createExtension: postgresOnly,
    dropExtension: postgresOnly,
    setRowSecurity: postgresOnly,
    createPolicy: postgresOnly,
    dropPolicy: postgresOnly,
    replacePolicy: postgresOnly,
  }
}

/** For kinds with no object on a dialect (MySQL schemas, SQLite comments): nothing to run. */
export const nothingToDo = (): string[] => []

/** The entry for partition operations (and partitioned tables) where the dialect has no partitioned tables. */
export function postgresOnlyPartition(op: { describe(): string }): never {
  throw new Error(`${op.describe()}: partitioned tables are supported on PostgreSQL only`)
}

/** The entry for sequence operations where the dialect has no sequences (schemas declaring one are refused at load). */
export function postgresOnlySequence(op: { describe(): string }): never {
  throw new Error(`${op.describe()}: sequences are PostgreSQL's here`)
}

/** Several operations compiled in order with one table (an object rename a dialect spells as drop + create). */
export async function compileAllWith(table: CompilerTable, operations: AnyOperation[], ctx: CompileContext): Promise<string[]> {
  const statements: string[] = []
  for (const operation of operations) statements.push(...(await compileWith(table, operation, ctx)))
  return statements
}
