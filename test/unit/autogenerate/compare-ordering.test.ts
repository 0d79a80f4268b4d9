import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { AddForeignKeyOp, CreateTableOp, DropTableOp } from '../../../src/operations/index.js'
import { integer, text } from '../../../src/schema/columns.js'
import { check, foreignKey, index, unique } from '../../../src/schema/extras.js'
import { sqlFunction } from '../../../src/schema/routines.js'
import { sql } from '../../../src/schema/sql.js'
import { emptySchema } from '../../../src/schema/model.js'
import { table } from '../../../src/schema/table.js'
import { dependencyOrder } from '../../../src/autogenerate/ordering.js'
import { applyAll, assertRoundTrip, compare, enumeration, identityDialect, kinds, messages, model, reverseAll } from './support.js'

const fkTo = (name: string, column: string, target: string) => foreignKey({ name, columns: [column], references: { table: target, columns: ['id'] } })

describe('compare: order of operations', () => {
  it('creates tables in foreign-key order, foreign keys inline', async () => {
    const a = table('a', { id: integer().primaryKey(), c_id: integer() }, () => [fkTo('fk_a_c', 'c_id', 'c')])
    const b = table('b', { id: integer().primaryKey() })
    const c = table('c', { id: integer().primaryKey(), b_id: integer() }, () => [fkTo('fk_c_b', 'b_id', 'b')])
    const changes = await assertRoundTrip(model(a, b, c), emptySchema())
    assert.deepEqual(messages(changes), ["added table 'b'", "added table 'c'", "added table 'a'"])
    assert.equal((changes[2]!.operation as CreateTableOp).table.foreignKeys.length, 1)
  })

  it('breaks a foreign-key cycle with a foreign key added after both tables; a self reference stays inline', async () => {
    const a = table('a', { id: integer().primaryKey(), b_id: integer(), parent: integer() }, () => [fkTo('fk_a_b', 'b_id', 'b'), fkTo('fk_a_a', 'parent', 'a')])
    const b = table('b', { id: integer().primaryKey(), a_id: integer() }, () => [fkTo('fk_b_a', 'a_id', 'a')])
    const target = model(a, b)
    const changes = await assertRoundTrip(target, emptySchema())
    assert.deepEqual(messages(changes), ["added table 'a'", "added table 'b'", "added foreign key 'fk_a_b' on 'a'"])
    assert.deepEqual((changes[0]!.operation as CreateTableOp).table.foreignKeys.map((f) => f.name), ['fk_a_a'])
    // Dropping the cycle: the foreign key first, then the tables, each carrying what it is at that moment.
    const dropped = await assertRoundTrip(emptySchema(), target)
    assert.deepEqual(messages(dropped), ["removed foreign key 'fk_a_b' on 'a'", "removed table 'b'", "removed table 'a'"])
    assert.deepEqual((dropped[2]!.operation as DropTableOp).table?.foreignKeys.map((f) => f.name), ['fk_a_a'])
  })

  it('creates a function a CHECK, a default or an index expression calls before its table; drops it after', async () => {
    const fn = (name: string) => sqlFunction(name, { args: 'j integer', returns: 'boolean', language: 'sql', body: 'select j > 0' })
    const jobs = table('jobs', { id: integer().primaryKey(), n: integer().default(sql`pick_n()`) }, (c) => [
      check('valid_n', sql`"Ok_N"(n)`),
      index('ix_expr').on(sql`public.ix_fn(${c.n})`),
    ])
    const target = model(fn('Ok_N'), fn('pick_n'), fn('ix_fn'), fn('unused'), jobs)
    const changes = await assertRoundTrip(target, emptySchema())
    assert.deepEqual(messages(changes), [
      "added function 'Ok_N'",
      "added function 'ix_fn'",
      "added function 'pick_n'",
      "added table 'jobs'",
      "added function 'unused'",
    ])
    // The downgrade (the reverse, in reverse order) drops the table first, then the functions it called.
    assert.deepEqual(
      reverseAll(changes.map((c) => c.operation)).map((op) => op.describe()),
      ["removed function 'unused'", "removed table 'jobs'", "removed function 'pick_n'", "removed function 'ix_fn'", "removed function 'Ok_N'"],
    )
    // Dropped together: the table (and its check) before the function it calls.
    assert.deepEqual(messages(await assertRoundTrip(model(fn('unused')), target)), [
      "removed table 'jobs'",
      "removed function 'Ok_N'",
      "removed function 'ix_fn'",
      "removed function 'pick_n'",
    ])
  })

  it('adds a function before the CHECK on an existing table that calls it', async () => {
    const fn = sqlFunction('positive', { args: 'j integer', returns: 'boolean', language: 'sql', body: 'select j > 0' })
    const plain = table('t', { id: integer().primaryKey(), n: integer() })
    const checked = table('t', { id: integer().primaryKey(), n: integer() }, () => [check('ck_n', sql`positive(n)`)])
    assert.deepEqual(messages(await assertRoundTrip(model(fn, checked), model(plain))), ["added function 'positive'", "added check constraint 'ck_n' on 't'"])
    assert.deepEqual(messages(await assertRoundTrip(model(plain), model(fn, checked))), ["removed check constraint 'ck_n' on 't'", "removed function 'positive'"])
  })

  it('drops a function after the altered column whose old default called it (the downgrade creates it first)', async () => {
    const fn = sqlFunction('pick_n', { returns: 'integer', language: 'sql', body: 'select 1' })
    const calling = table('t', { id: integer().primaryKey(), n: integer().default(sql`pick_n()`) })
    const plain = table('t', { id: integer().primaryKey(), n: integer().default(0) })
    const changes = await assertRoundTrip(model(plain), model(fn, calling))
    assert.deepEqual(messages(changes), ["changed default of column 't.n'", "removed function 'pick_n'"])
    assert.deepEqual(reverseAll(changes.map((c) => c.operation)).map((op) => op.describe()), ["added function 'pick_n'", "changed default of column 't.n'"])
  })

  it('drops referencing tables before the tables they reference', async () => {
    const a = table('a', { id: integer().primaryKey() })
    const b = table('b', { id: integer().primaryKey(), a_id: integer() }, () => [fkTo('fk_b_a', 'a_id', 'a')])
    const c = table('c', { id: integer().primaryKey(), b_id: integer() }, () => [fkTo('fk_c_b', 'b_id', 'b')])
    assert.deepEqual(messages(await assertRoundTrip(emptySchema(), model(a, b, c))), ["removed table 'c'", "removed table 'b'", "removed table 'a'"])
  })

  it('drops a kept table’s foreign key before dropping the table it references', async () => {
    const a = table('a', { id: integer().primaryKey() })
    const b = table('b', { id: integer().primaryKey(), a_id: integer() }, () => [fkTo('fk_b_a', 'a_id', 'a')])
    const bAlone = table('b', { id: integer().primaryKey(), a_id: integer() })
    assert.deepEqual(messages(await assertRoundTrip(model(bAlone), model(a, b))), ["removed foreign key 'fk_b_a' on 'b'", "removed table 'a'"])
  })

  it('drops indexes and constraints before their columns; adds columns before indexes on them', async () => {
    const before = model(table('t', { id: integer(), old: text() }, (c) => [index('ix_old').on(c.old), unique('uq_old').on(c.old)]))
    const after = model(table('t', { id: integer(), fresh: text() }, (c) => [index('ix_fresh').on(c.fresh)]))
    assert.deepEqual(messages(await assertRoundTrip(after, before)), [
      "removed unique constraint 'uq_old' on 't'",
      "removed index 'ix_old' on 't'",
      "added column 't.fresh'",
      "added index 'ix_fresh' on 't'",
      "removed column 't.old'",
    ])
  })

  it('drops a table before dropping a column its foreign key pointed at (and the downgrade mirrors it)', async () => {
    const before = model(
      table('a', { id: integer().primaryKey(), code: integer() }, (c) => [unique('uq_a_code').on(c.code)]),
      table('b', { id: integer(), a_code: integer() }, () => [foreignKey({ name: 'fk_b_a', columns: ['a_code'], references: { table: 'a', columns: ['code'] } })]),
    )
    const after = model(table('a', { id: integer().primaryKey() }))
    assert.deepEqual(kinds(await assertRoundTrip(after, before)), ['dropUnique', 'dropTable', 'dropColumn'])
  })

  it('adds foreign keys of existing tables after the tables they reference are created', async () => {
    const before = model(table('posts', { id: integer().primaryKey(), tag_id: integer() }))
    const after = model(table('posts', { id: integer().primaryKey(), tag_id: integer() }, () => [fkTo('fk_posts_tags', 'tag_id', 'tags')]), table('tags', { id: integer().primaryKey() }))
    assert.deepEqual(kinds(await assertRoundTrip(after, before)), ['createTable', 'addForeignKey'])
  })

  it('defers a new table’s foreign key that needs a key this migration adds to an existing table', async () => {
    const before = model(table('users', { id: integer(), code: integer() }))
    const after = model(
      table('users', { id: integer(), code: integer() }, (c) => [unique('uq_users_code').on(c.code)]),
      table('badges', { id: integer(), user_code: integer() }, () => [foreignKey({ name: 'fk_badges_users', columns: ['user_code'], references: { table: 'users', columns: ['code'] } })]),
    )
    const changes = await assertRoundTrip(after, before)
    assert.deepEqual(kinds(changes), ['createTable', 'addUnique', 'addForeignKey'])
    assert.deepEqual((changes[0]!.operation as CreateTableOp).table.foreignKeys, [])
    assert.equal((changes[2]!.operation as AddForeignKeyOp).object.name, 'fk_badges_users')
  })

  it('keeps inline a new table’s foreign key onto a key that exists, even when the table gains another one', async () => {
    const before = model(table('users', { id: integer().primaryKey(), code: integer() }))
    const after = model(
      table('users', { id: integer().primaryKey(), code: integer() }, (c) => [unique('uq_users_code').on(c.code)]),
      table('badges', { id: integer(), user_id: integer() }, () => [foreignKey({ name: 'fk_badges_users', columns: ['user_id'], references: { table: 'users', columns: ['id'] } })]),
    )
    const changes = await assertRoundTrip(after, before)
    assert.deepEqual(kinds(changes), ['createTable', 'addUnique'])
    assert.equal((changes[0]!.operation as CreateTableOp).table.foreignKeys.length, 1)
  })

  it('orders a whole migration: schemas, enums, renames, drops of keys, creations, alterations, additions, drops', async () => {
    const mood = enumeration('mood', ['a', 'b'], { schema: 'app' })
    const before = model(
      table('kept', { id: integer().primaryKey(), old: text(), n: integer() }, (c) => [index('ix_kept_old').on(c.old)], { schema: 'app' }),
      table('renamed_from', { id: integer() }, { schema: 'app' }),
      table('gone', { id: integer() }, { schema: 'app' }),
    )
    before.enums.push({ name: 'old_enum', schema: 'app', values: ['x'] })
    const after = model(
      mood,
      table('kept', { id: integer().primaryKey(), n: integer().notNull(), feeling: mood() }, (c) => [index('ix_kept_n').on(c.n)], { schema: 'app', comment: 'Kept' }),
      table('renamed_to', { id: integer() }, { schema: 'app', renamedFrom: 'renamed_from' }),
      table('fresh', { id: integer() }, { schema: 'audit' }),
    )
    const changes = await assertRoundTrip(after, before, { managedSchemas: ['app', 'audit'] })
    assert.deepEqual(messages(changes), [
      "added schema 'audit'",
      "added enum 'app.mood'",
      "renamed table 'app.renamed_from' to 'renamed_to'",
      "removed index 'ix_kept_old' on 'app.kept'",
      "added table 'audit.fresh'",
      "added column 'app.kept.feeling'",
      "changed nullability of column 'app.kept.n'",
      "changed comment on table 'app.kept'",
      "added index 'ix_kept_n' on 'app.kept'",
      "removed table 'app.gone'",
      "removed column 'app.kept.old'",
      "removed enum 'app.old_enum'",
    ])
  })

  it('creates and drops schemas only among the managed ones, and never a schema that keeps objects', async () => {
    const inAudit = model(table('log', { id: integer() }, { schema: 'audit' }))
    assert.deepEqual(kinds(await compare(inAudit, emptySchema())), ['createTable'])
    assert.deepEqual(kinds(await compare(inAudit, emptySchema(), { managedSchemas: ['public', 'audit'] })), ['createSchema', 'createTable'])
    assert.deepEqual(kinds(await assertRoundTrip(emptySchema(), inAudit, { managedSchemas: ['public', 'audit'] })), ['dropTable', 'dropSchema'])
    assert.deepEqual(kinds(await compare(emptySchema(), inAudit, { managedSchemas: ['public', 'audit'], exclude: ['log'] })), [])
    assert.deepEqual(kinds(await compare(emptySchema(), inAudit, { managedSchemas: ['audit'] })), ['dropTable'])
    assert.deepEqual(kinds(await compare(inAudit, emptySchema(), { managedSchemas: ['public', 'audit'], dialect: identityDialect('mysql') })), ['createTable'])
  })

  it('orders a three-table cycle, deferring one foreign key, and scales to thousands of tables', () => {
    const t = (name: string, refs: string[]) => model(table(name, { id: integer().primaryKey(), ...Object.fromEntries(refs.map((r) => [`${r}_id`, integer()])) }, () => refs.map((r) => fkTo(`fk_${name}_${r}`, `${r}_id`, r)))).tables[0]!
    const { order, deferred } = dependencyOrder([t('c', ['a']), t('a', ['b']), t('b', ['c']), t('z', [])])
    assert.deepEqual(order.map((x) => x.name), ['z', 'a', 'c', 'b'])
    assert.deepEqual([...deferred].map(([k, fks]) => [k, fks.map((f) => f.name)]), [['a', ['fk_a_b']]])
    const chain = Array.from({ length: 3000 }, (_, i) => t(`t${String(i).padStart(4, '0')}`, i < 2999 ? [`t${String(i + 1).padStart(4, '0')}`] : []))
    const started = performance.now()
    const big = dependencyOrder(chain)
    assert.ok(performance.now() - started < 2000, 'fast')
    assert.equal(big.order[0]!.name, 't2999')
    assert.equal(big.deferred.size, 0)
  })

  it('is deterministic whatever the order of the inputs', async () => {
    const tables = ['d', 'b', 'a', 'c'].map((n) => table(n, { id: integer() }))
    const one = await compare(model(...tables), emptySchema())
    const two = await compare(model(...[...tables].reverse()), emptySchema())
    assert.deepEqual(messages(one), ["added table 'a'", "added table 'b'", "added table 'c'", "added table 'd'"])
    assert.deepEqual(messages(two), messages(one))
  })

  it('reverses every operation, giving back the starting database', async () => {
    const before = model(table('t', { id: integer().primaryKey(), a: text().comment('x') }, (c) => [index('ix_a').on(c.a)]), table('u', { id: integer() }))
    const after = model(table('t', { id: integer().primaryKey(), a: integer().notNull(), b: text() }, { comment: 'T' }), table('v', { id: integer() }))
    const ops = (await compare(after, before)).map((c) => c.operation)
    const back = applyAll(applyAll(before, ops), reverseAll(ops))
    assert.deepEqual(await compare(before, back), [])
  })
})
