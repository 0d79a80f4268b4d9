/**
 * One rebuild per table and migration (src/dialects/sqlite/sqlite-batching.ts), driven through the run loop's own
 * StepSink on a real SQLite file: the statements a step runs online, the same step offline against a replayed model,
 * the rows afterwards, and every case that must keep operations apart (raw SQL, a query, a rename, a table linked
 * by a foreign key, index names, an autocommit block).
 */
import assert from 'node:assert/strict'
import { after, beforeEach, describe, it } from 'node:test'
import { sqliteDialect } from '../../../src/dialects/sqlite/sqlite-dialect.js'
import type { CompileContext } from '../../../src/dialects/dialect.js'
import { Operations } from '../../../src/operations/api.js'
import type { AnyOperation } from '../../../src/operations/index.js'
import { applyToReplay } from '../../../src/runtime/offline-replay.js'
import { StepSink } from '../../../src/runtime/step-sink.js'
import { integer, text, varchar } from '../../../src/schema/columns.js'
import { type SchemaModel, findTable } from '../../../src/schema/model.js'
import { sql } from '../../../src/schema/sql.js'
import { type TestDb, onlineContext, openTestDb, reflect, reflectTable } from './helpers.js'

type Body = (op: Operations) => Promise<void>

/** Runs a step's body as the run loop does (one transaction, statements run as they are handed on); returns them. */
async function online(db: TestDb, body: Body): Promise<string[]> {
  const statements: string[] = []
  const connection = db.connection
  const sink = new StepSink(sqliteDialect, onlineContext(connection), {
    statement: async (info) => {
      statements.push(info.sql)
      await connection.execute(info.sql)
    },
    setAutocommit: async (on) => {
      statements.push(on ? '-- autocommit on' : '-- autocommit off')
    },
    query: (text, params) => connection.query(text, params),
  })
  await connection.execute('BEGIN IMMEDIATE')
  try {
    const op = new Operations(sink)
    await body(op)
    await op.drain()
    await sink.flush()
    await connection.execute('COMMIT')
  } catch (error) {
    await connection.execute('ROLLBACK')
    throw error
  }
  return statements
}

/** The same step offline: compiled against `model` (replayed as it goes), nothing read from a database. */
async function offline(model: SchemaModel, body: Body): Promise<string[]> {
  const statements: string[] = []
  const context: CompileContext = { offline: true, table: async (name, schema) => findTable(model, name, schema) }
  const sink = new StepSink(
    sqliteDialect,
    context,
    { statement: async (info) => void statements.push(info.sql), setAutocommit: async () => {}, query: async () => [] },
    0,
    (operation: AnyOperation) => applyToReplay(operation, model),
  )
  const op = new Operations(sink)
  await body(op)
  await op.drain()
  await sink.flush()
  return statements
}

const copiesOf = (statements: string[], table: string) => statements.filter((s) => s.startsWith(`CREATE TABLE "_strata_new_${table}"`)).length
const rows = (db: TestDb, query: string) => db.connection.query(query)

const SETUP = [
  `CREATE TABLE users (id INTEGER NOT NULL, email VARCHAR(100), score INTEGER DEFAULT 5, name TEXT, note TEXT,
     CONSTRAINT pk_users PRIMARY KEY (id), CONSTRAINT uq_users_email UNIQUE (email))`,
  'CREATE INDEX ix_users_name ON users (name)',
  'CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE, title TEXT)',
  'CREATE TABLE tags (id INTEGER PRIMARY KEY, label TEXT)',
  'CREATE TABLE log (id INTEGER PRIMARY KEY AUTOINCREMENT, what TEXT)',
  "CREATE TRIGGER users_log AFTER INSERT ON users BEGIN INSERT INTO log (what) VALUES ('user ' || NEW.id); END",
  'CREATE VIEW user_names AS SELECT id, name FROM users',
  "INSERT INTO users (id, email, score, name, note) VALUES (1, 'a@x', 1, 'Ann', 'n1'), (2, 'b@x', 2, 'Bob', NULL), (3, 'c@x', 3, NULL, 'n3')",
  "INSERT INTO posts (id, user_id, title) VALUES (10, 1, 'p'), (11, 2, 'q'), (12, 2, 'r')",
  "INSERT INTO tags (id, label) VALUES (1, 'red')",
]

/** Five rebuild-needing changes to users: type, nullability, default, a check added, a unique dropped. */
const reshapeUsers: Body = async (op) => {
  await op.alterColumn('users', 'email', { type: varchar({ length: 200 }) })
  await op.alterColumn('users', 'email', { nullable: false })
  await op.alterColumn('users', 'score', { default: 0 })
  await op.createCheck('ck_users_score', 'users', sql`score >= 0`)
  await op.dropUnique('uq_users_email', 'users')
}

describe('SQLite: one rebuild per table and migration', () => {
  let db: TestDb
  beforeEach(async () => {
    await db?.close()
    db = await openTestDb('rebuild-once')
    for (const statement of SETUP) await db.connection.execute(statement)
  })
  after(() => db?.close())

  it('five changes to one table: one CREATE TABLE of the final shape and one copy, online and offline alike', async () => {
    const model = await reflect(db.connection)
    const script = await offline(structuredClone(model), reshapeUsers)
    const ran = await online(db, reshapeUsers)
    assert.equal(copiesOf(ran, 'users'), 1, ran.join('\n'))
    assert.equal(ran.filter((s) => s.startsWith('INSERT INTO "_strata_new_users"')).length, 1)
    assert.equal(ran.filter((s) => s === 'DROP TABLE "users"').length, 1)
    assert.match(ran[0]!, /^CREATE TABLE "_strata_new_users" \(\n {2}"id" INTEGER NOT NULL,\n {2}"email" VARCHAR\(200\) NOT NULL,\n {2}"score" INTEGER DEFAULT 0,/)
    assert.doesNotMatch(ran[0]!, /uq_users_email/)
    assert.match(ran[0]!, /CONSTRAINT "ck_users_score" CHECK \(score >= 0\)/)
    // Offline knows no triggers, table options or children: it says so where online re-creates the trigger and checks posts.
    const comparable = (list: string[]) => list.filter((s) => !s.startsWith('CREATE TRIGGER') && !s.startsWith('-- strata: ') && !s.startsWith('PRAGMA foreign_key_check'))
    assert.deepEqual(comparable(script), comparable(ran))
    assert.equal(copiesOf(script, 'users'), 1)

    assert.deepEqual(await rows(db, 'SELECT id, email, score, name, note FROM users ORDER BY id'), [
      { id: 1, email: 'a@x', score: 1, name: 'Ann', note: 'n1' },
      { id: 2, email: 'b@x', score: 2, name: 'Bob', note: null },
      { id: 3, email: 'c@x', score: 3, name: null, note: 'n3' },
    ])
    assert.equal((await rows(db, 'SELECT id FROM posts')).length, 3, 'no child row lost')
    assert.deepEqual(await rows(db, 'SELECT id, name FROM user_names ORDER BY id'), [{ id: 1, name: 'Ann' }, { id: 2, name: 'Bob' }, { id: 3, name: null }])
    const users = await reflectTable(db.connection, 'users')
    assert.deepEqual(users.uniques, [])
    assert.deepEqual(users.indexes.map((i) => i.name), ['ix_users_name'])
    await db.connection.execute("INSERT INTO users (id, email) VALUES (4, 'd@x')")
    const log = (await rows(db, 'SELECT what FROM log ORDER BY id')).map((r) => r.what)
    assert.deepEqual(log, ['user 1', 'user 2', 'user 3', 'user 4'], 'the copy fired no trigger, and the trigger came back')
    assert.deepEqual(await rows(db, 'SELECT score FROM users WHERE id = 4'), [{ score: 0 }])
  })

  it('an unrelated table changed in between: its operations run after the folded rebuild, in their own order', async () => {
    const ran = await online(db, async (op) => {
      await op.alterColumn('users', 'email', { nullable: false })
      await op.addColumn('tags', 'color', text())
      await op.alterColumn('tags', 'label', { nullable: false })
      await op.alterColumn('users', 'score', { nullable: false })
    })
    assert.equal(copiesOf(ran, 'users'), 1, ran.join('\n'))
    assert.equal(copiesOf(ran, 'tags'), 1)
    const at = (prefix: string) => ran.findIndex((s) => s.startsWith(prefix))
    assert.ok(at('CREATE TABLE "_strata_new_users"') < at('ALTER TABLE "tags" ADD COLUMN "color"'))
    assert.ok(at('ALTER TABLE "tags" ADD COLUMN "color"') < at('CREATE TABLE "_strata_new_tags"'))
    const tags = await reflectTable(db.connection, 'tags')
    assert.deepEqual(tags.columns.map((c) => [c.name, c.nullable]), [['id', false], ['label', false], ['color', true]])
    const users = await reflectTable(db.connection, 'users')
    assert.deepEqual(users.columns.filter((c) => !c.nullable).map((c) => c.name), ['id', 'email', 'score'])
    assert.deepEqual(await rows(db, 'SELECT id, label, color FROM tags'), [{ id: 1, label: 'red', color: null }])
  })

  it('an index created between two changes joins the one rebuild; an index change on another table keeps them apart', async () => {
    const joined = await online(db, async (op) => {
      await op.alterColumn('users', 'email', { nullable: false })
      await op.createIndex('ix_users_score', 'users', ['score'])
      await op.alterColumn('users', 'score', { nullable: false })
    })
    assert.equal(copiesOf(joined, 'users'), 1, joined.join('\n'))
    assert.ok(joined.includes('CREATE INDEX "ix_users_score" ON "users" ("score")'))
    const apart = await online(db, async (op) => {
      await op.alterColumn('users', 'name', { type: varchar({ length: 80 }) })
      await op.createIndex('ix_tags_label', 'tags', ['label'])
      await op.alterColumn('users', 'note', { type: varchar({ length: 80 }) })
    })
    assert.equal(copiesOf(apart, 'users'), 2, apart.join('\n'))
    assert.deepEqual((await reflectTable(db.connection, 'users')).indexes.map((i) => i.name).sort(), ['ix_users_name', 'ix_users_score'])
  })

  it('a table whose foreign key points here, changed in between, keeps the order as written', async () => {
    const ran = await online(db, async (op) => {
      await op.alterColumn('users', 'email', { nullable: false })
      await op.alterColumn('posts', 'title', { nullable: false, existingNullable: true })
      await op.alterColumn('users', 'score', { nullable: false })
    })
    assert.equal(copiesOf(ran, 'users'), 2, ran.join('\n'))
    const at = (prefix: string, from = 0) => ran.findIndex((s, i) => i >= from && s.startsWith(prefix))
    const firstUsers = at('CREATE TABLE "_strata_new_users"')
    assert.ok(firstUsers < at('CREATE TABLE "_strata_new_posts"') && at('CREATE TABLE "_strata_new_posts"') < at('CREATE TABLE "_strata_new_users"', firstUsers + 1))
    assert.equal((await rows(db, 'SELECT id FROM posts')).length, 3)
  })

  it('raw SQL, a query, a column rename or an autocommit block in between: each side rebuilds on its own', async () => {
    const breakers: Array<[string, Body]> = [
      ['execute', (op) => op.execute("UPDATE users SET note = 'x' WHERE note IS NULL")],
      ['query', async (op) => void (await op.query('SELECT COUNT(*) FROM users'))],
      ['renameColumn', (op) => op.renameColumn('users', 'note', 'remark')],
      ['autocommit', (op) => op.autocommit(async () => {})],
    ]
    for (const [label, between] of breakers) {
      const ran = await online(db, async (op) => {
        await op.alterColumn('users', 'email', { type: varchar({ length: 150 + breakers.findIndex(([l]) => l === label) }) })
        await between(op)
        await op.alterColumn('users', 'score', { default: breakers.findIndex(([l]) => l === label) })
      })
      assert.equal(copiesOf(ran, 'users'), 2, `${label}:\n${ran.join('\n')}`)
    }
    assert.deepEqual(await rows(db, 'SELECT id, remark FROM users ORDER BY id'), [{ id: 1, remark: 'n1' }, { id: 2, remark: 'x' }, { id: 3, remark: 'n3' }])
  })

  it('a query after the changes sees them: held operations run before it', async () => {
    let seen: unknown
    await online(db, async (op) => {
      await op.alterColumn('users', 'email', { nullable: false })
      await op.alterColumn('users', 'score', { nullable: false })
      seen = await op.query(`SELECT "notnull" AS required FROM pragma_table_info('users') WHERE name = 'score'`)
    })
    assert.deepEqual(seen, [{ required: 1 }])
  })

  it('one rebuild-needing change and an in-place one compile as before (nothing to save)', async () => {
    const ran = await online(db, async (op) => {
      await op.addColumn('users', 'extra', text())
      await op.alterColumn('users', 'email', { nullable: false })
    })
    assert.equal(ran[0], 'ALTER TABLE "users" ADD COLUMN "extra" TEXT')
    assert.equal(copiesOf(ran, 'users'), 1)
  })

  it('a folded drop of a column a check still uses is refused as before, and nothing is changed', async () => {
    await db.connection.execute('DROP VIEW user_names')
    await assert.rejects(
      online(db, async (op) => {
        await op.createCheck('ck_users_note', 'users', sql`note <> ''`)
        await op.alterColumn('users', 'email', { nullable: false })
        await op.dropColumn('users', 'note')
      }),
      /cannot drop column 'users.note': check constraint 'ck_users_note' uses it; drop it first/,
    )
    assert.deepEqual((await reflectTable(db.connection, 'users')).checks, [])
    assert.equal((await rows(db, 'SELECT note FROM users WHERE note IS NOT NULL')).length, 2)
  })
  it('columns added in a batch are filled as their ADD COLUMN fills them, whatever later operations change', async () => {
    const ran = await online(db, async (op) => {
      // A downgrade bringing back a dropped NOT NULL column: a placeholder default fills the rows, then goes.
      await op.addColumn('users', 'pages', integer().notNull().default(0))
      await op.alterColumn('users', 'pages', { default: null })
      // Added without a default, given one later: the rows already there keep NULL.
      await op.addColumn('users', 'rank', integer())
      await op.alterColumn('users', 'rank', { default: 9 })
      // Dropped and added again under the same name: the old values do not come back.
      await op.dropColumn('users', 'note')
      await op.addColumn('users', 'note', text().default('fresh'))
    })
    assert.equal(copiesOf(ran, 'users'), 1, ran.join('\n'))
    assert.deepEqual(await rows(db, 'SELECT id, pages, rank, note FROM users ORDER BY id'), [
      { id: 1, pages: 0, rank: null, note: 'fresh' },
      { id: 2, pages: 0, rank: null, note: 'fresh' },
      { id: 3, pages: 0, rank: null, note: 'fresh' },
    ])
    const users = await reflectTable(db.connection, 'users')
    const pages = users.columns.find((c) => c.name === 'pages')!
    assert.deepEqual([pages.nullable, pages.default ?? null], [false, null])
    await db.connection.execute("INSERT INTO users (id, email, pages) VALUES (4, 'd@x', 5)")
    assert.deepEqual(await rows(db, 'SELECT rank, note FROM users WHERE id = 4'), [{ rank: 9, note: 'fresh' }])
  })
})
