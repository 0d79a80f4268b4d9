/**
 * Every operation kind against MariaDB: apply it, check the reflected effect equals the operation's effect on the
 * model (canonicalized), reverse it, check the schema is back, and that rows survive non-destructive changes.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { mysqlDialect } from '../../../src/dialects/mysql/mysql-dialect.js'
import {
  AddCheckOp,
  AddColumnOp,
  AddForeignKeyOp,
  AddPrimaryKeyOp,
  AddUniqueOp,
  AlterColumnOp,
  type AnyOperation,
  CreateIndexOp,
  CreateTableOp,
  DropColumnOp,
  DropForeignKeyOp,
  DropIndexOp,
  DropPrimaryKeyOp,
  DropTableOp,
  RenameColumnOp,
  RenameTableOp,
  SetTableCommentOp,
} from '../../../src/operations/index.js'
import type { SchemaModel, TableModel } from '../../../src/schema/model.js'
import { type MysqlTestContext, comparable, openMysql, tableOf } from './helpers.js'

const teams: TableModel = {
  name: 'teams',
  schema: null,
  columns: [
    { name: 'id', type: { kind: 'integer' }, nullable: false, autoincrement: true },
    { name: 'name', type: { kind: 'varchar', length: 50 }, nullable: false },
  ],
  primaryKey: { name: 'pk_teams', columns: ['id'] },
  indexes: [],
  uniques: [{ name: 'uq_teams_name', columns: ['name'] }],
  foreignKeys: [],
  checks: [],
  comment: null,
}

const people: TableModel = {
  name: 'people',
  schema: null,
  columns: [
    { name: 'id', type: { kind: 'integer' }, nullable: false, autoincrement: true },
    { name: 'name', type: { kind: 'varchar', length: 40 }, nullable: false, comment: 'full name' },
    { name: 'team_id', type: { kind: 'integer' }, nullable: true },
    { name: 'score', type: { kind: 'numeric', precision: 6, scale: 2 }, nullable: true, default: { kind: 'literal', value: 0 } },
    { name: 'note', type: { kind: 'text' }, nullable: true },
  ],
  primaryKey: { name: 'pk_people', columns: ['id'] },
  indexes: [],
  uniques: [],
  foreignKeys: [],
  checks: [],
  comment: 'people',
}

describe('mysql operations', () => {
  let ctx: MysqlTestContext

  /** The reflected schema after `op` equals the model after `op.apply`; after the reverse, the schema is back. */
  async function roundTrip(op: AnyOperation, check?: (after: SchemaModel) => void | Promise<void>): Promise<void> {
    const before = await ctx.reflect()
    const expected = structuredClone(before)
    op.apply(expected)
    await ctx.run(op)
    const afterOp = await ctx.reflect()
    assert.deepEqual(comparable(afterOp), comparable(mysqlDialect.canonicalize(expected)), `after ${op.describe()}`)
    await check?.(afterOp)
    await ctx.run(op.reverse() as AnyOperation)
    assert.deepEqual(comparable(await ctx.reflect()), comparable(before), `after reversing ${op.describe()}`)
  }

  async function rows(sql: string): Promise<Record<string, unknown>[]> {
    return ctx.connection.query(sql)
  }

  before(async () => {
    ctx = await openMysql('operations')
    await ctx.run(new CreateTableOp(teams))
    await ctx.run(new CreateTableOp(people))
    await ctx.connection.execute(`INSERT INTO teams (name) VALUES ('red'), ('blue')`)
    await ctx.connection.execute(`INSERT INTO people (name, team_id, score, note) VALUES ('ann', 1, 1.5, 'x'), ('bob', 2, 2, NULL), ('cy', NULL, 3, 'z')`)
  })
  after(async () => {
    await ctx?.close()
  })

  it('createTable / dropTable', async () => {
    const table: TableModel = {
      ...structuredClone(people),
      name: 'extra',
      comment: null,
      indexes: [{ name: 'ix_extra_name', elements: ['name'], unique: false }],
      checks: [{ name: 'ck_extra_score', expression: 'score >= 0' }],
      foreignKeys: [{ name: 'fk_extra_team', columns: ['team_id'], referencedTable: 'teams', referencedColumns: ['id'], onDelete: 'cascade' }],
    }
    await roundTrip(new CreateTableOp(table), (model) => assert.ok(tableOf(model, 'extra')))
    const statements = await mysqlDialect.compile(new DropTableOp('people'), { offline: true, table: async () => undefined })
    assert.deepEqual(statements, ['DROP TABLE `people`'])
  })

  it('renameTable keeps rows and follows foreign keys', async () => {
    await ctx.run(new AddForeignKeyOp('people', { name: 'fk_people_team', columns: ['team_id'], referencedTable: 'teams', referencedColumns: ['id'] }))
    await roundTrip(new RenameTableOp('teams', 'squads'), async (model) => {
      assert.equal(tableOf(model, 'people').foreignKeys[0]!.referencedTable, 'squads')
      assert.equal(Number((await rows('SELECT COUNT(*) AS n FROM squads'))[0]!.n), 2)
    })
    await ctx.run(new DropForeignKeyOp('people', 'fk_people_team'))
  })

  it('setTableComment', async () => {
    await roundTrip(new SetTableCommentOp('people', "who's who", 'people'), (model) => assert.equal(tableOf(model, 'people').comment, "who's who"))
    await roundTrip(new SetTableCommentOp('people', null, 'people'), (model) => assert.equal(tableOf(model, 'people').comment, null))
  })

  it('addColumn / dropColumn fill existing rows with the default', async () => {
    const column = { name: 'active', type: { kind: 'boolean' as const }, nullable: false, default: { kind: 'literal' as const, value: true }, comment: 'is on' }
    await roundTrip(new AddColumnOp('people', column), async () => {
      assert.deepEqual((await rows('SELECT active FROM people ORDER BY id')).map((r) => r.active), [1, 1, 1])
    })
    const note = tableOf(await ctx.reflect(), 'people').columns.find((c) => c.name === 'note')!
    const saved = await rows('SELECT id FROM people')
    await ctx.run(new DropColumnOp('people', 'note', null, note))
    assert.ok(!tableOf(await ctx.reflect(), 'people').columns.some((c) => c.name === 'note'))
    await ctx.run(new DropColumnOp('people', 'note', null, note).reverse() as AnyOperation)
    assert.deepEqual(await rows('SELECT id FROM people'), saved)
  })

  it('dropColumn drops the foreign keys, indexes, unique keys and checks using the column', async () => {
    await ctx.run(new AddColumnOp('people', { name: 'boss_id', type: { kind: 'integer' }, nullable: true }))
    await ctx.run(new AddForeignKeyOp('people', { name: 'fk_people_boss', columns: ['boss_id'], referencedTable: 'people', referencedColumns: ['id'] }))
    await ctx.run(new AddForeignKeyOp('people', { name: 'fk_people_team2', columns: ['team_id'], referencedTable: 'teams', referencedColumns: ['id'] }))
    await ctx.run(new CreateIndexOp('people', { name: 'ix_people_team_boss', elements: ['team_id', 'boss_id'], unique: false }))
    await ctx.run(new AddUniqueOp('people', { name: 'uq_people_name_boss', columns: ['name', 'boss_id'] }))
    await ctx.run(new AddCheckOp('people', { name: 'ck_people_boss', expression: 'boss_id > 0' }))
    const statements = await ctx.run(new DropColumnOp('people', 'boss_id'))
    assert.equal(statements.length, 1)
    const table = tableOf(await ctx.reflect(), 'people')
    assert.ok(!table.columns.some((c) => c.name === 'boss_id'))
    assert.deepEqual(table.indexes, [])
    assert.deepEqual(table.uniques, [])
    assert.deepEqual(table.checks, [])
    // fk_people_team2 lost ix_people_team_boss, so it got a backing index of its own, which dropping it removes.
    assert.deepEqual(table.foreignKeys.map((f) => f.name), ['fk_people_team2'])
    await ctx.run(new DropForeignKeyOp('people', 'fk_people_team2'))
    const indexes = await rows(`SELECT DISTINCT INDEX_NAME FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'people'`)
    assert.deepEqual(indexes.map((r) => r.INDEX_NAME), ['PRIMARY'])
  })

  it('renameColumn keeps rows', async () => {
    await roundTrip(new RenameColumnOp('people', 'name', 'full_name'), async () => {
      assert.deepEqual((await rows('SELECT full_name FROM people ORDER BY id')).map((r) => r.full_name), ['ann', 'bob', 'cy'])
    })
    assert.deepEqual((await rows('SELECT name FROM people ORDER BY id')).map((r) => r.name), ['ann', 'bob', 'cy'])
  })

  it('alterColumn restates the whole column: a type change keeps comment, default and NOT NULL', async () => {
    const name = tableOf(await ctx.reflect(), 'people').columns.find((c) => c.name === 'name')!
    const op = new AlterColumnOp('people', 'name', { type: { kind: 'varchar', length: 100 } }, { type: name.type })
    await roundTrip(op, (model) => {
      const altered = tableOf(model, 'people').columns.find((c) => c.name === 'name')!
      assert.deepEqual(altered.type, { kind: 'varchar', length: 100 })
      assert.equal(altered.comment, 'full name')
      assert.equal(altered.nullable, false)
    })
    assert.deepEqual((await rows('SELECT name FROM people ORDER BY id')).map((r) => r.name), ['ann', 'bob', 'cy'])
  })

  it('alterColumn changes nullability, default, comment and autoincrement', async () => {
    // A NOT NULL column cannot hold the NULL of row 2: the server refuses, nothing changes.
    await assert.rejects(ctx.run(new AlterColumnOp('people', 'note', { nullable: false })), /NULL|truncated/i)
    await ctx.connection.execute(`UPDATE people SET note = '' WHERE note IS NULL`)
    await roundTrip(new AlterColumnOp('people', 'note', { nullable: false, default: { kind: 'literal', value: 'n/a' }, comment: 'free text' }, { nullable: true, default: null, comment: null }))
    await roundTrip(new AlterColumnOp('people', 'score', { default: { kind: 'sql', sql: '(1 + 1)' } }, { default: { kind: 'literal', value: 0 } }))
    await roundTrip(new AlterColumnOp('people', 'score', { type: { kind: 'double' } }, { type: { kind: 'numeric', precision: 6, scale: 2 } }))
    await roundTrip(new AlterColumnOp('teams', 'id', { autoincrement: false }, { autoincrement: true }))
  })

  it('alterColumn offline needs the column facts it cannot reflect', async () => {
    const op = new AlterColumnOp('people', 'note', { nullable: false })
    await assert.rejects(mysqlDialect.compile(op, { offline: true, table: async () => undefined }), /current type and nullability is unknown/)
    const full = new AlterColumnOp('people', 'note', { nullable: false }, { type: { kind: 'text' }, nullable: true, default: null, comment: 'c', autoincrement: false })
    assert.deepEqual(await mysqlDialect.compile(full, { offline: true, table: async () => undefined }), [
      "ALTER TABLE `people` MODIFY COLUMN `note` TEXT NOT NULL COMMENT 'c'",
    ])
  })

  it('createIndex / dropIndex (plain, unique, descending, prefix)', async () => {
    await roundTrip(new CreateIndexOp('people', { name: 'ix_people_name_score', elements: ['name', 'score'], unique: false }))
    await roundTrip(new CreateIndexOp('people', { name: 'ux_people_name', elements: ['name'], unique: true }), (model) =>
      assert.deepEqual(tableOf(model, 'people').uniques, [{ name: 'ux_people_name', columns: ['name'] }]),
    )
    await roundTrip(new CreateIndexOp('people', { name: 'ix_people_desc', elements: [{ expression: 'score DESC' }, { expression: 'note(10)' }], unique: false }))
    await roundTrip(new DropIndexOp('people', 'ix_nothing', null, { name: 'ix_nothing', elements: ['team_id'], unique: false }).reverse() as AnyOperation)
  })

  it('rejects partial indexes and (on MariaDB) expression indexes with a clear error', async () => {
    await assert.rejects(ctx.run(new CreateIndexOp('people', { name: 'ix_partial', elements: ['name'], unique: false, where: 'score > 0' })), /ix_partial.*partial indexes/)
    await assert.rejects(ctx.run(new CreateIndexOp('people', { name: 'ix_lower', elements: [{ expression: 'lower(name)' }], unique: false })), /ix_lower.*not supported on MariaDB/)
    const offline = await mysqlDialect.compile(new CreateIndexOp('people', { name: 'ix_lower', elements: [{ expression: 'lower(name)' }, 'id'], unique: false }), {
      offline: true,
      table: async () => undefined,
    })
    assert.deepEqual(offline, ['CREATE INDEX `ix_lower` ON `people` ((lower(name)), `id`)'])
  })

  it('addUnique / dropUnique', async () => {
    await roundTrip(new AddUniqueOp('people', { name: 'uq_people_name_team', columns: ['name', 'team_id'] }))
    await ctx.connection.execute(`INSERT INTO people (name, team_id) VALUES ('ann', 1)`).catch(() => undefined)
    await assert.rejects(ctx.run(new AddUniqueOp('people', { name: 'uq_people_name_team', columns: ['name', 'team_id'] })), /Duplicate/)
    await ctx.connection.execute(`DELETE FROM people WHERE id > 3`)
  })

  it('addCheck / dropCheck', async () => {
    await roundTrip(new AddCheckOp('people', { name: 'ck_people_score', expression: "score >= 0 AND name <> ''" }), async () => {
      await assert.rejects(ctx.connection.execute(`UPDATE people SET score = -1`), /ck_people_score/)
    })
  })

  it('addForeignKey / dropForeignKey leave no index behind', async () => {
    const fk = { name: 'fk_people_team_id', columns: ['team_id'], referencedTable: 'teams', referencedColumns: ['id'], onDelete: 'set null' as const, onUpdate: 'cascade' as const }
    await roundTrip(new AddForeignKeyOp('people', fk), (model) => assert.deepEqual(tableOf(model, 'people').indexes, []))
    const indexes = await rows(`SELECT DISTINCT INDEX_NAME FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'people'`)
    assert.deepEqual(indexes.map((r) => r.INDEX_NAME), ['PRIMARY'])
  })

  it('dropping the index a foreign key relies on keeps a backing index (no error 1553)', async () => {
    await ctx.run(new CreateIndexOp('people', { name: 'ix_people_team', elements: ['team_id', 'name'], unique: false }))
    await ctx.run(new AddForeignKeyOp('people', { name: 'fk_people_team_id', columns: ['team_id'], referencedTable: 'teams', referencedColumns: ['id'] }))
    const index = tableOf(await ctx.reflect(), 'people').indexes.find((i) => i.name === 'ix_people_team')!
    await roundTrip(new DropIndexOp('people', 'ix_people_team', null, index))
    await ctx.run(new DropForeignKeyOp('people', 'fk_people_team_id'))
    await ctx.run(new DropIndexOp('people', 'ix_people_team'))
    const indexes = await rows(`SELECT DISTINCT INDEX_NAME FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'people'`)
    assert.deepEqual(indexes.map((r) => r.INDEX_NAME), ['PRIMARY'])
  })

  it('addPrimaryKey / dropPrimaryKey', async () => {
    await ctx.run(new CreateTableOp({ ...structuredClone(teams), name: 'tags', columns: [{ name: 'tag', type: { kind: 'varchar', length: 20 }, nullable: false }], primaryKey: null, uniques: [] }))
    await ctx.connection.execute(`INSERT INTO tags VALUES ('a'), ('b')`)
    await roundTrip(new AddPrimaryKeyOp('tags', { name: 'pk_tags', columns: ['tag'] }), (model) => assert.deepEqual(tableOf(model, 'tags').primaryKey, { columns: ['tag'] }))
    await assert.rejects(ctx.run(new DropPrimaryKeyOp('teams', null, { columns: ['id'] })), /AUTO_INCREMENT/)
  })

  it('quotes awkward names and rejects names past 64 characters', async () => {
    const awkward: TableModel = {
      ...structuredClone(teams),
      name: 'select `from` table',
      columns: [{ name: 'order', type: { kind: 'integer' }, nullable: false }, { name: 'Mixed Case', type: { kind: 'text' }, nullable: true }],
      primaryKey: { columns: ['order'] },
      uniques: [],
    }
    await roundTrip(new CreateTableOp(awkward), (model) => assert.ok(tableOf(model, 'select `from` table')))
    const long = 'x'.repeat(65)
    await assert.rejects(ctx.run(new AddColumnOp('people', { name: long, type: { kind: 'integer' }, nullable: true })), new RegExp(`column name '${long}'.*64`))
    await assert.rejects(ctx.run(new RenameTableOp('people', long)), /at most 64/)
    await assert.rejects(ctx.run(new CreateIndexOp('people', { name: long, elements: ['id'], unique: false })), /index name/)
  })

  it('rows survive the whole sequence', async () => {
    assert.deepEqual(
      (await rows('SELECT id, name, team_id FROM people ORDER BY id')).map((r) => [r.id, r.name, r.team_id]),
      [
        [1, 'ann', 1],
        [2, 'bob', 2],
        [3, 'cy', null],
      ],
    )
  })
})
