import type { DialectFamily } from '../dialects/dialect.js'
import { dialectEntry } from '../dialects/registry.js'
import { AlterColumnOp } from '../operations/column-ops.js'
import { AddCheckOp, AddForeignKeyOp, CreateIndexOp, DropCheckOp, DropIndexOp } from '../operations/constraint-ops.js'
import type { AnyOperation } from '../operations/index.js'
import { ExecuteOp } from '../operations/misc-ops.js'
import { qualifiedName } from '../schema/model.js'

/**
 * Raw statements safe rendering writes that must run outside a transaction: VALIDATE (after a commit, so the ADD's
 * lock is not held while rows are checked) and a concurrent unique index build.
 */
const OUTSIDE = /^(ALTER TABLE .* VALIDATE CONSTRAINT |CREATE UNIQUE INDEX CONCURRENTLY )/

function quote(name: string): string {
  return `"${name.replaceAll('"', '""')}"`
}

function qualified(table: string, schema: string | null): string {
  return schema ? `${quote(schema)}.${quote(table)}` : quote(table)
}

/** A VALIDATE statement; its reverse is a comment (there is nothing to undo). */
function validate(table: string, schema: string | null, constraint: string): ExecuteOp {
  return new ExecuteOp(`ALTER TABLE ${qualified(table, schema)} VALIDATE CONSTRAINT ${quote(constraint)}`, `-- nothing to undo: VALIDATE CONSTRAINT ${constraint}`)
}

/** Short constraint name for the temporary NOT NULL check, within PostgreSQL's 63 bytes. */
function notNullCheckName(table: string, column: string): string {
  return `ck_${table}_${column}_not_null`.slice(0, 63)
}

type Rewrite = (operation: AnyOperation) => AnyOperation[] | null

/** The zero-downtime forms, per dialect, of operations on tables that already exist. */
const REWRITES: Record<DialectFamily, Rewrite> = {
  postgres: (operation) => {
    switch (operation.kind) {
      case 'createIndex':
        return operation.online ? null : [new CreateIndexOp(operation.table, operation.object, operation.schema, true)]
      case 'dropIndex':
        return operation.online ? null : [new DropIndexOp(operation.table, operation.name, operation.schema, operation.object, true)]
      case 'addForeignKey':
        if (!operation.validate) return null
        return [new AddForeignKeyOp(operation.table, operation.object, operation.schema, false), validate(operation.table, operation.schema, operation.object.name)]
      case 'addUnique': {
        // The unique index is built CONCURRENTLY, then becomes the constraint (a catalog change).
        const { name, columns } = operation.object
        const table = qualified(operation.table, operation.schema)
        return [
          new ExecuteOp(`CREATE UNIQUE INDEX CONCURRENTLY ${quote(name)} ON ${table} (${columns.map(quote).join(', ')})`, `-- dropped with constraint ${name}`),
          new ExecuteOp(`ALTER TABLE ${table} ADD CONSTRAINT ${quote(name)} UNIQUE USING INDEX ${quote(name)}`, `ALTER TABLE ${table} DROP CONSTRAINT ${quote(name)}`),
        ]
      }
      case 'addCheck':
        if (!operation.validate) return null
        return [new AddCheckOp(operation.table, operation.object, operation.schema, false), validate(operation.table, operation.schema, operation.object.name)]
      case 'alterColumn': {
        if (operation.changes.nullable !== false || Object.keys(operation.changes).length !== 1) return null
        // PostgreSQL 12+: SET NOT NULL skips its scan when a validated check proves the column has no NULLs.
        const check = { name: notNullCheckName(operation.table, operation.name), expression: `${quote(operation.name)} IS NOT NULL` }
        return [
          new AddCheckOp(operation.table, check, operation.schema, false),
          validate(operation.table, operation.schema, check.name),
          operation,
          new DropCheckOp(operation.table, check.name, operation.schema, check),
        ]
      }
      default:
        return null
    }
  },
  mysql: (operation) => {
    if (operation.kind === 'createIndex' && !operation.online) return [new CreateIndexOp(operation.table, operation.object, operation.schema, true)]
    if (operation.kind === 'alterColumn' && operation.changes.type && !operation.online)
      return [new AlterColumnOp(operation.table, operation.name, operation.changes, operation.existing, operation.schema, operation.using, true)]
    return null
  },
  sqlite: () => null,
}

function tableOf(operation: AnyOperation): string | null {
  if (operation.kind === 'createTable') return qualifiedName(operation.table.name, operation.table.schema)
  return 'table' in operation && typeof operation.table === 'string' ? qualifiedName(operation.table, operation.schema) : null
}

/**
 * `safe: true`: operations on existing tables in their zero-downtime form. PostgreSQL: index builds and drops
 * CONCURRENTLY, foreign keys and checks NOT VALID then VALIDATE, SET NOT NULL through a validated check. MySQL:
 * index builds and type changes with ALGORITHM=INPLACE, LOCK=NONE (refused rather than copying). Tables created in
 * the same migration are left alone: they are empty.
 */
export function safeOperations(operations: AnyOperation[], dialect: DialectFamily): AnyOperation[] {
  return safeGroups(operations, dialect).flat()
}

/** The safe form of each operation, in order: what the file holds for it (one or several operations). */
export function safeGroups(operations: AnyOperation[], dialect: DialectFamily): AnyOperation[][] {
  const created = new Set<string>()
  const groups: AnyOperation[][] = []
  for (const operation of operations) {
    const table = tableOf(operation)
    const rewritten = table !== null && created.has(table) ? null : REWRITES[dialect](operation)
    groups.push(rewritten ?? [operation])
    if (operation.kind === 'createTable') created.add(table!)
  }
  return groups
}

/** Statements safe rendering runs outside the transaction (PostgreSQL): concurrent index builds and drops, VALIDATE. */
export function runsOutsideTransaction(operation: AnyOperation, dialect: DialectFamily | undefined): boolean {
  if (!dialect || !dialectEntry(dialect).features.onlineDdlOutsideTransaction) return false
  if (operation.kind === 'createIndex' || operation.kind === 'dropIndex') return operation.online
  return operation.kind === 'execute' && OUTSIDE.test(operation.sql)
}
