/**
 * Foreign keys made without a name by a script strata did not write (employees' `dept_emp`): the server names the
 * key `<table>_ibfk_<n>` but its index after the key's first column. Dropping the key online drops that index too,
 * so nothing is left for `check` to report; an index another key still needs is kept.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { DropColumnOp, DropForeignKeyOp } from '../../../src/operations/index.js'
import { type MysqlTestContext, openMysql, tableOf } from './helpers.js'

describe('mysql: the index behind a foreign key made without a name', () => {
  let ctx: MysqlTestContext
  const indexNames = async (table: string) =>
    (
      await ctx.connection.query<{ INDEX_NAME: string }>(
        `SELECT DISTINCT INDEX_NAME FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '${table}'`,
      )
    )
      .map((r) => r.INDEX_NAME)
      .sort()

  before(async () => {
    ctx = await openMysql('unnamed-fk')
    await ctx.connection.execute('CREATE TABLE departments (dept_no CHAR(4) NOT NULL PRIMARY KEY, region CHAR(2) NOT NULL, UNIQUE KEY (dept_no, region))')
    await ctx.connection.execute('CREATE TABLE offices (dept_no CHAR(4) NOT NULL PRIMARY KEY)')
  })
  after(async () => {
    await ctx?.close()
  })

  it('dropForeignKey drops the index named after the first column', async () => {
    await ctx.connection.execute(`CREATE TABLE dept_emp (emp_no INT NOT NULL, dept_no CHAR(4) NOT NULL, PRIMARY KEY (emp_no, dept_no),
      FOREIGN KEY (dept_no) REFERENCES departments (dept_no))`)
    assert.deepEqual(await indexNames('dept_emp'), ['PRIMARY', 'dept_no'])
    const [fk] = tableOf(await ctx.reflect(), 'dept_emp').foreignKeys
    assert.equal(fk!.name, 'dept_emp_ibfk_1')
    assert.deepEqual(await ctx.run(new DropForeignKeyOp('dept_emp', 'dept_emp_ibfk_1')), ['ALTER TABLE `dept_emp` DROP FOREIGN KEY `dept_emp_ibfk_1`, DROP INDEX `dept_no`'])
    assert.deepEqual(await indexNames('dept_emp'), ['PRIMARY'])
    assert.deepEqual(tableOf(await ctx.reflect(), 'dept_emp').indexes, [])
  })

  it('an index another foreign key still needs is kept (the server would refuse to drop it)', async () => {
    await ctx.connection.execute(`CREATE TABLE dept_mgr (emp_no INT NOT NULL PRIMARY KEY, dept_no CHAR(4) NOT NULL,
      FOREIGN KEY (dept_no) REFERENCES departments (dept_no), FOREIGN KEY (dept_no) REFERENCES offices (dept_no))`)
    assert.deepEqual(await indexNames('dept_mgr'), ['PRIMARY', 'dept_no'])
    await ctx.run(new DropForeignKeyOp('dept_mgr', 'dept_mgr_ibfk_1'))
    const table = tableOf(await ctx.reflect(), 'dept_mgr')
    assert.deepEqual(table.foreignKeys.map((f) => f.name), ['dept_mgr_ibfk_2'])
    assert.deepEqual(table.indexes, [], 'still the remaining key’s backing index')
  })

  it('dropColumn drops the first-column-named index of a two-column key on the column', async () => {
    await ctx.connection.execute(`CREATE TABLE postings (id INT NOT NULL PRIMARY KEY, dept_no CHAR(4) NOT NULL, region CHAR(2) NOT NULL,
      FOREIGN KEY (dept_no, region) REFERENCES departments (dept_no, region))`)
    assert.deepEqual(await indexNames('postings'), ['PRIMARY', 'dept_no'])
    await ctx.run(new DropColumnOp('postings', 'region'))
    // Left to the server, the index would shrink to (dept_no) and stay, backing nothing.
    assert.deepEqual(await indexNames('postings'), ['PRIMARY'])
    assert.deepEqual(tableOf(await ctx.reflect(), 'postings').indexes, [])
  })
})
