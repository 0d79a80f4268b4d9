/** Enum changes (CHECK rewrites by table rebuild) and offline SQL (no connection, model replayed). */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { CompileContext } from '../../../src/dialects/dialect.js'
import { sqliteDialect } from '../../../src/dialects/sqlite/sqlite-dialect.js'
import {
  AddCheckOp,
  AddColumnOp,
  AddEnumValueOp,
  AddForeignKeyOp,
  AlterColumnOp,
  AlterEnumOp,
  type AnyOperation,
  CreateEnumOp,
  CreateIndexOp,
  CreateTableOp,
  DropColumnOp,
  DropEnumOp,
  RenameColumnOp,
  RenameEnumValueOp,
} from '../../../src/operations/index.js'
import { buildTableModel } from '../../../src/schema/build.js'
import { integer, text } from '../../../src/schema/columns.js'
import { enumeration } from '../../../src/schema/enum.js'
import { type SchemaModel, emptySchema, findTable } from '../../../src/schema/model.js'
import { table, tableDefinition } from '../../../src/schema/table.js'
import { type TestDb, apply, comparable, kitchenSink, openTestDb, reflect, reflectTable } from './helpers.js'

const mood = enumeration('mood', ['happy', 'sad'])
const diary = table('diary', {
  id: integer().primaryKey(),
  feeling: mood().notNull().default('sad'),
  backup: mood(),
  entry: text(),
})
const usage = [
  { table: 'diary', column: 'feeling' },
  { table: 'diary', column: 'backup' },
]

describe('sqlite enum operations', () => {
  let db: TestDb
  before(async () => {
    db = await openTestDb('enums')
    const create = new CreateEnumOp({ name: 'mood', schema: null, values: ['happy', 'sad'] })
    assert.deepStrictEqual(await sqliteDialect.compile(create, { offline: true, table: async () => undefined }), [])
    await apply(db.connection, create, new CreateTableOp(buildTableModel(tableDefinition(diary))))
    await db.connection.execute(`INSERT INTO diary (feeling, backup, entry) VALUES ('happy', 'sad', 'a'), ('sad', NULL, 'b')`)
  })
  after(async () => {
    await db.close()
  })

  const values = async (column = 'feeling') => {
    const c = (await reflectTable(db.connection, 'diary')).columns.find((x) => x.name === column)!
    return c.type.kind === 'enum' ? c.type.values : null
  }

  it('the CHECK holds the values', async () => {
    await assert.rejects(db.connection.execute(`INSERT INTO diary (feeling) VALUES ('angry')`), /CHECK constraint failed/)
  })

  it('addEnumValue rebuilds every using column, positioned; reverse removes it', async () => {
    const op = new AddEnumValueOp('mood', 'meh', { after: 'happy' }, ['happy', 'sad'], usage)
    await apply(db.connection, op)
    assert.deepStrictEqual(await values(), ['happy', 'meh', 'sad'])
    assert.deepStrictEqual(await values('backup'), ['happy', 'meh', 'sad'])
    await db.connection.execute(`INSERT INTO diary (feeling, entry) VALUES ('meh', 'c')`)
    await assert.rejects(apply(db.connection, op.reverse()), /CHECK constraint failed/, 'a row holds the value')
    await db.connection.execute(`DELETE FROM diary WHERE entry = 'c'`)
    await apply(db.connection, op.reverse())
    assert.deepStrictEqual(await values(), ['happy', 'sad'])
  })

  it('renameEnumValue converts rows and defaults; reverse converts back', async () => {
    const op = new RenameEnumValueOp('mood', 'sad', 'blue', ['happy', 'sad'], usage)
    await apply(db.connection, op)
    assert.deepStrictEqual(await values(), ['happy', 'blue'])
    const rows = await db.connection.query<{ feeling: string; backup: string | null }>('SELECT feeling, backup FROM diary ORDER BY id')
    assert.deepStrictEqual(rows, [{ feeling: 'happy', backup: 'blue' }, { feeling: 'blue', backup: null }])
    const feeling = (await reflectTable(db.connection, 'diary')).columns.find((c) => c.name === 'feeling')!
    assert.deepStrictEqual(feeling.default, { kind: 'literal', value: 'blue' })
    await apply(db.connection, op.reverse())
    assert.deepStrictEqual(await values(), ['happy', 'sad'])
  })

  it('alterEnum reorders and renames; finds the columns online when not given', async () => {
    const op = new AlterEnumOp('mood', ['sad', 'glad'], ['happy', 'sad'], { glad: 'happy' })
    await apply(db.connection, op)
    assert.deepStrictEqual(await values(), ['sad', 'glad'])
    assert.deepStrictEqual((await db.connection.query<{ feeling: string }>('SELECT feeling FROM diary ORDER BY id')).map((r) => r.feeling), ['glad', 'sad'])
    await apply(db.connection, op.reverse())
    assert.deepStrictEqual(await values(), ['happy', 'sad'])
    assert.deepStrictEqual((await reflect(db.connection)).enums, [{ name: 'mood', schema: null, values: ['happy', 'sad'] }])
  })

  it('alterEnum removing a value in use fails and changes nothing', async () => {
    await assert.rejects(apply(db.connection, new AlterEnumOp('mood', ['happy'], ['happy', 'sad'], {}, usage)), /CHECK constraint failed/)
    assert.deepStrictEqual(await values(), ['happy', 'sad'])
  })

  it('offline, an enum change needs the columns', async () => {
    const offline: CompileContext = { offline: true, table: async () => undefined }
    await assert.rejects(sqliteDialect.compile(new AddEnumValueOp('mood', 'x', {}, ['happy', 'sad']), offline), /pass the columns/)
    assert.deepStrictEqual(await sqliteDialect.compile(new DropEnumOp('mood'), offline), [])
  })
})

/** Compiles operations offline against a replayed model, the way `upgrade --sql` does. */
async function offlineScript(operations: AnyOperation[]): Promise<{ statements: string[]; model: SchemaModel }> {
  const model = emptySchema()
  const statements: string[] = []
  for (const operation of operations) {
    const ctx: CompileContext = { offline: true, table: async (name, schema) => structuredClone(findTable(model, name, schema)) }
    statements.push(...(await sqliteDialect.compile(operation, ctx)))
    operation.apply(model)
  }
  return { statements, model }
}

describe('sqlite offline SQL', () => {
  let db: TestDb
  before(async () => {
    db = await openTestDb('offline')
  })
  after(async () => {
    await db.close()
  })

  it('a script with rebuilds runs on a fresh database and yields the replayed model', async () => {
    const sink = kitchenSink()
    const operations: AnyOperation[] = [
      ...sink.enums.map((e) => new CreateEnumOp(e)),
      ...sink.tables.map((t) => new CreateTableOp(t)),
      new AddColumnOp('teams', { name: 'motto', type: { kind: 'text' }, nullable: false, default: { kind: 'sql', sql: "'none'" } }),
      new AlterColumnOp('teams', 'motto', { type: { kind: 'varchar', length: 80 } }, { type: { kind: 'text' } }),
      new AddCheckOp('teams', { name: 'ck_teams_org', expression: "org <> ''" }),
      new AddForeignKeyOp('Order Items', { name: 'fk_items_user', columns: ['select'], referencedTable: 'users', referencedColumns: ['id'] }),
      new CreateIndexOp('teams', { name: 'ix_teams_motto', elements: ['motto'], unique: false }),
      new RenameColumnOp('teams', 'motto', 'slogan'),
      new DropColumnOp('users', 'ratio'),
      new DropColumnOp('users', 'display_name'),
      new AddEnumValueOp('mood', 'meh', {}, ['happy', 'sad', "it's complicated"], [{ table: 'users', column: 'feeling' }, { table: 'users', column: 'other_feeling' }]),
    ]
    const { statements, model } = await offlineScript(operations)
    assert.ok(statements.some((s) => s.startsWith('-- strata: triggers on "teams"')), 'notes that triggers are unknown offline')
    await db.connection.execute('BEGIN IMMEDIATE')
    for (const statement of statements) await db.connection.execute(statement)
    await db.connection.execute('COMMIT')
    const reflected = await reflect(db.connection)
    assert.deepStrictEqual(comparable(reflected), comparable(sqliteDialect.canonicalize(model)))
  })

  it('a rebuild notes that table options (WITHOUT ROWID, STRICT) cannot be read offline, where it creates the table', async () => {
    const graves = buildTableModel(tableDefinition(table('graves', { id: integer().primaryKey(), epitaph: text() })))
    const { statements } = await offlineScript([new CreateTableOp(graves), new AlterColumnOp('graves', 'epitaph', { nullable: false }, { nullable: true })])
    const note = statements.findIndex((s) => s.startsWith('-- strata: table options of "graves" (WITHOUT ROWID, STRICT) cannot be read offline'))
    assert.ok(note >= 0, statements.join('\n'))
    assert.match(statements[note]!, /run the migration online, or add them to the CREATE TABLE below/)
    assert.match(statements[note + 1]!, /^CREATE TABLE "_strata_new_graves"/)
  })

  it('refuses at compile time to drop a column a check or an expression index still uses', async () => {
    const { model } = await offlineScript(kitchenSink().tables.map((t) => new CreateTableOp(t)))
    const ctx: CompileContext = { offline: true, table: async (name, schema) => findTable(model, name, schema) }
    await assert.rejects(sqliteDialect.compile(new DropColumnOp('users', 'age'), ctx), /cannot drop column 'users.age': check constraint 'ck_users_age' uses it; drop it first/)
    await assert.rejects(sqliteDialect.compile(new DropColumnOp('users', 'email'), ctx), /index 'ux_users_lower_email' uses it/)
    await assert.rejects(sqliteDialect.compile(new DropColumnOp('users', 'id'), ctx), /the primary key/)
  })
})
