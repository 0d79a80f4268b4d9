/**
 * Introspection costs a fixed number of catalog queries and stays fast: 1,000 tables with 12 columns, 2 indexes,
 * 1 unique constraint and 1 foreign key each reflect with the same number of catalog queries as two tables (speed
 * itself is measured in bench/introspect-bench.mjs, not asserted here).
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Connection } from '../../../src/dialects/dialect.js'
import { mysqlDialect } from '../../../src/dialects/mysql/mysql-dialect.js'
import { parseDatabaseUrl } from '../../../src/runtime/url.js'
import { type MysqlTestContext, openMysql } from './helpers.js'

const TABLES = 1000

function tableSql(i: number): string {
  const fk = i > 0 ? `, CONSTRAINT fk_t${i}_ref FOREIGN KEY (ref_id) REFERENCES t${i - 1} (id)` : ''
  return `CREATE TABLE t${i} (
    id INT AUTO_INCREMENT PRIMARY KEY, ref_id INT, a VARCHAR(50) NOT NULL DEFAULT 'x', b TEXT, c DECIMAL(10,2) DEFAULT 0,
    d DATETIME DEFAULT CURRENT_TIMESTAMP, e TINYINT(1), f BIGINT, g DOUBLE, h DATE, k CHAR(36), j JSON,
    UNIQUE KEY uq_t${i}_a (a), KEY ix_t${i}_f (f), KEY ix_t${i}_h_g (h, g)${fk}) COMMENT 'table ${i}'`
}

/** Counts the statements introspection sends. */
function counting(connection: Connection): { connection: Connection; count: () => number } {
  let queries = 0
  const wrapped: Connection = {
    dialect: 'mysql',
    query: (sql, params) => {
      queries++
      return connection.query(sql, params)
    },
    execute: (sql, params) => {
      queries++
      return connection.execute(sql, params)
    },
    close: () => connection.close(),
  }
  return { connection: wrapped, count: () => queries }
}

describe('mysql introspection at scale', () => {
  let ctx: MysqlTestContext
  before(async () => {
    ctx = await openMysql('scale')
  })
  after(async () => {
    await ctx?.close()
  })

  it('uses the same number of queries for 2 tables as for 1,000', async () => {
    for (let i = 0; i < 2; i++) await ctx.connection.execute(tableSql(i))
    const small = counting(ctx.connection)
    const few = await mysqlDialect.introspect(small.connection)
    assert.equal(few.tables.length, 2)

    for (let i = 2; i < TABLES; i++) await ctx.connection.execute(tableSql(i))
    const large = counting(ctx.connection)
    const started = performance.now()
    const many = await mysqlDialect.introspect(large.connection)
    const elapsed = performance.now() - started
    console.log(`introspected ${many.tables.length} tables in ${elapsed.toFixed(0)} ms with ${large.count()} queries`)
    assert.equal(many.tables.length, TABLES)
    assert.equal(large.count(), small.count())
    assert.ok(large.count() <= 8, `${large.count()} queries`)

    const t500 = many.tables.find((t) => t.name === 't500')!
    assert.equal(t500.columns.length, 12)
    assert.deepEqual(t500.indexes.map((i) => i.name), ['ix_t500_f', 'ix_t500_h_g'])
    assert.deepEqual(t500.uniques, [{ name: 'uq_t500_a', columns: ['a'] }])
    assert.deepEqual(t500.foreignKeys.map((f) => f.name), ['fk_t500_ref'])
    assert.equal(t500.columns.find((c) => c.name === 'j')!.type.kind, 'json')
    // Types are read once per distinct COLUMN_TYPE: every column still has its own, right one.
    assert.deepEqual(t500.columns.find((c) => c.name === 'a')!.type, { kind: 'varchar', length: 50 })
    assert.deepEqual(t500.columns.find((c) => c.name === 'c')!.type, { kind: 'numeric', precision: 10, scale: 2 })
    assert.deepEqual(t500.columns.find((c) => c.name === 'e')!.type, { kind: 'boolean' })
    const t499 = many.tables.find((t) => t.name === 't499')!
    assert.notEqual(t499.columns[2]!.type, t500.columns[2]!.type)
    assert.deepEqual(t500.checks, [])

    // A read session (check, autogenerate) sends the same statements as one batch, and reflects the same model.
    const reader = await mysqlDialect.connect(parseDatabaseUrl(ctx.db.url, process.cwd()), { readBatches: true })
    try {
      assert.ok(reader.queryBatch, 'a readBatches session offers queryBatch')
      let batches = 0
      let batched = 0
      const counted: Connection = {
        dialect: 'mysql',
        query: (sql, params) => reader.query(sql, params),
        execute: (sql, params) => reader.execute(sql, params),
        queryBatch: (statements) => {
          batches++
          batched += statements.length
          return reader.queryBatch!(statements)
        },
        close: () => reader.close(),
      }
      assert.deepEqual(await mysqlDialect.introspect(counted), many)
      assert.equal(batches, 1)
      // The same statements; the server version (asked once of a connection strata did not open) is not in it.
      assert.equal(batched + 1, large.count())
    } finally {
      await reader.close()
    }

    // Warm runs, the usual case for `check` and `revision --autogenerate`.
    const again = performance.now()
    await mysqlDialect.introspect(ctx.connection)
    const warm = performance.now() - again
    console.log(`warm introspection: ${warm.toFixed(0)} ms`)
  })
})
