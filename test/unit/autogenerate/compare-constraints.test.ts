import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { AddForeignKeyOp, DropCheckOp, DropForeignKeyOp, DropIndexOp, DropPrimaryKeyOp, DropUniqueOp } from '../../../src/operations/index.js'
import { integer, text, varchar } from '../../../src/schema/columns.js'
import { check, foreignKey, index, primaryKey, unique, uniqueIndex } from '../../../src/schema/extras.js'
import type { SchemaModel } from '../../../src/schema/model.js'
import { table } from '../../../src/schema/table.js'
import { assertRoundTrip, compare, kinds, messages, model, sql } from './support.js'

const users = () => table('users', { id: integer().primaryKey(), email: text(), name: text() })

describe('compare: keys, indexes and constraints', () => {
  it('changes the primary key by its columns, ignoring its name', async () => {
    const before = model(table('t', { a: integer().notNull(), b: integer().notNull() }, (t) => [primaryKey({ name: 'pk_old', columns: [t.a] })]))
    const renamedOnly = model(table('t', { a: integer().notNull(), b: integer().notNull() }, (t) => [primaryKey({ name: 'pk_new', columns: [t.a] })]))
    assert.deepEqual(await compare(renamedOnly, before), [])
    const widened = model(table('t', { a: integer().notNull(), b: integer().notNull() }, (t) => [primaryKey({ name: 'pk_t', columns: [t.a, t.b] })]))
    const changes = await assertRoundTrip(widened, before)
    assert.deepEqual(messages(changes), ["removed primary key on 't'", "added primary key (a, b) on 't'"])
    assert.deepEqual((changes[0]!.operation as DropPrimaryKeyOp).primaryKey, { name: 'pk_old', columns: ['a'] })
    assert.equal(changes[1]!.warning, "adds primary key on 't' (fails on duplicates or NULLs; blocks the table while the index builds)")
    const dropped = model(table('t', { a: integer().notNull(), b: integer().notNull() }))
    assert.deepEqual(messages(await assertRoundTrip(dropped, before)), ["removed primary key on 't'"])
    assert.deepEqual(messages(await assertRoundTrip(before, dropped)), ["added primary key (a) on 't'"])
  })

  it('treats a reordered primary key as a change', async () => {
    const ab = model(table('t', { a: integer(), b: integer() }, (t) => [primaryKey({ columns: [t.a, t.b] })]))
    const ba = model(table('t', { a: integer(), b: integer() }, (t) => [primaryKey({ columns: [t.b, t.a] })]))
    assert.deepEqual(kinds(await assertRoundTrip(ba, ab)), ['dropPrimaryKey', 'addPrimaryKey'])
  })

  it('adds, drops and changes unique constraints', async () => {
    const before = model(table('t', { a: integer(), b: integer(), c: integer() }, (t) => [unique('uq_a').on(t.a), unique('uq_b').on(t.b)]))
    const after = model(table('t', { a: integer(), b: integer(), c: integer() }, (t) => [unique('uq_b').on(t.b, t.c), unique('uq_c').on(t.c)]))
    const changes = await assertRoundTrip(after, before)
    assert.deepEqual(messages(changes), [
      "removed unique constraint 'uq_a' on 't'",
      "removed unique constraint 'uq_b' on 't'",
      "added unique constraint 'uq_b' on 't'",
      "added unique constraint 'uq_c' on 't'",
    ])
    assert.deepEqual((changes[0]!.operation as DropUniqueOp).object, { name: 'uq_a', columns: ['a'] })
    assert.equal(changes[3]!.warning, "adds unique constraint 'uq_c' on 't' (fails if existing rows hold duplicates)")
  })

  it('changes indexes on uniqueness, elements and their order, expressions and predicates', async () => {
    const base = () => model(table('t', { a: integer(), b: text() }, (t) => [index('ix').on(t.a, t.b)]))
    const variants: Array<[string, SchemaModel]> = [
      ['unique', model(table('t', { a: integer(), b: text() }, (t) => [uniqueIndex('ix').on(t.a, t.b)]))],
      ['order', model(table('t', { a: integer(), b: text() }, (t) => [index('ix').on(t.b, t.a)]))],
      ['elements', model(table('t', { a: integer(), b: text() }, (t) => [index('ix').on(t.a)]))],
      ['expression', model(table('t', { a: integer(), b: text() }, (t) => [index('ix').on(t.a, sql`lower(b)`)]))],
      ['where', model(table('t', { a: integer(), b: text() }, (t) => [index('ix').on(t.a, t.b).where(sql`a > 0`)]))],
    ]
    for (const [label, after] of variants) {
      const changes = await assertRoundTrip(after, base())
      assert.deepEqual(messages(changes), ["removed index 'ix' on 't'", "added index 'ix' on 't'"], label)
      assert.deepEqual((changes[0]!.operation as DropIndexOp).object, base().tables[0]!.indexes[0], label)
    }
  })

  it('compares index expressions and predicates through normalizeExpression', async () => {
    const a = model(table('t', { a: integer(), b: text() }, () => [index('ix').on(sql`LOWER(b)`).where(sql`a  >  0`)]))
    const b = model(table('t', { a: integer(), b: text() }, () => [index('ix').on(sql`lower(b)`).where(sql`A > 0`)]))
    assert.deepEqual(await compare(a, b), [])
    assert.deepEqual(messages(await assertRoundTrip(model(table('t', { a: integer(), b: text() })), a)), ["removed index 'ix' on 't'"])
  })

  it('warns when it creates a unique index', async () => {
    const after = model(table('t', { a: integer() }, (t) => [uniqueIndex('ux').on(t.a)]))
    const changes = await assertRoundTrip(after, model(table('t', { a: integer() })))
    assert.equal(changes[0]!.warning, "creates unique index 'ux' on 't' (fails if existing rows hold duplicates)")
  })

  it('adds, drops and changes foreign keys', async () => {
    const posts = (options: Parameters<typeof foreignKey>[0] | null) =>
      table('posts', { id: integer().primaryKey(), authorId: integer('author_id'), editor: text() }, () => (options ? [foreignKey(options)] : []))
    const fk = { name: 'fk_posts_author', columns: ['author_id'], references: { table: 'users', columns: ['id'] } }
    const plain = model(users(), posts(fk))
    const none = model(users(), posts(null))
    const added = await assertRoundTrip(plain, none)
    assert.deepEqual(messages(added), ["added foreign key 'fk_posts_author' on 'posts'"])
    assert.deepEqual((added[0]!.operation as AddForeignKeyOp).object, {
      name: 'fk_posts_author',
      columns: ['author_id'],
      referencedTable: 'users',
      referencedColumns: ['id'],
    })
    const removed = await assertRoundTrip(none, plain)
    assert.deepEqual(messages(removed), ["removed foreign key 'fk_posts_author' on 'posts'"])
    assert.equal((removed[0]!.operation as DropForeignKeyOp).object?.referencedTable, 'users')
    const cascade = model(users(), posts({ ...fk, onDelete: 'cascade' }))
    assert.deepEqual(messages(await assertRoundTrip(cascade, plain)), [
      "removed foreign key 'fk_posts_author' on 'posts'",
      "added foreign key 'fk_posts_author' on 'posts'",
    ])
    const other = model(users(), posts({ ...fk, references: { table: 'users', columns: ['email'] } }))
    assert.equal((await compare(other, plain)).length, 2)
  })

  it("treats null, absent and 'no action' referential actions as the same; no schema means the default schema", async () => {
    const plain = model(users(), table('posts', { authorId: integer('author_id') }, () => [foreignKey({ name: 'fk', columns: ['author_id'], references: { table: 'users', columns: ['id'] } })]))
    const explicit = structuredClone(plain)
    Object.assign(explicit.tables[1]!.foreignKeys[0]!, { onDelete: 'no action', onUpdate: null, deferrable: false, referencedSchema: null })
    assert.deepEqual(await compare(plain, explicit), [])
    assert.deepEqual(await compare(explicit, plain), [])
    const inSchema: SchemaModel = structuredClone(plain)
    for (const t of inSchema.tables) t.schema = 'app'
    // A key naming no schema points into the default schema (PostgreSQL writes it unqualified), not the table's own.
    const qualified = structuredClone(inSchema)
    qualified.tables[1]!.foreignKeys[0]!.referencedSchema = 'app'
    assert.deepEqual(kinds(await compare(inSchema, qualified)), ['dropForeignKey', 'addForeignKey'])
    assert.deepEqual(await compare(qualified, structuredClone(qualified)), [])
  })

  it('pairs constraints a database reflects without names by what they are', async () => {
    const target = model(users(), table('posts', { authorId: integer('author_id') }, () => [foreignKey({ name: 'fk', columns: ['author_id'], references: { table: 'users', columns: ['id'] } })]))
    const reflected = structuredClone(target)
    reflected.tables[1]!.foreignKeys[0]!.name = ''
    assert.deepEqual(await compare(target, structuredClone(reflected)), [])
    reflected.tables[1]!.foreignKeys[0]!.onDelete = 'cascade'
    assert.deepEqual(kinds(await compare(target, reflected)), ['dropForeignKey', 'addForeignKey'])
  })

  it('compares checks by name and normalised expression; a changed expression is drop + add', async () => {
    const ck = (expression: string) => model(table('t', { a: integer() }, () => [check('ck_a', expression)]))
    assert.deepEqual(await compare(ck('a >= 0'), ck('A   >= 0')), [])
    const changes = await assertRoundTrip(ck('a > 0'), ck('a >= 0'))
    assert.deepEqual(messages(changes), ["removed check constraint 'ck_a' on 't'", "added check constraint 'ck_a' on 't'"])
    assert.deepEqual((changes[0]!.operation as DropCheckOp).object, { name: 'ck_a', expression: 'a >= 0' })
    assert.equal(changes[1]!.warning, "adds check constraint 'ck_a' on 't' (fails if existing rows violate it)")
    assert.deepEqual(messages(await assertRoundTrip(model(table('t', { a: integer() })), ck('a > 0'))), ["removed check constraint 'ck_a' on 't'"])
  })

  it('keeps constraints of a column that only changes its type', async () => {
    const before = model(table('t', { a: varchar({ length: 5 }) }, (t) => [unique('uq').on(t.a), index('ix').on(t.a)]))
    const after = model(table('t', { a: varchar({ length: 9 }) }, (t) => [unique('uq').on(t.a), index('ix').on(t.a)]))
    assert.deepEqual(kinds(await assertRoundTrip(after, before)), ['alterColumn'])
  })
})
