/** Operations → MySQL/MariaDB SQL. Operations that need the table as it is live in mysql-alter-compiler.ts. */
import type { CompileContext } from '../dialect.js'
import type { CreateTableOp } from '../../operations/table-ops.js'
import type { BulkInsertOp } from '../../operations/misc-ops.js'
import type { RenameConstraintOp } from '../../operations/rename-constraint-op.js'
import type { IndexModel } from '../../schema/model.js'
import type { MysqlServerInfo } from './mysql-driver.js'
import { mysqlServerOf, serverAtLeast } from './mysql-driver.js'
import {
  compileAddEnumValue,
  compileAlterColumn,
  compileAlterEnum,
  compileRenameEnumValue,
  compileDropColumn,
  compileDropForeignKey,
  compileDropKey,
  resolveColumn,
} from './mysql-alter-compiler.js'
import { checkSql, columnDefinitionSql, columnList, foreignKeySql, keyPartSql, uniqueKeySql } from './mysql-column-sql.js'
import { checkIdentifierLength, quoteMysqlIdentifier as q, quoteMysqlLiteral, quoteMysqlString } from './mysql-sql.js'
import { mysqlViewCompilers, renameMysqlView } from './mysql-views.js'
import { mysqlRoutineCompilers } from './mysql-routines.js'
import { type CompilerTable, compileAllWith, nothingToDo, portableCompilers, postgresOnlyPartition, postgresOnlySequence } from '../shared/compiler-table.js'
import type { RenameObjectOp } from '../../operations/rename-object-op.js'

async function serverFor(ctx: CompileContext): Promise<MysqlServerInfo | undefined> {
  return ctx.offline || !ctx.connection ? undefined : mysqlServerOf(ctx.connection)
}

function indexSql(table: string, index: IndexModel, server: MysqlServerInfo | undefined): string {
  checkIdentifierLength(index.name, 'index')
  if (index.where) throw new Error(`index '${index.name}' on '${table}': partial indexes (WHERE ${index.where}) are not supported on MySQL/MariaDB`)
  if (index.elements.length === 0) throw new Error(`index '${index.name}' on '${table}' has no elements`)
  const parts = index.elements.map((e) => keyPartSql(e, index.name, server)).join(', ')
  return `CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX ${q(index.name)} ON ${q(table)} (${parts})`
}

function createTableSql(op: CreateTableOp, server: MysqlServerInfo | undefined): string[] {
  const t = op.table
  checkIdentifierLength(t.name, 'table')
  const lines = t.columns.map(columnDefinitionSql)
  if (t.primaryKey && t.primaryKey.columns.length) lines.push(`PRIMARY KEY (${columnList(t.primaryKey.columns)})`)
  for (const u of t.uniques) lines.push(uniqueKeySql(u.name, u.columns))
  for (const c of t.checks) lines.push(checkSql(c))
  for (const fk of t.foreignKeys) lines.push(foreignKeySql(fk))
  const comment = t.comment ? ` COMMENT=${quoteMysqlString(t.comment)}` : ''
  const statements = [`CREATE TABLE ${q(t.name)} (\n  ${lines.join(',\n  ')}\n)${comment}`]
  for (const index of t.indexes) statements.push(indexSql(t.name, index, server))
  return statements
}

function bulkInsertSql(op: BulkInsertOp): string[] {
  if (op.rows.length === 0) return []
  const columns: string[] = []
  for (const row of op.rows) for (const key of Object.keys(row)) if (!columns.includes(key)) columns.push(key)
  const values = op.rows.map((row) => `(${columns.map((c) => (c in row ? quoteMysqlLiteral(row[c]) : 'DEFAULT')).join(', ')})`)
  return [`INSERT INTO ${q(op.table)} (${columnList(columns)}) VALUES\n  ${values.join(',\n  ')}`]
}

/** MariaDB only knows DROP CONSTRAINT; MySQL 8.0.16–8.0.18 only DROP CHECK (used when the server is known to be MySQL). */
function dropCheckClause(name: string, server: MysqlServerInfo | undefined): string {
  return server && !server.mariadb ? `DROP CHECK ${q(name)}` : `DROP CONSTRAINT ${q(name)}`
}

function alter(table: string, ...clauses: string[]): string {
  return `ALTER TABLE ${q(table)} ${clauses.join(', ')}`
}

/** MySQL/MariaDB's compiler table: the portable defaults, the object modules, and what MySQL spells its own way. */
export const mysqlCompilers = {
  // One database is one namespace: names are never qualified.
  ...portableCompilers({ quoteIdentifier: q, qualify: (name) => q(name) }),
  ...mysqlViewCompilers,
  ...mysqlRoutineCompilers,
  createTable: async (op, ctx) => {
    if (op.table.partitionBy) return postgresOnlyPartition(op)
    return createTableSql(op, await serverFor(ctx))
  },
  createSequence: postgresOnlySequence,
  dropSequence: postgresOnlySequence,
  alterSequence: postgresOnlySequence,
  renameObject: renameMysqlObject,
  createPartition: postgresOnlyPartition,
  dropPartition: postgresOnlyPartition,
  alterPartitionBound: postgresOnlyPartition,
  renameTable: (op) => {
    checkIdentifierLength(op.to, 'table')
    return [`RENAME TABLE ${q(op.from)} TO ${q(op.to)}`]
  },
  setTableComment: (op) => [`ALTER TABLE ${q(op.table)} COMMENT = ${quoteMysqlString(op.comment ?? '')}`],
  addColumn: (op) => [alter(op.table, `ADD COLUMN ${columnDefinitionSql(op.column)}`)],
  dropColumn: async (op, ctx) => {
    const server = await serverFor(ctx)
    return compileDropColumn(op, ctx, (name) => dropCheckClause(name, server))
  },
  renameColumn: async (op, ctx) => {
    checkIdentifierLength(op.to, 'column')
    const server = await serverFor(ctx)
    // RENAME COLUMN needs MariaDB 10.5 / MySQL 8.0; older servers get CHANGE COLUMN with the whole definition.
    if (server && !serverAtLeast(server, server.mariadb ? 10 : 8, server.mariadb ? 5 : 0)) {
      const column = await resolveColumn(ctx, op.table, op.schema, op.from)
      return [alter(op.table, `CHANGE COLUMN ${q(op.from)} ${columnDefinitionSql({ ...column, name: op.to })}`)]
    }
    return [alter(op.table, `RENAME COLUMN ${q(op.from)} TO ${q(op.to)}`)]
  },
  alterColumn: compileAlterColumn,
  // online: the server refuses (ER_ALTER_OPERATION_NOT_SUPPORTED…) instead of copying the table under a lock.
  createIndex: async (op, ctx) => [indexSql(op.table, op.object, await serverFor(ctx)) + (op.online ? ' ALGORITHM=INPLACE LOCK=NONE' : '')],
  dropIndex: (op, ctx) => compileDropKey(ctx, op.table, op.schema, op.name, `DROP INDEX ${q(op.name)}`),
  addUnique: (op) => [alter(op.table, `ADD ${uniqueKeySql(op.object.name, op.object.columns)}`)],
  dropUnique: (op, ctx) => compileDropKey(ctx, op.table, op.schema, op.name, `DROP INDEX ${q(op.name)}`),
  addCheck: (op) => [alter(op.table, `ADD ${checkSql(op.object)}`)],
  dropCheck: async (op, ctx) => [alter(op.table, dropCheckClause(op.name, await serverFor(ctx)))],
  addForeignKey: (op) => [alter(op.table, `ADD ${foreignKeySql(op.object)}`)],
  dropForeignKey: (op, ctx) => compileDropForeignKey(ctx, op.table, op.schema, op.name),
  addPrimaryKey: (op) => [alter(op.table, `ADD PRIMARY KEY (${columnList(op.primaryKey.columns)})`)],
  dropPrimaryKey: async (op, ctx) => {
    const table = await ctx.table(op.table, op.schema)
    const auto = table?.columns.find((c) => c.autoincrement && table.primaryKey?.columns.includes(c.name))
    if (auto)
      throw new Error(
        `cannot drop the primary key of '${op.table}': column '${auto.name}' is AUTO_INCREMENT and MySQL needs it in a key; alter it with autoincrement: false first`,
      )
    return compileDropKey(ctx, op.table, op.schema, 'PRIMARY', 'DROP PRIMARY KEY')
  },
  renameConstraint: compileRenameConstraint,
  // MySQL enums are column types (ENUM('a','b')): nothing exists apart from the columns.
  createEnum: nothingToDo,
  dropEnum: nothingToDo,
  addEnumValue: compileAddEnumValue,
  renameEnumValue: compileRenameEnumValue,
  alterEnum: compileAlterEnum,
  // One database is one namespace: strata does not create or drop MySQL databases.
  createSchema: nothingToDo,
  dropSchema: nothingToDo,
  bulkInsert: bulkInsertSql,
} satisfies CompilerTable

/**
 * MySQL renames indexes and unique keys (`RENAME INDEX`); its primary key is always `PRIMARY`. Foreign keys and
 * checks cannot be renamed: they are dropped and added again under the new name, from the table as it is.
 */
async function compileRenameConstraint(op: RenameConstraintOp, ctx: CompileContext): Promise<string[]> {
  checkIdentifierLength(op.to, op.objectKind === 'index' ? 'index' : 'constraint')
  if (op.objectKind === 'primaryKey') return []
  if (op.objectKind === 'index' || op.objectKind === 'unique') return [alter(op.table, `RENAME INDEX ${q(op.from)} TO ${q(op.to)}`)]
  const table = await ctx.table(op.table, op.schema)
  if (op.objectKind === 'check') {
    const check = table?.checks.find((c) => c.name === op.from)
    if (!check) throw new Error(`check constraint '${op.from}' on '${op.table}' is not known, so it cannot be renamed`)
    return [alter(op.table, dropCheckClause(op.from, await serverFor(ctx)), `ADD ${checkSql({ ...check, name: op.to })}`)]
  }
  const fk = table?.foreignKeys.find((f) => f.name === op.from)
  if (!fk) throw new Error(`foreign key '${op.from}' on '${op.table}' is not known, so it cannot be renamed`)
  return [...(await compileDropForeignKey(ctx, op.table, op.schema, op.from)), alter(op.table, `ADD ${foreignKeySql({ ...fk, name: op.to })}`)]
}

/** RENAME TABLE renames a view; routines and triggers cannot be renamed: dropped and created again. */
async function renameMysqlObject(op: RenameObjectOp, ctx: CompileContext): Promise<string[]> {
  if (op.object.kind === 'view') return renameMysqlView(op.from, op.to)
  return compileAllWith(mysqlCompilers, op.dropAndCreate(), ctx)
}
