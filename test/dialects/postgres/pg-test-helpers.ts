/**
 * Helpers for the PostgreSQL dialect tests: a fresh database per test file, an online CompileContext, and the
 * comparison form of a model (defaults and expressions through the dialect's normalisers).
 */
import { after, before } from 'node:test'
import { createTestDatabase, type TestDatabase } from '../../support/databases.js'
import type { CompileContext } from '../../../src/dialects/dialect.js'
import type { AnyOperation, Operation } from '../../../src/operations/index.js'
import { findTable, type SchemaModel, type TableModel } from '../../../src/schema/model.js'
import { parseDatabaseUrl, type DatabaseUrl } from '../../../src/runtime/url.js'
import { postgresDialect } from '../../../src/dialects/postgres/postgres-dialect.js'
import type { PostgresConnection } from '../../../src/dialects/postgres/postgres-driver.js'

export interface PgTestContext {
  db: TestDatabase
  url: DatabaseUrl
  conn: PostgresConnection
}

/** Creates a database before the enclosing suite and drops it after; returns a getter. */
export function usePostgresDatabase(label: string): () => PgTestContext {
  let context: PgTestContext | undefined
  before(async () => {
    const db = await createTestDatabase('postgres', label)
    const url = parseDatabaseUrl(db.url, db.dir)
    const conn = (await postgresDialect.connect(url)) as PostgresConnection
    context = { db, url, conn }
  })
  after(async () => {
    if (!context) return
    await context.conn.close().catch(() => undefined)
    await context.db.drop()
  })
  return () => {
    if (!context) throw new Error('database not ready')
    return context
  }
}

/** The current table, reflected from the database (what the runtime gives a compiler online). */
export async function reflectTable(conn: PostgresConnection, name: string, schema: string | null): Promise<TableModel | undefined> {
  const model = await postgresDialect.introspect(conn, schema ? { schemas: [schema] } : {})
  return findTable(model, name, schema)
}

export function onlineContext(conn: PostgresConnection): CompileContext {
  return { offline: false, connection: conn, table: (name, schema) => reflectTable(conn, name, schema) }
}

export function offlineContext(model: SchemaModel): CompileContext {
  return { offline: true, table: async (name, schema) => findTable(model, name, schema) }
}

/** Compiles and runs operations one by one (reverse() gives a plain Operation); returns the SQL it ran. */
export async function apply(conn: PostgresConnection, ...operations: Operation[]): Promise<string[]> {
  const ran: string[] = []
  for (const operation of operations) {
    for (const sql of await postgresDialect.compile(operation as AnyOperation, onlineContext(conn))) {
      ran.push(sql)
      await conn.execute(sql)
    }
  }
  return ran
}

/** A model in comparison form: defaults and expressions replaced by their canonical spelling. */
export function comparable(model: SchemaModel): SchemaModel {
  const copy = structuredClone(model)
  for (const table of copy.tables) {
    for (const column of table.columns) {
      const text = postgresDialect.normalizeDefault(column.default, column)
      column.default = text === null ? null : { kind: 'sql', sql: text }
    }
    for (const check of table.checks) check.expression = postgresDialect.normalizeExpression(check.expression)
    for (const index of table.indexes) {
      index.elements = index.elements.map((e) => (typeof e === 'string' || !('expression' in e) ? e : { ...e, expression: postgresDialect.normalizeExpression(e.expression) }))
      if (index.where) index.where = postgresDialect.normalizeExpression(index.where)
    }
  }
  return copy
}

export async function introspect(conn: PostgresConnection, schemas?: string[]): Promise<SchemaModel> {
  return postgresDialect.introspect(conn, schemas ? { schemas } : {})
}
