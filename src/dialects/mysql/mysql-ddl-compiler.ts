/** Operations → MySQL/MariaDB SQL. Operations that need the table as it is live in mysql-alter-compiler.ts. */
import type { CompileContext } from '../dialect.js'
import type { AnyOperation } from '../../operations/index.js'
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
import { compileMysqlView, renameMysqlView } from './mysql-views.js'
import { compileMysqlRoutine } from './mysql-routines.js'

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

export async function compileMysql(op: AnyOperation, ctx: CompileContext): Promise<string[]> {
  switch (op.kind) {
    case 'createView':
    case 'dropView':
    case 'replaceView':
      return compileMysqlView(op)
    case 'createRoutine':
    case 'dropRoutine':
    case 'replaceRoutine':
    case 'createTrigger':
    case 'dropTrigger':
    case 'replaceTrigger':
      return compileMysqlRoutine(op)
    case 'createExtension':
    case 'dropExtension':
    case 'setRowSecurity':
    case 'createPolicy':
    case 'dropPolicy':
    case 'replacePolicy':
      throw new Error(`${op.describe()}: extensions and row-level security are PostgreSQL's`)
    case 'createSequence':
    case 'dropSequence':
    case 'alterSequence':
      throw new Error(`${op.describe()}: sequences are PostgreSQL's here`)
    case 'renameObject':
      // RENAME TABLE renames a view; routines and triggers cannot be renamed: dropped and created again.
      if (op.object.kind === 'view') return renameMysqlView(op.from, op.to)
      return compileEach(op.dropAndCreate(), ctx)
    case 'createTable':
      return createTableSql(op, await serverFor(ctx))
    case 'dropTable':
      return [`DROP TABLE ${q(op.name)}`]
    case 'renameTable':
      checkIdentifierLength(op.to, 'table')
      return [`RENAME TABLE ${q(op.from)} TO ${q(op.to)}`]
    case 'setTableComment':
      return [`ALTER TABLE ${q(op.table)} COMMENT = ${quoteMysqlString(op.comment ?? '')}`]
    case 'addColumn':
      return [alter(op.table, `ADD COLUMN ${columnDefinitionSql(op.column)}`)]
    case 'dropColumn': {
      const server = await serverFor(ctx)
      return compileDropColumn(op, ctx, (name) => dropCheckClause(name, server))
    }
    case 'renameColumn': {
      checkIdentifierLength(op.to, 'column')
      const server = await serverFor(ctx)
      // RENAME COLUMN needs MariaDB 10.5 / MySQL 8.0; older servers get CHANGE COLUMN with the whole definition.
      if (server && !serverAtLeast(server, server.mariadb ? 10 : 8, server.mariadb ? 5 : 0)) {
        const column = await resolveColumn(ctx, op.table, op.schema, op.from)
        return [alter(op.table, `CHANGE COLUMN ${q(op.from)} ${columnDefinitionSql({ ...column, name: op.to })}`)]
      }
      return [alter(op.table, `RENAME COLUMN ${q(op.from)} TO ${q(op.to)}`)]
    }
    case 'alterColumn':
      return compileAlterColumn(op, ctx)
    case 'createIndex':
      // online: the server refuses (ER_ALTER_OPERATION_NOT_SUPPORTED…) instead of copying the table under a lock.
      return [indexSql(op.table, op.object, await serverFor(ctx)) + (op.online ? ' ALGORITHM=INPLACE LOCK=NONE' : '')]
    case 'dropIndex':
      return compileDropKey(ctx, op.table, op.schema, op.name, `DROP INDEX ${q(op.name)}`)
    case 'addUnique':
      return [alter(op.table, `ADD ${uniqueKeySql(op.object.name, op.object.columns)}`)]
    case 'dropUnique':
      return compileDropKey(ctx, op.table, op.schema, op.name, `DROP INDEX ${q(op.name)}`)
    case 'addCheck':
      return [alter(op.table, `ADD ${checkSql(op.object)}`)]
    case 'dropCheck':
      return [alter(op.table, dropCheckClause(op.name, await serverFor(ctx)))]
    case 'addForeignKey':
      return [alter(op.table, `ADD ${foreignKeySql(op.object)}`)]
    case 'dropForeignKey':
      return compileDropForeignKey(ctx, op.table, op.schema, op.name)
    case 'addPrimaryKey':
      return [alter(op.table, `ADD PRIMARY KEY (${columnList(op.primaryKey.columns)})`)]
    case 'dropPrimaryKey': {
      const table = await ctx.table(op.table, op.schema)
      const auto = table?.columns.find((c) => c.autoincrement && table.primaryKey?.columns.includes(c.name))
      if (auto)
        throw new Error(
          `cannot drop the primary key of '${op.table}': column '${auto.name}' is AUTO_INCREMENT and MySQL needs it in a key; alter it with autoincrement: false first`,
        )
      return compileDropKey(ctx, op.table, op.schema, 'PRIMARY', 'DROP PRIMARY KEY')
    }
    case 'renameConstraint':
      return compileRenameConstraint(op, ctx)
    case 'createEnum':
    case 'dropEnum':
      // MySQL enums are column types (ENUM('a','b')): nothing exists apart from the columns.
      return []
    case 'addEnumValue':
      return compileAddEnumValue(op, ctx)
    case 'renameEnumValue':
      return compileRenameEnumValue(op, ctx)
    case 'alterEnum':
      return compileAlterEnum(op, ctx)
    case 'createSchema':
    case 'dropSchema':
      // One database is one namespace: strata does not create or drop MySQL databases.
      return []
    case 'execute':
      return [op.sql]
    case 'bulkInsert':
      return bulkInsertSql(op)
  }
}

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

async function compileEach(operations: AnyOperation[], ctx: CompileContext): Promise<string[]> {
  const statements: string[] = []
  for (const operation of operations) statements.push(...(await compileMysql(operation, ctx)))
  return statements
}
