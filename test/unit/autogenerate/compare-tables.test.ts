import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { postgresFeatures } from '../../../src/dialects/postgres/postgres-features.js'
import { AlterColumnOp, DropColumnOp, DropTableOp, SetTableCommentOp } from '../../../src/operations/index.js'
import { bigint, boolean, customType, integer, json, jsonb, numeric, text, timestamp, varchar, uuid, time, char, real, double, date, bytes, smallint } from '../../../src/schema/columns.js'
import { check, index, unique, uniqueIndex } from '../../../src/schema/extras.js'
import { emptySchema } from '../../../src/schema/model.js'
import { table } from '../../../src/schema/table.js'
import { assertRoundTrip, compare, enumeration, kinds, messages, model, reflect, sql } from './support.js'

const mood = enumeration('mood', ['happy', 'sad'])

/** Every column type, default kind, constraint and index kind. */
function kitchenSink() {
  const users = table('users', {
    id: integer().primaryKey().autoincrement(),
    email: varchar({ length: 200 }).notNull().unique(),
    nick: char({ length: 3 }),
    small: smallint().default(-1),
    ratio: real(),
    score: double().default(1.5),
    price: numeric({ precision: 10, scale: 2 }),
    born: date(),
    wakes: time({ withTimezone: true, precision: 3 }),
    active: boolean().notNull().default(true),
    data: json(),
    doc: jsonb(),
    token: uuid(),
    blob: bytes(),
    vector: customType('tsvector'),
    feeling: mood().default('happy'),
    createdAt: timestamp('created_at', { precision: 6 }).notNull().default(sql`CURRENT_TIMESTAMP`).comment('creation time'),
  }, (t) => [index('ix_users_lower_email').on(sql`lower(email)`).where(sql`active`), uniqueIndex('ux_users_nick').on(t.nick, t.born)], { comment: 'People' })
  const posts = table('posts', {
    id: bigint().primaryKey(),
    authorId: integer('author_id').notNull().references(() => users.id, { onDelete: 'cascade', onUpdate: 'restrict' }),
    title: text().notNull(),
  }, (t) => [check('ck_posts_title', sql`length(title) > 0`), unique('uq_posts_author_title').on(t.authorId, t.title)])
  return model(mood, users, posts)
}

describe('compare: tables and columns', () => {
  it('finds nothing when the database is what the schema says', async () => {
    const target = kitchenSink()
    assert.deepEqual(await compare(target, reflect(target)), [])
  })

  it('creates every table of an empty database, and nothing is left afterwards', async () => {
    const target = kitchenSink()
    const changes = await assertRoundTrip(target, emptySchema())
    assert.deepEqual(messages(changes), ["added enum 'mood'", "added table 'users'", "added table 'posts'"])
    assert.deepEqual(changes.map((c) => c.warning), [null, null, null])
  })

  it('reports a removed table as destructive, carrying the reflected table for the downgrade', async () => {
    const old = table('legacy', { id: integer().primaryKey(), name: text() })
    const reflected = model(old)
    const changes = await assertRoundTrip(emptySchema(), reflected)
    assert.deepEqual(messages(changes), ["removed table 'legacy'"])
    assert.equal(changes[0]!.warning, "drops table 'legacy' (data loss)")
    const op = changes[0]!.operation as DropTableOp
    assert.deepEqual(op.table, reflected.tables[0])
    assert.equal(op.reverse().kind, 'createTable')
  })

  it('adds and drops columns, the drop carrying the column', async () => {
    const before = model(table('packages', { id: integer().primaryKey(), summary: text(), size: integer() }))
    const after = model(table('packages', { id: integer().primaryKey(), size: integer(), lastUpdated: timestamp('last_updated'), name: text().notNull() }))
    const changes = await assertRoundTrip(after, before)
    assert.deepEqual(messages(changes), [
      "added column 'packages.last_updated'",
      "added column 'packages.name'",
      "removed column 'packages.summary'",
    ])
    assert.deepEqual(changes.map((c) => c.warning), [
      null,
      "adds NOT NULL column 'packages.name' without a default (fails on a table with rows)",
      "drops column 'packages.summary' (data loss)",
    ])
    const drop = changes[2]!.operation as DropColumnOp
    assert.deepEqual(drop.column, { name: 'summary', type: { kind: 'text' }, nullable: true })
  })

  const alterCases: Array<[string, ReturnType<typeof text>, ReturnType<typeof text>, string[]]> = [
    ['varchar length', varchar({ length: 100 }), varchar({ length: 200 }), ['type']],
    ['numeric precision', numeric({ precision: 10, scale: 2 }), numeric({ precision: 12, scale: 2 }), ['type']],
    ['numeric scale', numeric({ precision: 10, scale: 2 }), numeric({ precision: 10, scale: 4 }), ['type']],
    ['timezone', timestamp(), timestamp({ withTimezone: true }), ['type']],
    ['timestamp precision', timestamp({ precision: 3 }), timestamp({ precision: 6 }), ['type']],
    ['type kind', integer(), bigint(), ['type']],
    ['raw type', customType('tsvector'), customType('point'), ['type']],
    ['nullability', text(), text().notNull(), ['nullable']],
    ['default added', integer(), integer().default(0), ['default']],
    ['default changed kind', text().default('now'), text().default(sql`now()`), ['default']],
    ['default removed', integer().default(1), integer(), ['default']],
    ['comment', text().comment('a'), text().comment('b'), ['comment']],
    ['comment removed', text().comment('a'), text(), ['comment']],
    ['autoincrement', integer(), integer().autoincrement(), ['autoincrement']],
    ['identity kind', integer().autoincrement('always'), integer().autoincrement('by-default'), ['autoincrement']],
    ['several at once', varchar({ length: 10 }), text().notNull().default('x').comment('c'), ['type', 'nullable', 'default', 'comment']],
  ]
  for (const [label, from, to, keys] of alterCases) {
    it(`alters a column: ${label}`, async () => {
      const before = model(table('t', { id: integer().primaryKey(), c: from }))
      const after = model(table('t', { id: integer().primaryKey(), c: to }))
      const changes = await assertRoundTrip(after, before)
      assert.deepEqual(kinds(changes), ['alterColumn'])
      const op = changes[0]!.operation as AlterColumnOp
      assert.deepEqual(Object.keys(op.changes), keys)
      // `existing` holds every previous fact, so the downgrade can restate the column.
      assert.deepEqual(Object.keys(op.existing).sort(), ['autoincrement', 'comment', 'default', 'nullable', 'type'])
      const back = op.reverse() as AlterColumnOp
      assert.deepEqual(Object.keys(back.changes), keys)
      for (const key of keys) assert.deepEqual((back.changes as Record<string, unknown>)[key], (op.existing as Record<string, unknown>)[key])
    })
  }

  it('describes an alteration and warns for type changes and NOT NULL', async () => {
    const before = model(table('t', { c: varchar({ length: 10 }), d: text() }))
    const after = model(table('t', { c: varchar({ length: 20 }), d: text().notNull() }))
    const changes = await compare(after, before)
    assert.deepEqual(messages(changes), ["changed type of column 't.c'", "changed nullability of column 't.d'"])
    assert.deepEqual(changes.map((c) => c.warning), [
      "changes type of column 't.c' (may fail or truncate data; rewrites the table on some databases)",
      "makes column 't.d' NOT NULL (fails if it holds NULLs)",
    ])
    const op = changes[0]!.operation as AlterColumnOp
    assert.deepEqual(op.changes, { type: { kind: 'varchar', length: 20 } })
    assert.deepEqual(op.existing, { type: { kind: 'varchar', length: 10 }, nullable: true, default: null, comment: null, autoincrement: false })
  })

  it('compares defaults through the dialect, and raw types case- and space-insensitively', async () => {
    const before = model(table('t', { c: integer().default('0'), v: customType('DOUBLE  PRECISION') }))
    const after = model(table('t', { c: integer().default(0), v: customType('double precision') }))
    assert.deepEqual(messages(await compare(after, before)), ["changed default of column 't.c'"])
    const seen: unknown[] = []
    const dialect = {
      name: 'postgres' as const,
      features: postgresFeatures,
      canonicalize: structuredClone,
      normalizeExpression: (s: string) => s,
      normalizeDefault: (value: { kind: string; value?: unknown } | null | undefined, column: { type: unknown }) => {
        seen.push(column.type)
        return value?.kind === 'literal' ? String(value.value) : null
      },
    }
    assert.deepEqual(await compare(after, before, { dialect }), [])
    assert.ok(seen.some((type) => JSON.stringify(type) === '{"kind":"integer"}'), 'the column type is passed along')
  })

  it('changes, adds and removes the table comment', async () => {
    const plain = model(table('t', { id: integer() }))
    const commented = model(table('t', { id: integer() }, { comment: 'Things' }))
    const recommented = model(table('t', { id: integer() }, { comment: 'Stuff' }))
    const added = await assertRoundTrip(commented, plain)
    assert.deepEqual(messages(added), ["changed comment on table 't'"])
    assert.deepEqual(added[0]!.operation, new SetTableCommentOp('t', 'Things', null, null))
    assert.deepEqual(messages(await assertRoundTrip(plain, commented)), ["removed comment on table 't'"])
    assert.deepEqual((await assertRoundTrip(recommented, commented))[0]!.operation, new SetTableCommentOp('t', 'Stuff', 'Things', null))
  })

  it('never compares strata tables, nor tables the caller ignores', async () => {
    const reflected = model(
      table('strata_version', { version_num: varchar({ length: 32 }).primaryKey() }),
      table('strata_history', { id: integer() }),
      table('spatial_ref_sys', { srid: integer() }),
    )
    assert.deepEqual(messages(await compare(emptySchema(), reflected, { ignoreTables: ['spatial_ref_sys'] })), [])
    assert.deepEqual(messages(await compare(emptySchema(), reflected)), ["removed table 'spatial_ref_sys'"])
  })

  it('does not modify its inputs', async () => {
    const target = kitchenSink()
    const snapshot = structuredClone(target)
    const reflected = emptySchema()
    await compare(target, reflected)
    assert.deepEqual(target, snapshot)
    assert.deepEqual(reflected, emptySchema())
  })
})
