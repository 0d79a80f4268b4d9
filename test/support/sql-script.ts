/** Runs a multi-statement SQL script on a test database with the raw drivers: a database made "by hand". */
import Database from 'better-sqlite3'
import pg from 'pg'
import mysql from 'mysql2/promise'
import type { TestDatabase } from './databases.js'
import { onPglite, pgliteScript } from './pglite-folder.js'

export async function runScript(db: TestDatabase, script: string): Promise<void> {
  if (db.dialect === 'sqlite') {
    const conn = new Database(db.file!)
    try {
      conn.exec(script)
    } finally {
      conn.close()
    }
    return
  }
  if (onPglite(db)) {
    await pgliteScript(db, script)
    return
  }
  if (db.dialect === 'postgres') {
    const client = new pg.Client({ connectionString: db.url })
    await client.connect()
    try {
      await client.query(script)
    } finally {
      await client.end()
    }
    return
  }
  const conn = await mysql.createConnection({ uri: db.url, multipleStatements: true })
  try {
    await conn.query(script)
  } finally {
    await conn.end()
  }
}
