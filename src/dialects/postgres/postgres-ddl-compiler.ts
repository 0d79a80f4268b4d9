/**
 * Operations → PostgreSQL statements (one string per statement, no trailing semicolon). Every identifier is
 * quoted and checked against the 63-byte limit. Column alterations and enum rebuilds live in
 * postgres-alter-compiler.ts; views, routines and PostgreSQL's own objects bring their entries from their modules.
 */
import type { CompileContext } from '../dialect.js'
import type { BulkInsertOp } from '../../operations/misc-ops.js'
import type {
  ColumnModel,
  ForeignKeyModel,
  PrimaryKeyModel,
  ReferentialAction,
  TableModel,
  UniqueModel,
} from '../../schema/model.js'
import { compileAlterColumn, compileAlterEnum } from './postgres-alter-compiler.js'
import { defaultPrimaryKeyName } from './postgres-canonical.js'
import { qualify, quoteIdentifier, quoteLiteral } from './postgres-quote.js'
import { checkClause, columnCommentSql, columnList, commentSql, createEnumSql, createIndexSql, defaultSql, identityClause } from './postgres-sql-parts.js'
import { columnTypeSql } from './postgres-types.js'
import { postgresViewCompilers } from './postgres-views.js'
import { postgresRoutineCompilers } from './postgres-routines.js'
import { postgresObjectCompilers } from './postgres-objects.js'
import { type CompilerTable, portableCompilers } from '../shared/compiler-table.js'
import { compilePostgresPartition, partitionByClause } from './postgres-partitions.js'
import { compilePostgresSequence } from './postgres-sequences.js'
import { compilePostgresRename } from './postgres-renames.js'

/** `"name" type [GENERATED … AS IDENTITY] [DEFAULT …] [NOT NULL]`; autoincrement `true` is BY DEFAULT identity. */
export function columnDefinition(column: ColumnModel): string {
  const parts = [quoteIdentifier(column.name), columnTypeSql(column.type)]
  if (column.collation) parts.push(`COLLATE ${quoteIdentifier(column.collation)}`)
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

function action(value: ReferentialAction): string {
  return value.toUpperCase()
}

function primaryKeyClause(pk: PrimaryKeyModel): string {
  return `${pk.name ? `CONSTRAINT ${quoteIdentifier(pk.name)} ` : ''}PRIMARY KEY (${columnList(pk.columns)})`
}

function uniqueClause(unique: UniqueModel): string {
  return `CONSTRAINT ${quoteIdentifier(unique.name)} UNIQUE (${columnList(unique.columns)})`
}

function foreignKeyClause(fk: ForeignKeyModel): string {
  let sql = `CONSTRAINT ${quoteIdentifier(fk.name)} FOREIGN KEY (${columnList(fk.columns)}) REFERENCES ${qualify(fk.referencedTable, fk.referencedSchema ?? null)} (${columnList(fk.referencedColumns)})`
  if (fk.onDelete && fk.onDelete !== 'no action') sql += ` ON DELETE ${action(fk.onDelete)}`
  if (fk.onUpdate && fk.onUpdate !== 'no action') sql += ` ON UPDATE ${action(fk.onUpdate)}`
  if (fk.deferrable) sql += fk.deferrable === 'initially deferred' ? ' DEFERRABLE INITIALLY DEFERRED' : ' DEFERRABLE'
  return sql
}

function createTableSql(table: TableModel): string[] {
  const schema = table.schema ?? null
  const name = qualify(table.name, schema)
  const lines = table.columns.map(columnDefinition)
  if (table.primaryKey && table.primaryKey.columns.length) lines.push(primaryKeyClause(table.primaryKey))
  for (const unique of table.uniques) lines.push(uniqueClause(unique))
  for (const check of table.checks) lines.push(checkClause(check))
  for (const fk of table.foreignKeys) lines.push(foreignKeyClause(fk))
  const partitioned = table.partitionBy ? partitionByClause(table.partitionBy) : ''
  const statements = [lines.length ? `CREATE TABLE ${name} (\n    ${lines.join(',\n    ')}\n)${partitioned}` : `CREATE TABLE ${name} ()${partitioned}`]
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
export async function invalidIndexDrop(name: string, schema: string | null, context: CompileContext): Promise<string[]> {
  if (context.offline || !context.connection) return []
  const rows = await context.connection.query(
    `SELECT 1 FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relname = $1 AND n.nspname = COALESCE($2, current_schema()) AND NOT i.indisvalid`,
    [name, schema],
  )
  return rows.length > 0 ? [`DROP INDEX CONCURRENTLY IF EXISTS ${qualify(name, schema)}`] : []
}

/** PostgreSQL's compiler table: the portable defaults, the object modules, and what PostgreSQL spells its own way. */
export const postgresCompilers = {
  ...portableCompilers({ quoteIdentifier, qualify }),
  ...postgresViewCompilers,
  ...postgresRoutineCompilers,
  ...postgresObjectCompilers,
  createTable: (op) => createTableSql(op.table),
  setTableComment: (op) => [commentSql(`TABLE ${qualify(op.table, op.schema)}`, op.comment)],
  addColumn: (op) => {
    const statements = [alterTable(op.table, op.schema, `ADD COLUMN ${columnDefinition(op.column)}`)]
    if (op.column.comment) statements.push(columnCommentSql(op.table, op.schema, op.column.name, op.column.comment))
    return statements
  },
  alterColumn: compileAlterColumn,
  createIndex: async (op, context) => [
    ...(op.online ? await invalidIndexDrop(op.object.name, op.schema, context) : []),
    createIndexSql(op.object, op.table, op.schema, op.online),
  ],
  // An index lives in its table's schema.
  dropIndex: (op) => [`DROP INDEX ${op.online ? 'CONCURRENTLY ' : ''}${qualify(op.name, op.schema)}`],
  addUnique: (op) => [alterTable(op.table, op.schema, `ADD ${uniqueClause(op.object)}`)],
  addCheck: (op) => [alterTable(op.table, op.schema, `ADD ${checkClause(op.object)}${op.validate ? '' : ' NOT VALID'}`)],
  addForeignKey: (op) => [alterTable(op.table, op.schema, `ADD ${foreignKeyClause(op.object)}${op.validate ? '' : ' NOT VALID'}`)],
  addPrimaryKey: (op) => [alterTable(op.table, op.schema, `ADD ${primaryKeyClause(op.primaryKey)}`)],
  dropPrimaryKey: async (op, context) => [alterTable(op.table, op.schema, `DROP CONSTRAINT ${quoteIdentifier(await dropPrimaryKeyName(op, context))}`)],
  createEnum: (op) => [createEnumSql(op.enumType)],
  dropEnum: (op) => [`DROP TYPE ${qualify(op.name, op.schema)}`],
  addEnumValue: (op) => {
    // Allowed inside a transaction since PostgreSQL 12; the new value is usable once the transaction commits.
    // IF NOT EXISTS: a rerun after an op.autocommit() block that already added the value does not fail.
    let sql = `ALTER TYPE ${qualify(op.name, op.schema)} ADD VALUE IF NOT EXISTS ${quoteLiteral(op.value)}`
    if (op.position.before !== undefined) sql += ` BEFORE ${quoteLiteral(op.position.before)}`
    else if (op.position.after !== undefined) sql += ` AFTER ${quoteLiteral(op.position.after)}`
    return [sql]
  },
  renameEnumValue: (op) => [`ALTER TYPE ${qualify(op.name, op.schema)} RENAME VALUE ${quoteLiteral(op.from)} TO ${quoteLiteral(op.to)}`],
  alterEnum: compileAlterEnum,
  renameConstraint: (op) => {
    // An index lives in its table's schema; a unique or primary key's index follows its constraint's name.
    if (op.objectKind === 'index') return [`ALTER INDEX ${qualify(op.from, op.schema)} RENAME TO ${quoteIdentifier(op.to)}`]
    return [alterTable(op.table, op.schema, `RENAME CONSTRAINT ${quoteIdentifier(op.from)} TO ${quoteIdentifier(op.to)}`)]
  },
  createSequence: compilePostgresSequence,
  dropSequence: compilePostgresSequence,
  alterSequence: compilePostgresSequence,
  renameObject: compilePostgresRename,
  createPartition: compilePostgresPartition,
  dropPartition: compilePostgresPartition,
  alterPartitionBound: compilePostgresPartition,
  bulkInsert: bulkInsertSql,
} satisfies CompilerTable
