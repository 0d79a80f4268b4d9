/** Independent look into a test database with the raw drivers (not strata's introspector). */
import Database from 'better-sqlite3'
import { existsSync } from 'node:fs'
import pg from 'pg'
import mysql from 'mysql2/promise'
import type { TestDatabase } from './databases.js'
import { onPglite, pgliteScript } from './pglite-folder.js'

export async function rawQuery<T = Record<string, unknown>>(db: TestDatabase, sql: string): Promise<T[]> {
  if (db.dialect === 'sqlite') {
    if (!existsSync(db.file!)) throw new Error(`no database file ${db.file}`)
    const conn = new Database(db.file!)
    try {
      const stmt = conn.prepare(sql)
      return (stmt.reader ? stmt.all() : (stmt.run(), [])) as T[]
    } finally {
      conn.close()
    }
  }
  if (onPglite(db)) return pgliteScript<T>(db, sql)
  if (db.dialect === 'postgres') {
    const client = new pg.Client({ connectionString: db.url })
    await client.connect()
    try {
      return (await client.query(sql)).rows as T[]
    } finally {
      await client.end()
    }
  }
  const conn = await mysql.createConnection({ uri: db.url })
  try {
    const [rows] = await conn.query(sql)
    return rows as T[]
  } finally {
    await conn.end()
  }
}

export async function tableNames(db: TestDatabase): Promise<string[]> {
  const sql =
    db.dialect === 'sqlite'
      ? `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`
      : db.dialect === 'postgres'
        ? `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema()`
        : `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE()`
  return (await rawQuery<{ name: string }>(db, sql)).map((r) => r.name).sort()
}

export async function columnNames(db: TestDatabase, table: string): Promise<string[]> {
  const sql =
    db.dialect === 'sqlite'
      ? `SELECT name FROM pragma_table_info('${table}')`
      : db.dialect === 'postgres'
        ? `SELECT column_name AS name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = '${table}' ORDER BY ordinal_position`
        : `SELECT column_name AS name FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = '${table}' ORDER BY ordinal_position`
  return (await rawQuery<{ name: string }>(db, sql)).map((r) => r.name)
}

/** Rows of the version table, sorted; null when the table does not exist. */
export async function versionRows(db: TestDatabase, table = 'strata_version'): Promise<string[] | null> {
  if (!(await tableNames(db).catch((): string[] => [])).includes(table)) return null
  return (await rawQuery<{ version_num: string }>(db, `SELECT version_num FROM ${table}`)).map((r) => r.version_num).sort()
}

/** The table's indexes that the database would use (PostgreSQL: not INVALID), by name. */
export async function validIndexNames(db: TestDatabase, table: string): Promise<string[]> {
  const sql =
    db.dialect === 'sqlite'
      ? `SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = '${table}'`
      : db.dialect === 'postgres'
        ? `SELECT c.relname AS name FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid WHERE t.relname = '${table}' AND t.relnamespace = current_schema()::regnamespace AND i.indisvalid`
        : `SELECT DISTINCT INDEX_NAME AS name FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '${table}'`
  return (await rawQuery<{ name: string }>(db, sql)).map((r) => r.name).sort()
}
