/**
 * Offline scripts replay the migrations on a model. A table that existed before strata's first revision (an adopted
 * database without a baseline) is not in that model: operations on it still compile where the dialect does not need
 * the table's shape (ADD COLUMN on PostgreSQL and MySQL), and the model simply does not follow them. Where the
 * dialect needs the shape (a SQLite table rebuild), the error says to make a baseline.
 */
import { StrataError } from '../errors.js'
import type { AnyOperation } from '../operations/index.js'
import { type SchemaModel, findTable, qualifiedName } from '../schema/model.js'

/** The existing table an operation works on, if it works on one. */
export function existingTableOf(op: AnyOperation): { name: string; schema: string | null } | null {
  const fields = op as unknown as { table?: unknown; name?: unknown; from?: unknown; schema?: string | null }
  const schema = fields.schema ?? null
  if (typeof fields.table === 'string') return { name: fields.table, schema }
  if (op.kind === 'dropTable' && typeof fields.name === 'string') return { name: fields.name, schema }
  if (op.kind === 'renameTable' && typeof fields.from === 'string') return { name: fields.from, schema }
  return null
}

function unknownTable(op: AnyOperation, model: SchemaModel): string | null {
  const table = existingTableOf(op)
  if (!table || findTable(model, table.name, table.schema)) return null
  return qualifiedName(table.name, table.schema)
}

/** Applies `op` to the replayed model, unless it works on a table the model does not know (it predates strata). */
export function applyToReplay(op: AnyOperation, model: SchemaModel): void {
  if (unknownTable(op, model) !== null) return
  op.apply(model)
}

/** The error to report when compiling `op` failed offline: advice to make a baseline when its table predates the model. */
export function offlineCompileError(op: AnyOperation, error: unknown, model: SchemaModel): unknown {
  const table = unknownTable(op, model)
  if (table === null) return error
  const reason = error instanceof Error ? error.message.split('\n')[0] : String(error)
  return new StrataError(
    `offline (--sql): ${op.describe()} needs the shape of table '${table}', which existed before the first revision (${reason}): make a baseline ('strata revision --baseline -m baseline') so offline scripts start from the full schema`,
    { code: 'offline', cause: error },
  )
}
