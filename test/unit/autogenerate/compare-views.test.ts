import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { normalizeViewSql } from '../../../src/autogenerate/view-sql.js'
import { withoutDatabaseQualifier } from '../../../src/dialects/mysql/mysql-views.js'
import { parseCreateView } from '../../../src/dialects/sqlite/sqlite-views.js'
import { parseCreateTrigger } from '../../../src/dialects/sqlite/sqlite-triggers.js'
import { reflectedView, viewRecordJson } from '../../../src/dialects/shared/view-record.js'
import type { CreateViewOp, DropViewOp, ReplaceViewOp } from '../../../src/operations/index.js'
import { integer, text } from '../../../src/schema/columns.js'
import { sql } from '../../../src/schema/sql.js'
import { table } from '../../../src/schema/table.js'
import { view } from '../../../src/schema/view.js'
import { assertRoundTrip, compare, messages, model, reflect } from './support.js'

const people = table('people', { id: integer().primaryKey(), name: text() })

describe('view SQL normalisation', () => {
  it('ignores whitespace, comments, keyword case, identifier quotes and a trailing semicolon', () => {
    const a = normalizeViewSql('select id, name from people where name = \'Ada\'')
    assert.equal(normalizeViewSql('SELECT "id",\n  `NAME` -- who\n FROM [people] /* all */ WHERE name=\'Ada\';'), a)
  })
  it('keeps string literals exactly', () => {
    assert.notEqual(normalizeViewSql("select 'Ada'"), normalizeViewSql("select 'ADA'"))
    assert.equal(normalizeViewSql("select 'it''s'"), "select 'it''s'")
  })
  it('keeps numbers whole and qualified names apart', () => {
    assert.equal(normalizeViewSql('select p.id * 1.5 from people p'), 'select p . id * 1.5 from people p')
  })
})

describe('SQLite CREATE VIEW parsing', () => {
  it('reads the column list and the SELECT as written', () => {
    assert.deepEqual(parseCreateView('CREATE VIEW "v x" ("a", [b]) AS\nselect 1, 2;'), { columns: ['a', 'b'], definition: 'select 1, 2' })
    assert.deepEqual(parseCreateView('create temp view if not exists main.v as select "as"'), { columns: null, definition: 'select "as"' })
  })
})

describe('SQLite CREATE TRIGGER parsing', () => {
  it('reads timing, event, UPDATE OF columns, table, WHEN and body as written', () => {
    assert.deepEqual(parseCreateTrigger('create trigger if not exists [t 1] instead of update of a, "b, c" ,[d] on "my ""t"" able" for each row when new.a > 1 begin\n  select 1;\n  select 2;\nend;'), {
      name: 't 1',
      table: 'my "t" able',
      timing: 'instead of',
      events: ['update'],
      updateOf: ['a', 'b, c', 'd'],
      forEach: 'row',
      when: 'new.a > 1',
      body: 'select 1;\n  select 2',
    })
  })
  it('takes BEFORE when no timing is written', () => {
    assert.equal(parseCreateTrigger('CREATE TRIGGER t DELETE ON x BEGIN select 1; END')?.timing, 'before')
  })
})

describe('recorded view declarations', () => {
  const facts = { name: 'v', schema: null, serverDefinition: ' SELECT people.id\n   FROM people;', fingerprint: 'f1', checkOption: null }
  it('reads the declared text back while the server text is the one recorded', () => {
    const json = viewRecordJson({ name: 'v', definition: 'select id from people', columns: ['pid'] })
    assert.deepEqual(reflectedView(facts, { fingerprint: 'f1', json }), { name: 'v', schema: null, definition: 'select id from people', columns: ['pid'] })
  })
  it("falls back to the server's text when the view was replaced by hand since", () => {
    const json = viewRecordJson({ name: 'v', definition: 'select id from people' })
    assert.equal(reflectedView(facts, { fingerprint: 'other', json }).definition, 'SELECT people.id\n   FROM people')
  })
})

describe('compare: views', () => {
  const v = (text: string, options = {}) => view('people_names', sql([text] as unknown as TemplateStringsArray), options)

  it('adds views after the tables, a view after the view it reads', async () => {
    const target = model(people, view('b_names', sql`select name from a_people`), view('a_people', sql`select * from people`))
    const changes = await compare(target, reflect(model()))
    assert.deepEqual(messages(changes), ["added table 'people'", "added view 'a_people'", "added view 'b_names'"])
    await assertRoundTrip(target, reflect(model()))
  })

  it('finds nothing for the same view spelled another way', async () => {
    const changes = await compare(model(people, v('SELECT "name"\n FROM people;')), reflect(model(people, v('select name from people'))))
    assert.deepEqual(messages(changes), [])
  })

  it('replaces a changed view, carrying the old definition for the downgrade', async () => {
    const changes = await compare(model(people, v('select id, name from people')), reflect(model(people, v('select name from people'))))
    assert.deepEqual(messages(changes), ["changed definition of view 'people_names'"])
    const op = changes[0]!.operation as ReplaceViewOp
    assert.equal((op.reverse() as ReplaceViewOp).view.definition, 'select name from people')
  })

  it('a changed column list or check option is a change', async () => {
    const changes = await compare(model(people, v('select name from people', { columns: ['n'] })), reflect(model(people, v('select name from people'))))
    assert.deepEqual(messages(changes), ["changed definition of view 'people_names'"])
  })

  it('drops a view before the table it reads, and its reverse re-creates it', async () => {
    const changes = await compare(model(), reflect(model(people, v('select name from people'))))
    assert.deepEqual(messages(changes), ["removed view 'people_names'", "removed table 'people'"])
    assert.equal(((changes[0]!.operation as DropViewOp).reverse() as CreateViewOp).view.definition, 'select name from people')
  })

  it('re-creates a view (and a view reading it) around a retyped column it reads, not around other columns', async () => {
    const wide = table('people', { id: integer().primaryKey(), name: integer() })
    const reader = view('reader', sql`select * from people_names`)
    const changes = await compare(model(wide, v('select name from people'), reader), reflect(model(people, v('select name from people'), reader)))
    assert.deepEqual(messages(changes), [
      "dropped view 'reader' to re-create it around changes to view 'people_names'",
      "dropped view 'people_names' to re-create it around changes to 'people'",
      "changed type of column 'people.name'",
      "re-created view 'people_names' after changes to 'people'",
      "re-created view 'reader' after changes to view 'people_names'",
    ])
    await assertRoundTrip(model(wide, v('select name from people'), reader), reflect(model(people, v('select name from people'), reader)))
    const idOnly = await compare(model(table('people', { id: integer().primaryKey(), name: text(), age: integer() }), v('select id from people')), reflect(model(people, v('select id from people'))))
    assert.deepEqual(messages(idOnly), ["added column 'people.age'"])
  })
})

describe("MySQL view text: the current database's qualifier", () => {
  it('is dropped before names, and kept inside string literals, other names and other databases', () => {
    const server = "select `shop`.`orders`.`id` AS `id`,'`shop`.x' AS `s`,`shopping`.`t`.`a` AS `a`,`other`.`t`.`b` AS `b` from (`shop`.`orders` join `other`.`t`) where `shop`.`orders`.`note` <> 'it''s `shop`.' and `x` = \"`shop`.\""
    assert.equal(
      withoutDatabaseQualifier(server, 'shop'),
      "select `orders`.`id` AS `id`,'`shop`.x' AS `s`,`shopping`.`t`.`a` AS `a`,`other`.`t`.`b` AS `b` from (`orders` join `other`.`t`) where `orders`.`note` <> 'it''s `shop`.' and `x` = \"`shop`.\"",
    )
    assert.equal(withoutDatabaseQualifier('select `we``ird`.`t`.`a` AS `a` from `we``ird`.`t`', 'we`ird'), 'select `t`.`a` AS `a` from `t`')
    assert.equal(withoutDatabaseQualifier("select 'a\\'`shop`.' AS `x` from `shop`.`t`", 'shop'), "select 'a\\'`shop`.' AS `x` from `t`")
  })
})
