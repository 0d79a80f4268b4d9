/**
 * Table and column operations against a real PostgreSQL: apply, reflect, check the effect, reverse, check it is
 * back; rows survive every non-destructive change.
 */
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import {
  AddColumnOp,
  AlterColumnOp,
  CreateTableOp,
  DropColumnOp,
  RenameColumnOp,
  RenameTableOp,
  SetTableCommentOp,
} from '../../../src/operations/index.js'
import { emptyTable, type ColumnModel, type TableModel } from '../../../src/schema/model.js'
import { postgresDialect } from '../../../src/dialects/postgres/postgres-dialect.js'
import { apply, offlineContext, reflectTable, usePostgresDatabase } from './pg-test-helpers.js'

function tableModel(name: string, columns: ColumnModel[], extra: Partial<TableModel> = {}): TableModel {
  return { ...emptyTable(name), columns, ...extra }
}

describe('postgres table and column operations', () => {
  const ctx = usePostgresDatabase('column ops')
  const rows = async (sql: string) => ctx().conn.query(sql)
  const column = async (table: string, name: string) => (await reflectTable(ctx().conn, table, null))?.columns.find((c) => c.name === name)

  it('createTable creates it, its reverse drops it', async () => {
    const { conn } = ctx()
    const op = new CreateTableOp(
      tableModel('things', [
        { name: 'id', type: { kind: 'integer' }, nullable: false, autoincrement: true },
        { name: 'label', type: { kind: 'varchar', length: 20 }, nullable: true, comment: 'shown' },
      ], { primaryKey: { name: 'pk_things', columns: ['id'] }, comment: 'a table' }),
    )
    await apply(conn, op)
    const reflected = await reflectTable(conn, 'things', null)
    assert.equal(reflected?.comment, 'a table')
    assert.equal(reflected?.columns[1]?.comment, 'shown')
    assert.equal(reflected?.columns[0]?.autoincrement, 'by-default')
    await apply(conn, op.reverse())
    assert.equal(await reflectTable(conn, 'things', null), undefined)
  })

  it('renameTable keeps rows and reverses', async () => {
    const { conn } = ctx()
    await conn.execute(`CREATE TABLE before_name (id integer)`)
    await conn.execute(`INSERT INTO before_name VALUES (1), (2)`)
    const op = new RenameTableOp('before_name', 'After Name')
    await apply(conn, op)
    assert.deepEqual(await rows(`SELECT count(*)::int AS n FROM "After Name"`), [{ n: 2 }])
    await apply(conn, op.reverse())
    assert.deepEqual(await rows(`SELECT count(*)::int AS n FROM before_name`), [{ n: 2 }])
  })

  it('setTableComment sets and clears; the reverse restores the previous comment', async () => {
    const { conn } = ctx()
    await conn.execute(`CREATE TABLE commented (id integer)`)
    const set = new SetTableCommentOp('commented', "it's here", null)
    await apply(conn, set)
    assert.equal((await reflectTable(conn, 'commented', null))?.comment, "it's here")
    await apply(conn, set.reverse())
    assert.equal((await reflectTable(conn, 'commented', null))?.comment, null)
  })

  it('addColumn fills existing rows with the default; its reverse drops it', async () => {
    const { conn } = ctx()
    await conn.execute(`CREATE TABLE growing (id integer)`)
    await conn.execute(`INSERT INTO growing VALUES (1), (2)`)
    const op = new AddColumnOp('growing', { name: 'status', type: { kind: 'text' }, nullable: false, default: { kind: 'literal', value: 'new' }, comment: 'state' })
    await apply(conn, op)
    assert.deepEqual(await rows(`SELECT status FROM growing ORDER BY id`), [{ status: 'new' }, { status: 'new' }])
    assert.deepEqual((await column('growing', 'status'))?.default, { kind: 'literal', value: 'new' })
    assert.equal((await column('growing', 'status'))?.comment, 'state')
    await apply(conn, op.reverse())
    assert.equal(await column('growing', 'status'), undefined)
  })

  it('addColumn with autoincrement numbers existing rows', async () => {
    const { conn } = ctx()
    await conn.execute(`CREATE TABLE numbered (name text)`)
    await conn.execute(`INSERT INTO numbered VALUES ('a'), ('b')`)
    await apply(conn, new AddColumnOp('numbered', { name: 'id', type: { kind: 'bigint' }, nullable: false, autoincrement: 'always' }))
    assert.deepEqual(await rows(`SELECT id::int FROM numbered ORDER BY id`), [{ id: 1 }, { id: 2 }])
    assert.equal((await column('numbered', 'id'))?.autoincrement, 'always')
  })

  it('dropColumn reverses to the same column', async () => {
    const { conn } = ctx()
    await conn.execute(`CREATE TABLE shrinking (id integer, note varchar(30) DEFAULT 'x' NOT NULL)`)
    const before = await column('shrinking', 'note')
    const op = new DropColumnOp('shrinking', 'note', null, before)
    await apply(conn, op)
    assert.equal(await column('shrinking', 'note'), undefined)
    await apply(conn, op.reverse())
    assert.deepEqual(await column('shrinking', 'note'), before)
  })

  it('renameColumn keeps data and reverses', async () => {
    const { conn } = ctx()
    await conn.execute(`CREATE TABLE renaming (old_name text)`)
    await conn.execute(`INSERT INTO renaming VALUES ('kept')`)
    const op = new RenameColumnOp('renaming', 'old_name', 'New "Name"')
    await apply(conn, op)
    assert.deepEqual(await rows(`SELECT "New ""Name""" AS v FROM renaming`), [{ v: 'kept' }])
    await apply(conn, op.reverse())
    assert.deepEqual(await rows(`SELECT old_name AS v FROM renaming`), [{ v: 'kept' }])
  })

  describe('alterColumn', () => {
    it('widens a varchar keeping rows, and narrows it back', async () => {
      const { conn } = ctx()
      await conn.execute(`CREATE TABLE widen (v varchar(5))`)
      await conn.execute(`INSERT INTO widen VALUES ('abc')`)
      const op = new AlterColumnOp('widen', 'v', { type: { kind: 'varchar', length: 50 } }, { type: { kind: 'varchar', length: 5 } })
      const sql = await apply(conn, op)
      assert.ok(!sql.join(' ').includes('USING'), 'no cast needed within text types')
      assert.deepEqual((await column('widen', 'v'))?.type, { kind: 'varchar', length: 50 })
      await apply(conn, op.reverse())
      assert.deepEqual((await column('widen', 'v'))?.type, { kind: 'varchar', length: 5 })
      assert.deepEqual(await rows(`SELECT v FROM widen`), [{ v: 'abc' }])
    })

    it('text → integer casts with USING, integer → text does not', async () => {
      const { conn } = ctx()
      await conn.execute(`CREATE TABLE casting (n text)`)
      await conn.execute(`INSERT INTO casting VALUES ('12'), ('-3')`)
      const op = new AlterColumnOp('casting', 'n', { type: { kind: 'integer' } }, { type: { kind: 'text' } })
      const sql = await apply(conn, op)
      assert.match(sql.join('\n'), /TYPE integer USING "n"::integer/)
      assert.deepEqual(await rows(`SELECT n FROM casting ORDER BY n`), [{ n: -3 }, { n: 12 }])
      const back = await apply(conn, op.reverse())
      assert.ok(!back.join(' ').includes('USING'))
      assert.deepEqual(await rows(`SELECT n FROM casting ORDER BY n`), [{ n: '-3' }, { n: '12' }])
    })

    it('uses op.using verbatim', async () => {
      const { conn } = ctx()
      await conn.execute(`CREATE TABLE custom_cast (flag text)`)
      await conn.execute(`INSERT INTO custom_cast VALUES ('yes'), ('no')`)
      const op = new AlterColumnOp('custom_cast', 'flag', { type: { kind: 'boolean' } }, { type: { kind: 'text' } }, null, `flag = 'yes'`)
      await apply(conn, op)
      assert.deepEqual(await rows(`SELECT flag FROM custom_cast ORDER BY flag`), [{ flag: false }, { flag: true }])
    })

    it('keeps a default across a type change', async () => {
      const { conn } = ctx()
      await conn.execute(`CREATE TABLE keep_default (code text DEFAULT '5', label varchar(10) DEFAULT 'x')`)
      await apply(conn, new AlterColumnOp('keep_default', 'code', { type: { kind: 'integer' } }))
      await apply(conn, new AlterColumnOp('keep_default', 'label', { type: { kind: 'text' } }))
      assert.deepEqual((await column('keep_default', 'code'))?.default, { kind: 'literal', value: 5 })
      assert.deepEqual((await column('keep_default', 'label'))?.default, { kind: 'literal', value: 'x' })
      await conn.execute(`INSERT INTO keep_default DEFAULT VALUES`)
      assert.deepEqual(await rows(`SELECT code, label FROM keep_default`), [{ code: 5, label: 'x' }])
    })

    it('changes nullability, default and comment, and reverses each', async () => {
      const { conn } = ctx()
      await conn.execute(`CREATE TABLE facts (v integer)`)
      await conn.execute(`INSERT INTO facts VALUES (1)`)
      const op = new AlterColumnOp(
        'facts',
        'v',
        { nullable: false, default: { kind: 'literal', value: 7 }, comment: 'seven' },
        { nullable: true, default: null, comment: null },
      )
      await apply(conn, op)
      let v = await column('facts', 'v')
      assert.equal(v?.nullable, false)
      assert.deepEqual(v?.default, { kind: 'literal', value: 7 })
      assert.equal(v?.comment, 'seven')
      await apply(conn, op.reverse())
      v = await column('facts', 'v')
      assert.equal(v?.nullable, true)
      assert.equal(v?.default, null)
      assert.equal(v?.comment, null)
      assert.deepEqual(await rows(`SELECT v FROM facts`), [{ v: 1 }])
    })

    it('adds an identity to a populated column (sequence past the rows), reverses to none', async () => {
      const { conn } = ctx()
      await conn.execute(`CREATE TABLE ident (id integer, name text)`)
      await conn.execute(`INSERT INTO ident VALUES (1, 'a'), (5, 'b')`)
      const op = new AlterColumnOp('ident', 'id', { autoincrement: 'by-default' }, { autoincrement: false })
      await apply(conn, op)
      assert.equal((await column('ident', 'id'))?.autoincrement, 'by-default')
      await conn.execute(`INSERT INTO ident (name) VALUES ('c')`)
      assert.deepEqual(await rows(`SELECT id FROM ident WHERE name = 'c'`), [{ id: 6 }])
      await apply(conn, op.reverse())
      assert.equal((await column('ident', 'id'))?.autoincrement, undefined)
      assert.equal(await rows(`SELECT count(*)::int AS n FROM ident`).then((r) => r[0]?.n), 3)
    })

    it('switches an identity between ALWAYS and BY DEFAULT', async () => {
      const { conn } = ctx()
      await conn.execute(`CREATE TABLE ident2 (id integer GENERATED BY DEFAULT AS IDENTITY)`)
      const op = new AlterColumnOp('ident2', 'id', { autoincrement: 'always' }, { autoincrement: 'by-default' })
      await apply(conn, op)
      assert.equal((await column('ident2', 'id'))?.autoincrement, 'always')
      await assert.rejects(conn.execute(`INSERT INTO ident2 (id) VALUES (10)`), /GENERATED ALWAYS|cannot insert/i)
      await apply(conn, op.reverse())
      assert.equal((await column('ident2', 'id'))?.autoincrement, 'by-default')
    })

    it('turns a serial into an identity, dropping the old sequence', async () => {
      const { conn } = ctx()
      await conn.execute(`CREATE TABLE legacy (id serial PRIMARY KEY, name text)`)
      await conn.execute(`INSERT INTO legacy (name) VALUES ('a'), ('b'), ('c')`)
      assert.equal((await column('legacy', 'id'))?.autoincrement, true)
      await apply(conn, new AlterColumnOp('legacy', 'id', { autoincrement: 'by-default' }, { autoincrement: true }))
      assert.equal((await column('legacy', 'id'))?.autoincrement, 'by-default')
      // One sequence left, and it belongs to the identity (deptype 'i'), not to a serial ('a').
      const owned = `SELECT d.deptype FROM pg_depend d JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S' WHERE d.refobjid = 'legacy'::regclass`
      assert.deepEqual(await rows(owned), [{ deptype: 'i' }])
      await conn.execute(`INSERT INTO legacy (name) VALUES ('d')`)
      assert.deepEqual(await rows(`SELECT id FROM legacy WHERE name = 'd'`), [{ id: 4 }])
    })

    it('removes a serial default and its sequence', async () => {
      const { conn } = ctx()
      await conn.execute(`CREATE TABLE legacy2 (id serial, name text)`)
      await apply(conn, new AlterColumnOp('legacy2', 'id', { autoincrement: false }, { autoincrement: true }))
      const id = await column('legacy2', 'id')
      assert.equal(id?.autoincrement, undefined)
      assert.equal(id?.default, null)
      assert.deepEqual(await rows(`SELECT count(*)::int AS n FROM pg_class WHERE relname = 'legacy2_id_seq'`), [{ n: 0 }])
    })

    it('offline, decides USING from the replayed model', async () => {
      const model = { tables: [tableModel('offline_t', [{ name: 'n', type: { kind: 'text' }, nullable: true }])], enums: [] }
      const sql = await postgresDialect.compile(new AlterColumnOp('offline_t', 'n', { type: { kind: 'bigint' } }), offlineContext(model))
      assert.deepEqual(sql, [`ALTER TABLE "offline_t" ALTER COLUMN "n" TYPE bigint USING "n"::bigint`])
    })
  })

  it('refuses an identifier past 63 bytes, naming it', async () => {
    const long = 'x'.repeat(64)
    await assert.rejects(
      postgresDialect.compile(new AddColumnOp('t', { name: long, type: { kind: 'text' }, nullable: true }), offlineContext({ tables: [], enums: [] })),
      (error: Error) => error.message.includes(long) && /63/.test(error.message),
    )
    // 63 bytes is fine; multi-byte characters count as bytes.
    await postgresDialect.compile(new AddColumnOp('t', { name: 'y'.repeat(63), type: { kind: 'text' }, nullable: true }), offlineContext({ tables: [], enums: [] }))
    await assert.rejects(postgresDialect.compile(new RenameTableOp('t', 'é'.repeat(32)), offlineContext({ tables: [], enums: [] })), /64 bytes/)
  })
})
