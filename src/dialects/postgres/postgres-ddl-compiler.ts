/**
 * Operations → PostgreSQL statements (one string per statement, no trailing semicolon). Every identifier is
 * quoted and checked against the 63-byte limit. Column alterations and enum rebuilds live in
 * postgres-alter-compiler.ts.
 */
import type { CompileContext } from '../dialect.js'
import type { AnyOperation } from '../../operations/index.js'
import type { BulkInsertOp } from '../../operations/misc-ops.js'
import type {
  CheckModel,
  ColumnModel,
  ForeignKeyModel,
  IndexModel,
  PrimaryKeyModel,
  ReferentialAction,
  TableModel,
  UniqueModel,
} from '../../schema/model.js'
import { compileAlterColumn, compileAlterEnum } from './postgres-alter-compiler.js'
import { defaultPrimaryKeyName } from './postgres-canonical.js'
import { qualify, quoteIdentifier, quoteLiteral } from './postgres-quote.js'
import { columnCommentSql, commentSql, createEnumSql, defaultSql, identityClause } from './postgres-sql-parts.js'
import { columnTypeSql } from './postgres-types.js'
import { compilePostgresView } from './postgres-views.js'
import { compilePostgresRoutine } from './postgres-routines.js'
import { compilePostgresObject } from './postgres-objects.js'
import { compilePostgresSequence } from './postgres-sequences.js'
import { compilePostgresRename } from './postgres-renames.js'

/** `"name" type [GENERATED … AS IDENTITY] [DEFAULT …] [NOT NULL]`; autoincrement `true` is BY DEFAULT identity. */
export function columnDefinition(column: ColumnModel): string {
  const parts = [quoteIdentifier(column.name), columnTypeSql(column.type)]
  if (column.generated) {
    // PostgreSQL before 18 computes generated columns on write only.
    if (!column.generated.stored) throw new Error(`column "${column.name}": PostgreSQL generated columns are stored: use generatedAlwaysAs(…, { stored: true })`)
    parts.push(`GENERATED ALWAYS AS (${column.generated.expression}) STORED`)
  } else if (column.autoincrement) {
    if (column.default !== undefined && column.default !== null)
      throw new Error(`column "${column.name}": an identity (autoincrement) column cannot also have a default`)
    parts.push(identityClause(column.autoincrement))
  } else if (column.default !== undefined && column.default !== null) {
    parts.push(`DEFAULT ${defaultSql(column.default)}`)
  }
  if (!column.nullable) parts.push('NOT NULL')
  return parts.join(' ')
}

function columnList(columns: string[]): string {
  return columns.map(quoteIdentifier).join(', ')
}

function action(value: ReferentialAction): string {
  return value.toUpperCase()
}

function primaryKeyClause(pk: PrimaryKeyModel): string {
  return `${pk.name ? `CONSTRAINT ${quoteIdentifier(pk.name)} ` : ''}PRIMARY KEY (${columnList(pk.columns)})`
}

function uniqueClause(unique: UniqueModel): string {
  return `CONSTRAINT ${quoteIdentifier(unique.name)} UNIQUE (${columnList(unique.columns)})`
}

function checkClause(check: CheckModel): string {
  return `CONSTRAINT ${quoteIdentifier(check.name)} CHECK (${check.expression})`
}

function foreignKeyClause(fk: ForeignKeyModel): string {
  let sql = `CONSTRAINT ${quoteIdentifier(fk.name)} FOREIGN KEY (${columnList(fk.columns)}) REFERENCES ${qualify(fk.referencedTable, fk.referencedSchema ?? null)} (${columnList(fk.referencedColumns)})`
  if (fk.onDelete && fk.onDelete !== 'no action') sql += ` ON DELETE ${action(fk.onDelete)}`
  if (fk.onUpdate && fk.onUpdate !== 'no action') sql += ` ON UPDATE ${action(fk.onUpdate)}`
  if (fk.deferrable) sql += fk.deferrable === 'initially deferred' ? ' DEFERRABLE INITIALLY DEFERRED' : ' DEFERRABLE'
  return sql
}

function createIndexSql(index: IndexModel, table: string, schema: string | null, concurrently = false): string {
  if (index.elements.length === 0) throw new Error(`index "${index.name}" has no columns`)
  const elements = index.elements.map((e) => (typeof e === 'string' ? quoteIdentifier(e) : `(${e.expression})`)).join(', ')
  const where = index.where ? ` WHERE ${index.where}` : ''
  return `CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX ${concurrently ? 'CONCURRENTLY ' : ''}${quoteIdentifier(index.name)} ON ${qualify(table, schema)} (${elements})${where}`
}

function createTableSql(table: TableModel): string[] {
  const schema = table.schema ?? null
  const name = qualify(table.name, schema)
  const lines = table.columns.map(columnDefinition)
  if (table.primaryKey && table.primaryKey.columns.length) lines.push(primaryKeyClause(table.primaryKey))
  for (const unique of table.uniques) lines.push(uniqueClause(unique))
  for (const check of table.checks) lines.push(checkClause(check))
  for (const fk of table.foreignKeys) lines.push(foreignKeyClause(fk))
  const statements = [lines.length ? `CREATE TABLE ${name} (\n    ${lines.join(',\n    ')}\n)` : `CREATE TABLE ${name} ()`]
  for (const index of table.indexes) statements.push(createIndexSql(index, table.name, schema))
  if (table.comment) statements.push(commentSql(`TABLE ${name}`, table.comment))
  for (const column of table.columns) if (column.comment) statements.push(columnCommentSql(table.name, schema, column.name, column.comment))
  return statements
}

function bulkInsertSql(op: BulkInsertOp): string[] {
  if (op.rows.length === 0) return []
  const columns: string[] = []
  for (const row of op.rows) for (const key of Object.keys(row)) if (!columns.includes(key)) columns.push(key)
  if (columns.length === 0) return [`INSERT INTO ${qualify(op.table, op.schema)} DEFAULT VALUES`]
  const values = op.rows.map((row) => `(${columns.map((c) => (c in row ? quoteLiteral(row[c]) : 'DEFAULT')).join(', ')})`)
  return [`INSERT INTO ${qualify(op.table, op.schema)} (${columnList(columns)}) VALUES\n    ${values.join(',\n    ')}`]
}

function alterTable(table: string, schema: string | null, clause: string): string {
  return `ALTER TABLE ${qualify(table, schema)} ${clause}`
}

async function dropPrimaryKeyName(op: { table: string; schema: string | null; primaryKey?: PrimaryKeyModel }, context: CompileContext): Promise<string> {
  if (op.primaryKey?.name) return op.primaryKey.name
  const current = await context.table(op.table, op.schema)
  return current?.primaryKey?.name ?? defaultPrimaryKeyName(op.table)
}

/**
 * An interrupted `CREATE INDEX CONCURRENTLY` (cancelled, backend terminated, server restarted) leaves an INVALID
 * index behind under the name: the next run drops it (concurrently) before building it again.
 */
async function invalidIndexDrop(name: string, schema: string | null, context: CompileContext): Promise<string[]> {
  if (context.offline || !context.connection) return []
  const rows = await context.connection.query(
    `SELECT 1 FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relname = $1 AND n.nspname = COALESCE($2, current_schema()) AND NOT i.indisvalid`,
    [name, schema],
  )
  return rows.length > 0 ? [`DROP INDEX CONCURRENTLY IF EXISTS ${qualify(name, schema)}`] : []
}

export async function compilePostgres(op: AnyOperation, context: CompileContext): Promise<string[]> {
  switch (op.kind) {
    case 'createView':
    case 'dropView':
    case 'replaceView':
      return compilePostgresView(op)
    case 'createRoutine':
    case 'dropRoutine':
    case 'replaceRoutine':
    case 'createTrigger':
    case 'dropTrigger':
    case 'replaceTrigger':
      return compilePostgresRoutine(op)
    case 'createExtension':
    case 'dropExtension':
    case 'setRowSecurity':
    case 'createPolicy':
    case 'dropPolicy':
    case 'replacePolicy':
      return compilePostgresObject(op)
    case 'createSequence':
    case 'dropSequence':
    case 'alterSequence':
      return compilePostgresSequence(op)
    case 'renameObject':
      return compilePostgresRename(op)
    case 'createTable':
      return createTableSql(op.table)
    case 'dropTable':
      return [`DROP TABLE ${qualify(op.name, op.schema)}`]
    case 'renameTable':
      return [alterTable(op.from, op.schema, `RENAME TO ${quoteIdentifier(op.to)}`)]
    case 'setTableComment':
      return [commentSql(`TABLE ${qualify(op.table, op.schema)}`, op.comment)]
    case 'addColumn': {
      const statements = [alterTable(op.table, op.schema, `ADD COLUMN ${columnDefinition(op.column)}`)]
      if (op.column.comment) statements.push(columnCommentSql(op.table, op.schema, op.column.name, op.column.comment))
      return statements
    }
    case 'dropColumn':
      return [alterTable(op.table, op.schema, `DROP COLUMN ${quoteIdentifier(op.name)}`)]
    case 'renameColumn':
      return [alterTable(op.table, op.schema, `RENAME COLUMN ${quoteIdentifier(op.from)} TO ${quoteIdentifier(op.to)}`)]
    case 'alterColumn':
      return compileAlterColumn(op, context)
    case 'createIndex':
      return [...(op.online ? await invalidIndexDrop(op.object.name, op.schema, context) : []), createIndexSql(op.object, op.table, op.schema, op.online)]
    case 'dropIndex':
      // An index lives in its table's schema.
      return [`DROP INDEX ${op.online ? 'CONCURRENTLY ' : ''}${qualify(op.name, op.schema)}`]
    case 'addUnique':
      return [alterTable(op.table, op.schema, `ADD ${uniqueClause(op.object)}`)]
    case 'addCheck':
      return [alterTable(op.table, op.schema, `ADD ${checkClause(op.object)}${op.validate ? '' : ' NOT VALID'}`)]
    case 'addForeignKey':
      return [alterTable(op.table, op.schema, `ADD ${foreignKeyClause(op.object)}${op.validate ? '' : ' NOT VALID'}`)]
    case 'dropUnique':
    case 'dropCheck':
    case 'dropForeignKey':
      return [alterTable(op.table, op.schema, `DROP CONSTRAINT ${quoteIdentifier(op.name)}`)]
    case 'addPrimaryKey':
      return [alterTable(op.table, op.schema, `ADD ${primaryKeyClause(op.primaryKey)}`)]
    case 'dropPrimaryKey':
      return [alterTable(op.table, op.schema, `DROP CONSTRAINT ${quoteIdentifier(await dropPrimaryKeyName(op, context))}`)]
    case 'createEnum':
      return [createEnumSql(op.enumType)]
    case 'dropEnum':
      return [`DROP TYPE ${qualify(op.name, op.schema)}`]
    case 'addEnumValue': {
      // Allowed inside a transaction since PostgreSQL 12; the new value is usable once the transaction commits.
      // IF NOT EXISTS: a rerun after an op.autocommit() block that already added the value does not fail.
      let sql = `ALTER TYPE ${qualify(op.name, op.schema)} ADD VALUE IF NOT EXISTS ${quoteLiteral(op.value)}`
      if (op.position.before !== undefined) sql += ` BEFORE ${quoteLiteral(op.position.before)}`
      else if (op.position.after !== undefined) sql += ` AFTER ${quoteLiteral(op.position.after)}`
      return [sql]
    }
    case 'renameEnumValue':
      return [`ALTER TYPE ${qualify(op.name, op.schema)} RENAME VALUE ${quoteLiteral(op.from)} TO ${quoteLiteral(op.to)}`]
    case 'alterEnum':
      return compileAlterEnum(op, context)
    case 'renameConstraint':
      // An index lives in its table's schema; a unique or primary key's index follows its constraint's name.
      if (op.objectKind === 'index') return [`ALTER INDEX ${qualify(op.from, op.schema)} RENAME TO ${quoteIdentifier(op.to)}`]
      return [alterTable(op.table, op.schema, `RENAME CONSTRAINT ${quoteIdentifier(op.from)} TO ${quoteIdentifier(op.to)}`)]
    case 'createSchema':
      return [`CREATE SCHEMA ${quoteIdentifier(op.name)}`]
    case 'dropSchema':
      return [`DROP SCHEMA ${quoteIdentifier(op.name)} RESTRICT`]
    case 'execute':
      return [op.sql]
    case 'bulkInsert':
      return bulkInsertSql(op)
    default: {
      const unknown: never = op
      throw new Error(`PostgreSQL cannot compile operation '${(unknown as { kind: string }).kind}'`)
    }
  }
}
