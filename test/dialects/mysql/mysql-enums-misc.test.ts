/** Enum operations (which restate the columns using the enum), and the no-op / raw / data operations, on MariaDB. */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { mysqlDialect } from '../../../src/dialects/mysql/mysql-dialect.js'
import {
  AddEnumValueOp,
  AlterEnumOp,
  type AnyOperation,
  BulkInsertOp,
  CreateEnumOp,
  CreateSchemaOp,
  CreateTableOp,
  DropEnumOp,
  DropSchemaOp,
  ExecuteOp,
  RenameEnumValueOp,
  type RowValue,
} from '../../../src/operations/index.js'
import type { ColumnModel, TableModel } from '../../../src/schema/model.js'
import { type MysqlTestContext, offlineContext, openMysql, tableOf } from './helpers.js'

const mood = { kind: 'enum' as const, name: 'mood', values: ['happy', 'sad'] }
const usages = [
  { table: 'diary', column: 'feeling' },
  { table: 'diary', column: 'other' },
]

const diary: TableModel = {
  name: 'diary',
  schema: null,
  columns: [
    { name: 'id', type: { kind: 'integer' }, nullable: false },
    { name: 'feeling', type: mood, nullable: false, default: { kind: 'literal', value: 'happy' }, comment: 'how it went' },
    { name: 'other', type: mood, nullable: true },
    { name: 'touched', type: { kind: 'timestamp', mysqlType: 'timestamp' }, nullable: false, default: { kind: 'sql', sql: 'CURRENT_TIMESTAMP' }, onUpdateNow: true },
  ],
  primaryKey: { columns: ['id'] },
  indexes: [],
  uniques: [],
  foreignKeys: [],
  checks: [],
  comment: null,
}

describe('mysql enum and misc operations', () => {
  let ctx: MysqlTestContext

  async function column(name: string): Promise<ColumnModel> {
    return tableOf(await ctx.reflect(), 'diary').columns.find((c) => c.name === name)!
  }
  async function feelings(): Promise<unknown[]> {
    return (await ctx.connection.query<{ feeling: string }>('SELECT feeling FROM diary ORDER BY id')).map((r) => r.feeling)
  }

  before(async () => {
    ctx = await openMysql('enums')
    await ctx.run(new CreateTableOp(diary))
    await ctx.connection.execute(`INSERT INTO diary (id, feeling, other) VALUES (1, 'happy', 'sad'), (2, 'sad', NULL), (3, DEFAULT, NULL)`)
  })
  after(async () => {
    await ctx?.close()
  })

  it('createEnum / dropEnum / createSchema / dropSchema compile to nothing', async () => {
    const offline = offlineContext({ tables: [], enums: [] })
    assert.deepEqual(await mysqlDialect.compile(new CreateEnumOp({ name: 'mood', values: ['a'] }), offline), [])
    assert.deepEqual(await mysqlDialect.compile(new DropEnumOp('mood'), offline), [])
    assert.deepEqual(await mysqlDialect.compile(new CreateSchemaOp('x'), offline), [])
    assert.deepEqual(await mysqlDialect.compile(new DropSchemaOp('x'), offline), [])
  })

  it('addEnumValue restates every column using the enum, keeping default, comment and rows', async () => {
    const op = new AddEnumValueOp('mood', 'meh', { after: 'happy' }, ['happy', 'sad'], usages)
    await ctx.run(op)
    const feeling = await column('feeling')
    assert.deepEqual(feeling.type, { kind: 'enum', name: '', values: ['happy', 'meh', 'sad'] })
    assert.deepEqual(feeling.default, { kind: 'literal', value: 'happy' })
    assert.equal(feeling.comment, 'how it went')
    assert.equal(feeling.nullable, false)
    assert.deepEqual((await column('other')).type, { kind: 'enum', name: '', values: ['happy', 'meh', 'sad'] })
    assert.deepEqual(await feelings(), ['happy', 'sad', 'happy'])
    await ctx.run(op.reverse() as AnyOperation)
    assert.deepEqual((await column('feeling')).type, { kind: 'enum', name: '', values: ['happy', 'sad'] })
  })

  it('renameEnumValue carries rows and the default over, and leaves ON UPDATE CURRENT_TIMESTAMP columns as they were', async () => {
    await ctx.connection.execute("UPDATE diary SET touched = '2001-02-03 04:05:06'")
    const touched = async () => (await ctx.connection.query<{ t: string }>("SELECT DATE_FORMAT(touched, '%Y-%m-%d %T') AS t FROM diary ORDER BY id")).map((r) => r.t)
    const op = new RenameEnumValueOp('mood', 'happy', 'glad', ['happy', 'sad'], usages)
    const statements = await ctx.run(op)
    assert.deepEqual(await touched(), ['2001-02-03 04:05:06', '2001-02-03 04:05:06', '2001-02-03 04:05:06'])
    assert.ok(statements.some((s) => s.startsWith('UPDATE `diary` SET `feeling` = \'glad\'')))
    const feeling = await column('feeling')
    assert.deepEqual(feeling.type, { kind: 'enum', name: '', values: ['glad', 'sad'] })
    assert.deepEqual(feeling.default, { kind: 'literal', value: 'glad' })
    assert.deepEqual(await feelings(), ['glad', 'sad', 'glad'])
    await ctx.run(op.reverse() as AnyOperation)
    assert.deepEqual(await feelings(), ['happy', 'sad', 'happy'])
    assert.deepEqual((await column('feeling')).default, { kind: 'literal', value: 'happy' })
  })

  it('alterEnum removing a value fails while rows hold it, and works once they do not', async () => {
    const op = new AlterEnumOp('mood', ['happy'], ['happy', 'sad'], {}, [{ table: 'diary', column: 'feeling' }])
    await assert.rejects(ctx.run(op), /truncated|Data/i)
    assert.deepEqual((await column('feeling')).type, { kind: 'enum', name: '', values: ['happy', 'sad'] })
    await ctx.connection.execute(`UPDATE diary SET feeling = 'happy'`)
    await ctx.run(op)
    assert.deepEqual((await column('feeling')).type, { kind: 'enum', name: '', values: ['happy'] })
    await ctx.run(op.reverse() as AnyOperation)
    assert.deepEqual((await column('feeling')).type, { kind: 'enum', name: '', values: ['happy', 'sad'] })
  })

  it('alterEnum with renames reorders values and maps rows', async () => {
    const op = new AlterEnumOp('mood', ['blue', 'joyful'], ['happy', 'sad'], { joyful: 'happy', blue: 'sad' }, usages)
    await ctx.connection.execute(`UPDATE diary SET feeling = 'sad' WHERE id = 2`)
    await ctx.run(op)
    assert.deepEqual((await column('feeling')).type, { kind: 'enum', name: '', values: ['blue', 'joyful'] })
    assert.deepEqual(await feelings(), ['joyful', 'blue', 'joyful'])
    assert.deepEqual((await column('other')).type, { kind: 'enum', name: '', values: ['blue', 'joyful'] })
    await ctx.run(op.reverse() as AnyOperation)
    assert.deepEqual(await feelings(), ['happy', 'sad', 'happy'])
  })

  it('enum changes offline use the replayed model', async () => {
    const model = { tables: [structuredClone(diary)], enums: [] }
    const statements = await mysqlDialect.compile(new AddEnumValueOp('mood', 'meh', {}, ['happy', 'sad'], [usages[0]!]), offlineContext(model))
    assert.deepEqual(statements, ["ALTER TABLE `diary` MODIFY COLUMN `feeling` ENUM('happy','sad','meh') NOT NULL DEFAULT 'happy' COMMENT 'how it went'"])
  })

  it('execute runs SQL as is', async () => {
    assert.deepEqual(await ctx.run(new ExecuteOp('UPDATE diary SET other = NULL')), ['UPDATE diary SET other = NULL'])
  })

  it('bulkInsert inlines every kind of value', async () => {
    await ctx.connection.execute(
      'CREATE TABLE vals (id INT PRIMARY KEY, s TEXT, n DOUBLE, b TINYINT(1), big BIGINT, d DATETIME(3), bin LONGBLOB, j JSON, z INT DEFAULT 7)',
    )
    const rows: Record<string, RowValue>[] = [
      { id: 1, s: "it's a \\ back\\slash", n: 1.25, b: true, big: 9007199254740993n, d: new Date('2020-01-02T03:04:05.678Z'), bin: Buffer.from([0, 255, 16]), j: { a: [1, 'x'] } },
      { id: 2, s: null, n: -3, b: false, big: 1n, d: null, bin: null, j: [1, 2], z: 3 },
    ]
    const statements = await ctx.run(new BulkInsertOp('vals', rows))
    assert.equal(statements.length, 1)
    const back = await ctx.connection.query<Record<string, unknown>>('SELECT id, s, n, b, big, d, HEX(bin) AS bin, j, z FROM vals ORDER BY id')
    // mysql2 parses JSON columns (MariaDB's too, from the extended metadata).
    assert.deepEqual(back, [
      { id: 1, s: "it's a \\ back\\slash", n: 1.25, b: 1, big: '9007199254740993', d: '2020-01-02 03:04:05.678', bin: '00FF10', j: { a: [1, 'x'] }, z: 7 },
      { id: 2, s: null, n: -3, b: 0, big: '1', d: null, bin: null, j: [1, 2], z: 3 },
    ])
    assert.deepEqual(await mysqlDialect.compile(new BulkInsertOp('vals', []), offlineContext({ tables: [], enums: [] })), [])
  })
})
