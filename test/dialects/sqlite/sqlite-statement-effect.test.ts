/**
 * Whether an interrupted statement took effect, judged from the schema (a resume after a killed run): views count
 * too. A dropView whose view is still there did not take effect (it was judged done, so the stale view stayed).
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { sqliteDialect } from '../../../src/dialects/sqlite/sqlite-dialect.js'
import { CreateViewOp, DropViewOp } from '../../../src/operations/index.js'
import { isIdempotentDdl, statementEffect } from '../../../src/runtime/statement-effect.js'
import { type TestDb, openTestDb } from './helpers.js'

describe('statement effects on SQLite', () => {
  let db: TestDb
  before(async () => {
    db = await openTestDb('effect')
    await db.connection.execute('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)')
    await db.connection.execute('CREATE VIEW v AS SELECT id FROM t')
  })
  after(() => db?.close())

  const one = { index: 0, count: 1 }

  it('a dropView is absent while the view exists, present once it is gone', async () => {
    const drop = new DropViewOp('v', null, { name: 'v', schema: null, definition: 'SELECT id FROM t' })
    assert.equal(await statementEffect(sqliteDialect, db.connection, [drop], one), 'absent')
    await db.connection.execute('DROP VIEW v')
    assert.equal(await statementEffect(sqliteDialect, db.connection, [drop], one), 'present')
  })

  it('a createView is absent until the view exists', async () => {
    const create = new CreateViewOp({ name: 'w', schema: null, definition: 'SELECT v FROM t' })
    assert.equal(await statementEffect(sqliteDialect, db.connection, [create], one), 'absent')
    await db.connection.execute('CREATE VIEW w AS SELECT v FROM t')
    assert.equal(await statementEffect(sqliteDialect, db.connection, [create], one), 'present')
  })

  it('DROP … IF EXISTS and CREATE … IF NOT EXISTS are run again; other DDL is judged', () => {
    for (const sql of ['DROP INDEX CONCURRENTLY IF EXISTS "ix"', 'drop table if exists t', 'CREATE UNIQUE INDEX IF NOT EXISTS ix ON t (v)', 'CREATE TABLE IF NOT EXISTS x (id int)'])
      assert.ok(isIdempotentDdl(sql), sql)
    for (const sql of ['DROP TABLE t', 'CREATE INDEX ix ON t (v)', "INSERT INTO t VALUES (1, 'IF EXISTS')", 'ALTER TABLE t DROP COLUMN IF_EXISTS'])
      assert.ok(!isIdempotentDdl(sql), sql)
  })
})
