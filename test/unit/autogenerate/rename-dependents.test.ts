/**
 * Objects whose SQL names a table or column the plan renames: a changed trigger is dropped before the renames and
 * created after them (never replaced after them, which the downgrade would undo before renaming back); a prefix
 * index key part follows its column; a view still reading a dropped column is refused.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { readsQualified } from '../../../src/autogenerate/view-sql.js'
import { renameInIndexExpression } from '../../../src/operations/expression-names.js'
import { integer } from '../../../src/schema/columns.js'
import { trigger } from '../../../src/schema/routines.js'
import { sql } from '../../../src/schema/sql.js'
import { table } from '../../../src/schema/table.js'
import { view } from '../../../src/schema/view.js'
import { compare, kinds, model, reflect } from './support.js'

describe('objects naming renamed tables and columns', () => {
  const counters = (column: string, hint = false) => {
    const amount = hint ? integer().renamedFrom('n') : integer()
    return table('counters', { id: integer().primaryKey(), [column]: amount })
  }
  const bump = (t: ReturnType<typeof counters>, column: string) =>
    trigger('counters_bump', { table: t, timing: 'after', events: ['update'], updateOf: [column], body: sql`select 1` })

  it('a trigger naming a renamed column is dropped before the rename and created after it', async () => {
    const before = counters('n')
    const after = counters('amount', true)
    const changes = await compare(model(after, bump(after, 'amount')), reflect(model(before, bump(before, 'n'))))
    assert.deepEqual(kinds(changes), ['dropTrigger', 'renameColumn', 'createTrigger'])
  })

  it('a trigger changed without naming a renamed name is still replaced in place', async () => {
    const before = counters('n')
    const after = counters('amount', true)
    const other = (t: ReturnType<typeof counters>, events: Array<'update' | 'insert'>) =>
      trigger('counters_other', { table: t, timing: 'after', events, body: sql`select 2` })
    const changes = await compare(model(after, other(after, ['update', 'insert'])), reflect(model(before, other(before, ['update']))))
    assert.deepEqual(kinds(changes), ['renameColumn', 'replaceTrigger'])
  })

  it('refuses a view still reading a dropped column by a qualified name', async () => {
    const items = (withCode: boolean) => table('items', { id: integer().primaryKey(), ...(withCode ? { code: integer() } : {}) })
    const list = view('item_list', sql`select i.id, i.code from items as i`)
    await assert.rejects(compare(model(items(false), list), reflect(model(items(true), list))), {
      name: 'UsageError',
      message: "view 'item_list' reads column 'items.code', which the schema drops: change the view or keep the column",
    })
  })

  it('does not refuse a view reading a column dropped and added again (a generated column changed)', async () => {
    const items = (factor: number) => table('items', { id: integer().primaryKey(), code: integer().generatedAlwaysAs(sql`id * ${factor}`, { stored: true }) })
    const list = view('item_list', sql`select items.id, items.code from items`)
    const changes = await compare(model(items(3), list), reflect(model(items(2), list)))
    assert.deepEqual(kinds(changes), ['dropView', 'dropColumn', 'addColumn', 'createView'])
  })
})

describe('readsQualified', () => {
  it('finds table.column and alias.column of a table read directly', () => {
    assert.ok(readsQualified('select `t`.`code` AS `code` from `t`', 't', 'code'))
    assert.ok(readsQualified('SELECT x.code FROM s.t x JOIN u ON u.id = x.id', 't', 'code'))
    assert.ok(readsQualified('select a.id from u, t as a where a.code > 0', 't', 'code'))
  })
  it('says no for an unqualified name, another table, or another relation under the name', () => {
    assert.ok(!readsQualified('select code from t', 't', 'code'))
    assert.ok(!readsQualified('select u.code from t join u on u.id = t.id', 't', 'code'))
    assert.ok(!readsQualified('select t.code from (select 1 as code) t', 't', 'code'))
    assert.ok(!readsQualified('with t as (select 1 as code) select t.code from t', 't', 'code'))
    assert.ok(!readsQualified('select t.code from u', 't', 'code'))
  })
})

describe('renameInIndexExpression', () => {
  it('renames a column with a prefix length, and expressions as renameInExpression does', () => {
    assert.equal(renameInIndexExpression('code(20)', 'code', 'isbn'), 'isbn(20)')
    assert.equal(renameInIndexExpression('CODE (20) DESC', 'code', 'isbn'), 'isbn (20) DESC')
    assert.equal(renameInIndexExpression('`code`(20)', 'code', 'isbn'), '`isbn`(20)')
    assert.equal(renameInIndexExpression('code(20)', 'other', 'isbn'), 'code(20)')
    assert.equal(renameInIndexExpression('lower(code)', 'lower', 'l2'), 'lower(code)')
    assert.equal(renameInIndexExpression('(code + 1)', 'code', 'isbn'), '(isbn + 1)')
  })
})
