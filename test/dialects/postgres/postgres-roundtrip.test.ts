/**
 * The golden rule on PostgreSQL: a kitchen-sink model (every column type, default kind, constraint, index kind,
 * enum, comment, a second schema and awkward names) created with the compiler and reflected back equals
 * canonicalize(model), after defaults and expressions are normalised on both sides.
 */
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import {
  bigint, boolean, bytes, char, customType, date, double, integer, json, jsonb, numeric, real, smallint, text, time, timestamp, uuid, varchar,
} from '../../../src/schema/columns.js'
import { check, foreignKey, index, primaryKey, unique, uniqueIndex } from '../../../src/schema/extras.js'
import { enumeration } from '../../../src/schema/enum.js'
import { table } from '../../../src/schema/table.js'
import { sql } from '../../../src/schema/sql.js'
import { buildSchemaModel } from '../../../src/schema/build.js'
import { CreateEnumOp, CreateSchemaOp, CreateTableOp } from '../../../src/operations/index.js'
import { postgresDialect } from '../../../src/dialects/postgres/postgres-dialect.js'
import { INTROSPECTION_QUERY_COUNT } from '../../../src/dialects/postgres/postgres-introspector.js'
import type { SchemaModel } from '../../../src/schema/model.js'
import { apply, comparable, introspect, usePostgresDatabase } from './pg-test-helpers.js'

const mood = enumeration('mood', ['happy', 'sad', "it's complicated"])
const level = enumeration('level', ['low', 'high'], { schema: 'audit' })

const users = table(
  'users',
  {
    id: integer().primaryKey().autoincrement(),
    email: varchar({ length: 200 }).notNull().unique().comment("the user's address"),
    name: varchar().default('anonymous'),
    code: char({ length: 3 }).default('abc'),
    bio: text().default(sql`'it''s me'::text`),
    active: boolean().notNull().default(true),
    small: smallint().default(-1),
    big: bigint().notNull().default(0),
    ratio: real().default(2),
    score: double().default(1.5),
    price: numeric({ precision: 10, scale: 2 }).default(0),
    whole: numeric({ precision: 8 }),
    amount: numeric().default(sql`1.50`),
    born: date().default('2020-01-01'),
    wakes: time(),
    wakesTz: time('wakes_tz', { withTimezone: true, precision: 3 }),
    createdAt: timestamp('created_at').notNull().default(sql`CURRENT_TIMESTAMP`),
    updatedAt: timestamp('updated_at', { withTimezone: true, precision: 3 }).default(sql`now()`),
    settings: json().default('{"b":1}'),
    profile: jsonb().default('{"b": 1, "a": [1, 2]}'),
    token: uuid().default(sql`gen_random_uuid()`),
    avatar: bytes(),
    feeling: mood().default("it's complicated"),
    search: customType('tsvector'),
    tags: customType('text[]'),
    legacy: customType('int4'),
    nothing: text().default(null),
  },
  (t) => [
    index('ix_users_created').on(t.createdAt),
    uniqueIndex('ux_users_lower_email').on(sql`lower(email)`),
    index('ix_users_active_name').on(t.active, t.name).where(sql`active AND name IS NOT NULL`),
    index('ix_users_mixed').on(sql`(big + small)`, t.email),
    check('ck_users_big', sql`big >= 0`),
    check('ck_users_price', sql`price between 0 and 1000 and code in ('abc', 'xyz') and email like '%@%'`),
    check('ck_users_feeling', sql`feeling <> 'sad' or not active`),
  ],
  { comment: 'People who use the thing' },
)

const orders = table(
  'Order',
  {
    id: bigint().autoincrement('always'),
    region: smallint().notNull(),
    userId: integer('user id').references(() => users.id, { onDelete: 'cascade', onUpdate: 'restrict' }),
    select: text('select').comment('a reserved word'),
    quoted: text('say "hi"'),
    parentId: bigint('parent_id'),
    parentRegion: smallint('parent_region'),
    serialNo: customType('serial', 'serial_no'),
  },
  (t) => [
    primaryKey({ name: 'pk_order', columns: [t.id, t.region] }),
    unique('uq_order_select_quoted').on(t.select, t.quoted),
    foreignKey({ name: 'fk_order_parent', columns: [t.parentId, t.parentRegion], references: { table: 'Order', columns: ['id', 'region'] }, onDelete: 'set null', deferrable: 'initially deferred' }),
    foreignKey({ name: 'fk_order_user_deferrable', columns: [t.userId], references: () => [users.id], deferrable: true }),
  ],
)

const events = table(
  'events',
  {
    id: integer().autoincrement('by-default').primaryKey(),
    level: level().notNull().default('low'),
    userId: integer('user_id').references(() => users.id, { onDelete: 'set default', onUpdate: 'no action' }),
    happenedAt: timestamp('happened_at', { withTimezone: true }),
  },
  (t) => [index('ix_events_happened').on(t.happenedAt).where(sql`happened_at > '2020-01-01'`)],
  { schema: 'audit', comment: 'Audit trail' },
)

const unnamedPk = table('plain', { a: integer(), b: text() }, (t) => [primaryKey({ name: undefined as unknown as string, columns: [t.a] })])

function kitchenSink(): SchemaModel {
  const model = buildSchemaModel([mood, level, users, orders, events, unnamedPk])
  // An unnamed primary key: the server names it <table>_pkey.
  model.tables.find((t) => t.name === 'plain')!.primaryKey!.name = null
  model.schemas = ['audit']
  return model
}

describe('postgres kitchen-sink round trip', () => {
  const ctx = usePostgresDatabase('roundtrip')
  let reflected: SchemaModel
  const model = kitchenSink()

  it('creates every object with the compiler', async () => {
    const { conn } = ctx()
    await apply(conn, new CreateSchemaOp('audit'))
    for (const e of model.enums) await apply(conn, new CreateEnumOp(e))
    // users first (referenced), then the rest.
    const ordered = [...model.tables].sort((a, b) => (a.name === 'users' ? -1 : b.name === 'users' ? 1 : 0))
    for (const t of ordered) await apply(conn, new CreateTableOp(t))
    const before = conn.queryCount
    reflected = await introspect(conn, ['public', 'audit'])
    assert.equal(conn.queryCount - before, INTROSPECTION_QUERY_COUNT)
  })

  it('reflects exactly canonicalize(model), defaults and expressions normalised', () => {
    const expected = comparable(postgresDialect.canonicalize(model))
    const actual = comparable(reflected)
    assert.deepEqual(actual.enums, expected.enums)
    assert.deepEqual(actual.schemas, expected.schemas)
    assert.deepEqual(actual.tables.map((t) => `${t.schema ?? ''}.${t.name}`), expected.tables.map((t) => `${t.schema ?? ''}.${t.name}`))
    for (let i = 0; i < expected.tables.length; i++) assert.deepEqual(actual.tables[i], expected.tables[i], `table ${expected.tables[i]!.name}`)
    assert.deepEqual(actual, expected)
  })

  it('reflects the facts the server keeps, in the model’s vocabulary', () => {
    const users = reflected.tables.find((t) => t.name === 'users')!
    const column = (name: string) => users.columns.find((c) => c.name === name)!
    assert.deepEqual(column('email').type, { kind: 'varchar', length: 200 })
    assert.deepEqual(column('price').type, { kind: 'numeric', precision: 10, scale: 2 })
    assert.deepEqual(column('wakes_tz').type, { kind: 'time', withTimezone: true, precision: 3 })
    assert.deepEqual(column('feeling').type, { kind: 'enum', name: 'mood', values: ['happy', 'sad', "it's complicated"] })
    assert.deepEqual(column('legacy').type, { kind: 'integer' })
    assert.deepEqual(column('search').type, { kind: 'raw', sql: 'tsvector' })
    assert.equal(column('id').autoincrement, 'by-default')
    assert.deepEqual(column('name').default, { kind: 'literal', value: 'anonymous' })
    assert.deepEqual(column('small').default, { kind: 'literal', value: -1 })
    assert.deepEqual(column('active').default, { kind: 'literal', value: true })
    assert.deepEqual(column('created_at').default, { kind: 'sql', sql: 'CURRENT_TIMESTAMP' })
    assert.equal(column('nothing').default, null)
    assert.equal(column('email').comment, "the user's address")
    assert.equal(users.comment, 'People who use the thing')
    assert.deepEqual(users.uniques, [{ name: 'uq_users_email', columns: ['email'] }])
    assert.ok(!users.indexes.some((i) => i.name === 'uq_users_email'), 'constraint-backing index is not reported')
    const order = reflected.tables.find((t) => t.name === 'Order')!
    assert.equal(order.columns.find((c) => c.name === 'serial_no')!.autoincrement, true)
    assert.equal(order.columns.find((c) => c.name === 'id')!.autoincrement, 'always')
    assert.deepEqual(order.primaryKey, { name: 'pk_order', columns: ['id', 'region'] })
    const events = reflected.tables.find((t) => t.name === 'events')!
    assert.equal(events.schema, 'audit')
    assert.deepEqual(events.columns.find((c) => c.name === 'level')!.type, { kind: 'enum', name: 'level', values: ['low', 'high'], schema: 'audit' })
    assert.deepEqual(reflected.tables.find((t) => t.name === 'plain')!.primaryKey, { name: 'plain_pkey', columns: ['a'] })
  })

  it('canonicalize is idempotent on a reflected model, except that a serial reads as the identity strata would create', () => {
    const again = comparable(postgresDialect.canonicalize(reflected))
    const serial = again.tables.find((t) => t.name === 'Order')!.columns.find((c) => c.name === 'serial_no')!
    assert.equal(serial.autoincrement, 'by-default')
    serial.autoincrement = true
    assert.deepEqual(again, comparable(reflected))
  })

  it('reflects the default schema as null unless asked for others', async () => {
    const { conn } = ctx()
    const plain = await introspect(conn)
    assert.deepEqual(plain.tables.map((t) => t.name), ['Order', 'plain', 'users'])
    assert.ok(plain.tables.every((t) => t.schema === null))
    assert.deepEqual(plain.enums.map((e) => e.name), ['mood'])
    assert.deepEqual(plain.schemas, [])
    const auditOnly = await introspect(conn, ['audit'])
    assert.deepEqual(auditOnly.tables.map((t) => `${t.schema}.${t.name}`), ['audit.events'])
    assert.deepEqual(auditOnly.enums, [{ name: 'level', schema: 'audit', values: ['low', 'high'] }])
    // A reference to a table in the current schema carries no schema.
    const fk = auditOnly.tables[0]!.foreignKeys[0]!
    assert.equal(fk.referencedTable, 'users')
    assert.equal(fk.referencedSchema, undefined)
    assert.equal(fk.onDelete, 'set default')
    assert.equal(fk.onUpdate, undefined)
  })

  it('leaves excluded tables out entirely', async () => {
    const { conn } = ctx()
    const model = await postgresDialect.introspect(conn, { excludeTables: (name) => name === 'users' })
    assert.deepEqual(model.tables.map((t) => t.name), ['Order', 'plain'])
  })

  it('detects a real difference after normalisation', async () => {
    const { conn } = ctx()
    await conn.execute(`ALTER TABLE users ALTER COLUMN big SET DEFAULT 1`)
    await conn.execute(`ALTER TABLE users DROP CONSTRAINT ck_users_big, ADD CONSTRAINT ck_users_big CHECK (big > 0)`)
    const after = comparable(await introspect(conn, ['public', 'audit']))
    const expected = comparable(postgresDialect.canonicalize(model))
    const users = (m: SchemaModel) => m.tables.find((t) => t.name === 'users')!
    assert.notDeepEqual(users(after).columns.find((c) => c.name === 'big'), users(expected).columns.find((c) => c.name === 'big'))
    assert.notDeepEqual(users(after).checks, users(expected).checks)
  })
})
