/** Shared pieces of the MySQL dialect tests: a database per file, running operations, comparing models. */
import type { CompileContext, Connection } from '../../../src/dialects/dialect.js'
import { mysqlDialect } from '../../../src/dialects/mysql/mysql-dialect.js'
import type { AnyOperation } from '../../../src/operations/index.js'
import { parseDatabaseUrl } from '../../../src/runtime/url.js'
import { type SchemaModel, type TableModel, findTable } from '../../../src/schema/model.js'
import { createTestDatabase, type TestDatabase } from '../../support/databases.js'

export interface MysqlTestContext {
  db: TestDatabase
  connection: Connection
  /** Compiles and runs one operation online; returns the statements. */
  run(op: AnyOperation): Promise<string[]>
  reflect(): Promise<SchemaModel>
  table(name: string): Promise<TableModel>
  close(): Promise<void>
}

export function onlineContext(connection: Connection): CompileContext {
  return {
    offline: false,
    connection,
    table: async (name, schema) => findTable(await mysqlDialect.introspect(connection), name, schema),
  }
}

/** A model-backed context, as the offline (`--sql`) runner gives one. */
export function offlineContext(model: SchemaModel): CompileContext {
  return { offline: true, table: async (name, schema) => findTable(model, name, schema ?? null) }
}

export async function openMysql(label: string): Promise<MysqlTestContext> {
  const db = await createTestDatabase('mysql', label)
  const connection = await mysqlDialect.connect(parseDatabaseUrl(db.url, process.cwd()))
  const ctx = onlineContext(connection)
  return {
    db,
    connection,
    async run(op) {
      const statements = await mysqlDialect.compile(op, ctx)
      for (const statement of statements) await connection.execute(statement)
      return statements
    },
    reflect: () => mysqlDialect.introspect(connection),
    async table(name) {
      const found = findTable(await mysqlDialect.introspect(connection), name)
      if (!found) throw new Error(`table ${name} not found`)
      return found
    },
    async close() {
      await connection.close()
      await db.drop()
    },
  }
}

/** Defaults and expressions in their canonical spelling, so that deep equality compares everything else exactly. */
export function comparable(model: SchemaModel): unknown {
  const copy = structuredClone(model)
  return {
    ...copy,
    tables: copy.tables.map((t) => ({
      ...t,
      columns: t.columns.map((c) => ({ ...c, default: mysqlDialect.normalizeDefault(c.default, c) })),
      checks: t.checks.map((c) => ({ ...c, expression: mysqlDialect.normalizeExpression(c.expression) })),
      indexes: t.indexes.map((i) => ({
        ...i,
        elements: i.elements.map((e) => (typeof e === 'string' || !('expression' in e) ? e : { ...e, expression: mysqlDialect.normalizeExpression(e.expression) })),
        ...(i.where ? { where: mysqlDialect.normalizeExpression(i.where) } : {}),
      })),
    })),
  }
}

export function tableOf(model: SchemaModel, name: string): TableModel {
  const found = findTable(model, name)
  if (!found) throw new Error(`table ${name} not found`)
  return found
}
