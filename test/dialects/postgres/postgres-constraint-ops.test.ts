/**
 * Index, constraint, enum, schema and data operations against a real PostgreSQL: apply, reflect, check the effect,
 * reverse, check it is back.
 */
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import {
  AddCheckOp,
  AddEnumValueOp,
  AddForeignKeyOp,
  AddPrimaryKeyOp,
  AddUniqueOp,
  AlterEnumOp,
  BulkInsertOp,
  CreateEnumOp,
  CreateIndexOp,
  CreateSchemaOp,
  CreateTableOp,
  DropEnumOp,
  DropPrimaryKeyOp,
  DropSchemaOp,
  ExecuteOp,
  RenameEnumValueOp,
} from '../../../src/operations/index.js'
import { emptyTable } from '../../../src/schema/model.js'
import { postgresDialect } from '../../../src/dialects/postgres/postgres-dialect.js'
import { apply, introspect, reflectTable, usePostgresDatabase } from './pg-test-helpers.js'

describe('postgres index, constraint, enum, schema and data operations', () => {
  const ctx = usePostgresDatabase('constraint ops')
  const rows = async (sql: string) => ctx().conn.query(sql)
  const table = async (name: string, schema: string | null = null) => {
    const found = await reflectTable(ctx().conn, name, schema)
    assert.ok(found, `table ${name} exists`)
    return found
  }

  it('createIndex: plain, unique, expression and partial; reverse drops each', async () => {
    const { conn } = ctx()
    await conn.execute(`CREATE TABLE people (id integer, email varchar(100), deleted_at timestamp, score integer)`)
    const ops = [
      new CreateIndexOp('people', { name: 'ix_people_score', elements: ['score', 'id'], unique: false }),
      new CreateIndexOp('people', { name: 'ux_people_email', elements: [{ expression: 'lower(email)' }], unique: true }),
      new CreateIndexOp('people', { name: 'ix_people_live', elements: ['email'], unique: false, where: 'deleted_at IS NULL' }),
    ]
    await apply(conn, ...ops)
    const indexes = (await table('people')).indexes
    assert.deepEqual(indexes.map((i) => i.name), ['ix_people_live', 'ix_people_score', 'ux_people_email'])
    assert.deepEqual(indexes[1]!.elements, ['score', 'id'])
    assert.equal(indexes[2]!.unique, true)
    assert.equal(postgresDialect.normalizeExpression((indexes[2]!.elements[0] as { expression: string }).expression), 'lower(email)')
    assert.equal(postgresDialect.normalizeExpression(indexes[0]!.where!), 'deleted_at IS NULL')
    await conn.execute(`INSERT INTO people (email) VALUES ('A@x')`)
    await assert.rejects(conn.execute(`INSERT INTO people (email) VALUES ('a@X')`), /duplicate key/)
    await apply(conn, ...ops.map((o) => o.reverse()))
    assert.deepEqual((await table('people')).indexes, [])
  })

  it('addUnique / dropUnique', async () => {
    const { conn } = ctx()
    await conn.execute(`CREATE TABLE codes (a integer, b integer)`)
    const op = new AddUniqueOp('codes', { name: 'uq_codes_a_b', columns: ['b', 'a'] })
    await apply(conn, op)
    const reflected = await table('codes')
    assert.deepEqual(reflected.uniques, [{ name: 'uq_codes_a_b', columns: ['b', 'a'] }])
    assert.deepEqual(reflected.indexes, [], 'the backing index is not an index of the model')
    await apply(conn, op.reverse())
    assert.deepEqual((await table('codes')).uniques, [])
  })

  it('addCheck enforces, dropCheck removes', async () => {
    const { conn } = ctx()
    await conn.execute(`CREATE TABLE amounts (downloads bigint)`)
    const op = new AddCheckOp('amounts', { name: 'ck_amounts_downloads', expression: 'downloads >= 0' })
    await apply(conn, op)
    const [check] = (await table('amounts')).checks
    assert.equal(check?.name, 'ck_amounts_downloads')
    assert.equal(postgresDialect.normalizeExpression(check!.expression), postgresDialect.normalizeExpression('downloads >= 0'))
    await assert.rejects(conn.execute(`INSERT INTO amounts VALUES (-1)`), /ck_amounts_downloads/)
    await apply(conn, op.reverse())
    await conn.execute(`INSERT INTO amounts VALUES (-1)`)
  })

  it('addForeignKey with actions and deferrable; reverse drops it', async () => {
    const { conn } = ctx()
    await conn.execute(`CREATE TABLE parents (id integer PRIMARY KEY)`)
    await conn.execute(`CREATE TABLE children (id integer, parent_id integer)`)
    await conn.execute(`INSERT INTO parents VALUES (1); INSERT INTO children VALUES (10, 1)`)
    const fk = { name: 'fk_children_parent', columns: ['parent_id'], referencedTable: 'parents', referencedColumns: ['id'], onDelete: 'cascade' as const, deferrable: 'initially deferred' as const }
    const op = new AddForeignKeyOp('children', fk)
    await apply(conn, op)
    assert.deepEqual((await table('children')).foreignKeys, [fk])
    await conn.execute(`DELETE FROM parents WHERE id = 1`)
    assert.deepEqual(await rows(`SELECT count(*)::int AS n FROM children`), [{ n: 0 }])
    await apply(conn, op.reverse())
    assert.deepEqual((await table('children')).foreignKeys, [])
  })

  it('addPrimaryKey / dropPrimaryKey (name found from the table when not given)', async () => {
    const { conn } = ctx()
    await conn.execute(`CREATE TABLE keyed (a integer, b integer)`)
    const add = new AddPrimaryKeyOp('keyed', { name: 'pk_keyed', columns: ['b', 'a'] })
    await apply(conn, add)
    const reflected = await table('keyed')
    assert.deepEqual(reflected.primaryKey, { name: 'pk_keyed', columns: ['b', 'a'] })
    assert.ok(reflected.columns.every((c) => !c.nullable))
    await apply(conn, new DropPrimaryKeyOp('keyed'))
    assert.equal((await table('keyed')).primaryKey, null)
    await apply(conn, new AddPrimaryKeyOp('keyed', { name: null, columns: ['a'] }))
    assert.deepEqual((await table('keyed')).primaryKey, { name: 'keyed_pkey', columns: ['a'] })
    await apply(conn, new DropPrimaryKeyOp('keyed', null, { name: null, columns: ['a'] }))
    assert.equal((await table('keyed')).primaryKey, null)
  })

  it('schemas: createSchema, objects inside, dropSchema RESTRICT', async () => {
    const { conn } = ctx()
    const create = new CreateSchemaOp('Sales Dept')
    await apply(conn, create)
    const t = { ...emptyTable('orders', 'Sales Dept'), columns: [{ name: 'id', type: { kind: 'integer' as const }, nullable: false }], primaryKey: { name: 'pk_orders', columns: ['id'] } }
    const createTable = new CreateTableOp(t)
    const index = new CreateIndexOp('orders', { name: 'ix_orders_id_desc', elements: [{ expression: 'id * -1' }], unique: false }, 'Sales Dept')
    await apply(conn, createTable, index)
    const model = await introspect(conn, ['Sales Dept'])
    assert.deepEqual(model.schemas, ['Sales Dept'])
    assert.equal(model.tables[0]?.schema, 'Sales Dept')
    assert.equal(model.tables[0]?.indexes[0]?.name, 'ix_orders_id_desc')
    await assert.rejects(apply(conn, create.reverse()), /depend/)
    await apply(conn, index.reverse(), createTable.reverse(), new DropSchemaOp('Sales Dept'))
    assert.deepEqual(await rows(`SELECT nspname FROM pg_namespace WHERE nspname = 'Sales Dept'`), [])
  })

  describe('enums', () => {
    it('createEnum / dropEnum', async () => {
      const { conn } = ctx()
      const op = new CreateEnumOp({ name: 'color', schema: null, values: ['red', "o'range"] })
      await apply(conn, op)
      assert.deepEqual((await introspect(conn)).enums.find((e) => e.name === 'color'), { name: 'color', schema: null, values: ['red', "o'range"] })
      await apply(conn, op.reverse())
      assert.equal((await introspect(conn)).enums.find((e) => e.name === 'color'), undefined)
    })

    it('addEnumValue before/after/at the end; its reverse rebuilds without it', async () => {
      const { conn } = ctx()
      await apply(conn, new CreateEnumOp({ name: 'size', schema: null, values: ['s', 'l'] }))
      await conn.execute(`CREATE TABLE shirts (size size DEFAULT 's')`)
      await conn.execute(`INSERT INTO shirts VALUES ('l')`)
      const columns = [{ table: 'shirts', column: 'size' }]
      const m = new AddEnumValueOp('size', 'm', { before: 'l' }, ['s', 'l'], columns)
      const xs = new AddEnumValueOp('size', 'xs', { after: 'l' }, ['s', 'm', 'l'], columns)
      const xl = new AddEnumValueOp('size', 'xl', {}, ['s', 'm', 'l', 'xs'], columns)
      await apply(conn, m, xs, xl)
      const values = async () => (await introspect(conn)).enums.find((e) => e.name === 'size')?.values
      assert.deepEqual(await values(), ['s', 'm', 'l', 'xs', 'xl'])
      // A rerun after an autocommitted ADD VALUE (the run failed later) must not fail on the value it already added.
      await apply(conn, xs)
      assert.deepEqual(await values(), ['s', 'm', 'l', 'xs', 'xl'])
      await apply(conn, xl.reverse())
      assert.deepEqual(await values(), ['s', 'm', 'l', 'xs'])
      assert.deepEqual(await rows(`SELECT size::text FROM shirts`), [{ size: 'l' }])
      assert.deepEqual((await table('shirts')).columns[0]?.default, { kind: 'literal', value: 's' })
    })

    it('renameEnumValue renames stored rows too', async () => {
      const { conn } = ctx()
      await apply(conn, new CreateEnumOp({ name: 'state', schema: null, values: ['draft', 'done'] }))
      await conn.execute(`CREATE TABLE docs (state state)`)
      await conn.execute(`INSERT INTO docs VALUES ('draft')`)
      const op = new RenameEnumValueOp('state', 'draft', 'pending', ['draft', 'done'])
      await apply(conn, op)
      assert.deepEqual(await rows(`SELECT state::text FROM docs`), [{ state: 'pending' }])
      await apply(conn, op.reverse())
      assert.deepEqual(await rows(`SELECT state::text FROM docs`), [{ state: 'draft' }])
    })

    it('alterEnum rebuilds: removes, reorders and renames values; rows and defaults carried over', async () => {
      const { conn } = ctx()
      await apply(conn, new CreateSchemaOp('app'), new CreateEnumOp({ name: 'mood', schema: 'app', values: ['happy', 'sad', 'meh'] }))
      await conn.execute(`CREATE TABLE app.feelings (id integer, mood app.mood NOT NULL DEFAULT 'happy', other app.mood)`)
      await conn.execute(`INSERT INTO app.feelings VALUES (1, 'happy', 'sad'), (2, 'sad', NULL)`)
      const columns = [
        { table: 'feelings', schema: 'app', column: 'mood' },
        { table: 'feelings', schema: 'app', column: 'other' },
      ]
      const op = new AlterEnumOp('mood', ['glad', 'sad'], ['happy', 'sad', 'meh'], { glad: 'happy' }, columns, 'app')
      await apply(conn, op)
      const model = await introspect(conn, ['app'])
      assert.deepEqual(model.enums, [{ name: 'mood', schema: 'app', values: ['glad', 'sad'] }])
      assert.deepEqual(await rows(`SELECT id, mood::text, other::text FROM app.feelings ORDER BY id`), [
        { id: 1, mood: 'glad', other: 'sad' },
        { id: 2, mood: 'sad', other: null },
      ])
      assert.deepEqual(model.tables[0]?.columns[1]?.default, { kind: 'literal', value: 'glad' })
      assert.deepEqual(await rows(`SELECT typname FROM pg_type WHERE typname LIKE 'mood%' ORDER BY 1`), [{ typname: 'mood' }])
      await apply(conn, op.reverse())
      assert.deepEqual((await introspect(conn, ['app'])).enums[0]?.values, ['happy', 'sad', 'meh'])
      assert.deepEqual(await rows(`SELECT mood::text FROM app.feelings ORDER BY id`), [{ mood: 'happy' }, { mood: 'sad' }])
    })

    it('alterEnum fails loudly when rows hold a removed value', async () => {
      const { conn } = ctx()
      await apply(conn, new CreateEnumOp({ name: 'tier', schema: null, values: ['a', 'b'] }))
      await conn.execute(`CREATE TABLE tiers (t tier)`)
      await conn.execute(`INSERT INTO tiers VALUES ('b')`)
      await conn.execute('BEGIN')
      await assert.rejects(apply(conn, new AlterEnumOp('tier', ['a'], ['a', 'b'], {}, [{ table: 'tiers', column: 't' }])), /invalid input value/)
      await conn.execute('ROLLBACK')
      assert.deepEqual((await introspect(conn)).enums.find((e) => e.name === 'tier')?.values, ['a', 'b'])
    })

    it('dropEnum reverse needs the values', () => {
      assert.throws(() => new DropEnumOp('x').reverse(), /values are unknown/)
    })
  })

  it('execute runs SQL as is', async () => {
    const { conn } = ctx()
    await apply(conn, new ExecuteOp(`CREATE TABLE executed (v text); INSERT INTO executed VALUES ('ok')`))
    assert.deepEqual(await rows(`SELECT v FROM executed`), [{ v: 'ok' }])
  })

  it('bulkInsert inlines every kind of value', async () => {
    const { conn } = ctx()
    await conn.execute(`CREATE TABLE sink (id serial, s text, n double precision, b boolean, big bigint, at timestamptz, bin bytea, doc jsonb, list jsonb, missing text DEFAULT 'dflt')`)
    const when = new Date('2024-05-06T07:08:09.123Z')
    const op = new BulkInsertOp('sink', [
      { s: "it's \\ fine", n: 1.5, b: true, big: 9007199254740993n, at: when, bin: Buffer.from([0, 1, 255]), doc: { a: [1, 'x'] }, list: [1, 2], missing: null },
      { s: null, n: -2, b: false },
    ])
    const sql = await apply(conn, op)
    assert.equal(sql.length, 1, 'one INSERT for all rows')
    const got = await rows(`SELECT s, n, b, big, at, encode(bin, 'hex') AS bin, doc, list, missing FROM sink ORDER BY id`)
    assert.deepEqual(got[0], { s: "it's \\ fine", n: 1.5, b: true, big: '9007199254740993', at: when, bin: '0001ff', doc: { a: [1, 'x'] }, list: [1, 2], missing: null })
    assert.deepEqual(got[1], { s: null, n: -2, b: false, big: null, at: null, bin: null, doc: null, list: null, missing: 'dflt' })
    assert.deepEqual(await postgresDialect.compile(new BulkInsertOp('sink', []), { offline: true, table: async () => undefined }), [])
  })
})
