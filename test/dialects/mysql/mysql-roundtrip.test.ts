/**
 * The golden rule on MariaDB: a kitchen-sink model created by the MySQL compiler reflects back as exactly
 * `canonicalize(model)` (defaults and expressions compared in their normalised spellings).
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { mysqlDialect } from '../../../src/dialects/mysql/mysql-dialect.js'
import { CreateEnumOp, CreateIndexOp, CreateTableOp } from '../../../src/operations/index.js'
import { buildSchemaModel } from '../../../src/schema/build.js'
import {
  bigint,
  boolean,
  bytes,
  char,
  customType,
  date,
  double,
  integer,
  json,
  jsonb,
  numeric,
  real,
  smallint,
  text,
  time,
  timestamp,
  uuid,
  varchar,
} from '../../../src/schema/columns.js'
import { enumeration } from '../../../src/schema/enum.js'
import { check, foreignKey, index, primaryKey, unique, uniqueIndex } from '../../../src/schema/extras.js'
import type { SchemaModel } from '../../../src/schema/model.js'
import { sql } from '../../../src/schema/sql.js'
import { table } from '../../../src/schema/table.js'
import { type MysqlTestContext, comparable, openMysql, tableOf } from './helpers.js'

const mood = enumeration('mood', ['happy', 'sad', "it's complicated"])
const status = enumeration('status', ['draft', 'live'])

const teams = table('teams', {
  id: integer().primaryKey().autoincrement(),
  name: varchar({ length: 80 }).notNull().unique(),
})

const users = table(
  'users',
  {
    id: bigint().primaryKey().autoincrement('by-default'),
    email: varchar({ length: 191 }).notNull(),
    displayName: varchar('display_name').comment("shown in the UI, it's public"),
    country: char({ length: 2 }).notNull().default('NL'),
    age: smallint().default(-1),
    karma: bigint().notNull().default(0),
    score: real().default(1.5),
    ratio: double().default(sql`2.25`),
    balance: numeric({ precision: 12, scale: 2 }).notNull().default('1.50'),
    rough: numeric(),
    whole: numeric({ precision: 8 }),
    active: boolean().notNull().default(true),
    deleted: boolean().notNull().default(false),
    born: date().default('2000-01-01'),
    wakes: time().default('07:30'),
    wakesTz: time('wakes_tz', { withTimezone: true, precision: 3 }),
    createdAt: timestamp('created_at').notNull().default(sql`CURRENT_TIMESTAMP`),
    seenAt: timestamp('seen_at', { withTimezone: true, precision: 3 }).default(sql`now()`),
    preciseAt: timestamp('precise_at', { precision: 6 }).default('2020-01-02T03:04:05'),
    profile: json(),
    settings: jsonb().default('{}'),
    token: uuid().default(sql`uuid()`),
    avatar: bytes(),
    feeling: mood().notNull().default('happy'),
    otherFeeling: mood('other_feeling'),
    legacy: customType('MEDIUMTEXT'),
    small: customType('int(10) unsigned'),
    decimalRaw: customType('DECIMAL(12, 4)', 'decimal_raw'),
    note: text().default("it's \\ fine"),
    computed: integer().default(sql`(1 + 2)`),
    nothing: text().default(null),
    teamId: integer('team_id').references(() => teams.id, { onDelete: 'set null', onUpdate: 'cascade' }),
  },
  (t) => [
    index('ix_users_created').on(t.createdAt),
    index('ix_users_country_age').on(t.country, t.age),
    uniqueIndex('ux_users_email').on(t.email),
    index('ix_users_name_desc').on(sql`display_name DESC`),
    index('ix_users_note_prefix').on(sql`note(20)`),
    // Unique, but not on plain columns: stays an index.
    uniqueIndex('ux_users_legacy_prefix').on(sql`legacy(30)`, t.country),
    check('ck_users_age', sql`age >= -1 AND (karma > 0 OR NOT (deleted = TRUE))`),
    check('ck_users_feeling', sql`feeling IN ('happy', 'sad') OR other_feeling IS NOT NULL`),
    unique('uq_users_country_name').on(t.country, t.displayName),
  ],
  { comment: "people, it's true" },
)

const memberships = table(
  'memberships',
  {
    userId: bigint('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    teamId: integer('team_id').notNull(),
    role: status().notNull().default('draft'),
    since: timestamp({ precision: 3 }).notNull().default(sql`CURRENT_TIMESTAMP(3)`),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.teamId] }),
    foreignKey({ name: 'fk_memberships_team', columns: [t.teamId], references: () => [teams.id], onDelete: 'restrict', deferrable: true }),
    index('ix_memberships_team_role').on(t.teamId, t.role),
  ],
)

// Names that need quoting: a reserved word, spaces, a backtick, mixed case.
const awkward = table(
  'order',
  {
    select: integer().primaryKey(),
    'my column': varchar({ length: 20 }).default("a 'quoted' value"),
    'we`ird': text(),
    MixedCase: integer().references('order.select'),
  },
  (t) => [index('ix order select').on(t['my column']), check('ck`order', sql`\`select\` > 0`)],
  { comment: '' },
)

/** A composite foreign key onto a composite primary key. */
const audits = table('audits', {
  id: integer().primaryKey().autoincrement(),
  userId: bigint('user_id').notNull(),
  teamId: integer('team_id').notNull(),
}, (t) => [foreignKey({ name: 'fk_audits_membership', columns: [t.userId, t.teamId], references: () => [memberships.userId, memberships.teamId], onDelete: 'no action' })])

function kitchenSink(): SchemaModel {
  return buildSchemaModel([mood, status, teams, users, memberships, awkward, audits])
}

async function createAll(ctx: MysqlTestContext, model: SchemaModel): Promise<void> {
  for (const e of model.enums) assert.deepEqual(await ctx.run(new CreateEnumOp(e)), [], 'enums are column types on MySQL')
  for (const t of model.tables) {
    // Indexes of one table go through CreateIndexOp to cover both paths.
    if (t.name === 'memberships') {
      const { indexes, ...rest } = t
      await ctx.run(new CreateTableOp({ ...rest, indexes: [] }))
      for (const i of indexes) await ctx.run(new CreateIndexOp(t.name, i))
    } else await ctx.run(new CreateTableOp(t))
  }
}

describe('mysql round trip (kitchen sink)', () => {
  let ctx: MysqlTestContext
  before(async () => {
    ctx = await openMysql('roundtrip')
  })
  after(async () => {
    await ctx?.close()
  })

  it('reflects what the compiler created as canonicalize(model)', async () => {
    const model = kitchenSink()
    await createAll(ctx, model)
    const reflected = await ctx.reflect()
    const canonical = mysqlDialect.canonicalize(model)
    assert.deepEqual(reflected.tables.map((t) => t.name), canonical.tables.map((t) => t.name))
    for (const t of canonical.tables) assert.deepEqual(comparable({ tables: [tableOf(reflected, t.name)], enums: [] }), comparable({ tables: [t], enums: [] }), `table ${t.name}`)
    assert.deepEqual(comparable(reflected), comparable(canonical))
  })

  it('maps types and details as documented', async () => {
    const users = tableOf(await ctx.reflect(), 'users')
    const col = (name: string) => users.columns.find((c) => c.name === name)!
    assert.deepEqual(col('active').type, { kind: 'boolean' })
    assert.deepEqual(col('token').type, { kind: 'char', length: 36 })
    assert.deepEqual(col('profile').type, { kind: 'json' })
    assert.deepEqual(col('settings').type, { kind: 'json' })
    assert.deepEqual(col('display_name').type, { kind: 'varchar', length: 255 })
    assert.deepEqual(col('rough').type, { kind: 'numeric', precision: 10, scale: 0 })
    assert.deepEqual(col('seen_at').type, { kind: 'timestamp', precision: 3 })
    assert.deepEqual(col('feeling').type, { kind: 'enum', name: '', values: ['happy', 'sad', "it's complicated"] })
    assert.deepEqual(col('legacy').type, { kind: 'raw', sql: 'mediumtext' })
    assert.deepEqual(col('small').type, { kind: 'raw', sql: 'int unsigned' })
    assert.deepEqual(col('decimal_raw').type, { kind: 'numeric', precision: 12, scale: 4 })
    assert.equal(col('id').autoincrement, true)
    assert.equal(col('display_name').comment, "shown in the UI, it's public")
    assert.deepEqual(col('note').default, { kind: 'literal', value: "it's \\ fine" })
    assert.deepEqual(col('active').default, { kind: 'literal', value: true })
    assert.deepEqual(col('balance').default, { kind: 'literal', value: 1.5 })
    assert.equal(users.comment, "people, it's true")
    assert.deepEqual(users.primaryKey, { columns: ['id'] })
    // The JSON column's automatic CHECK (json_valid) is hidden; the unique index is a unique constraint.
    assert.deepEqual(users.checks.map((c) => c.name), ['ck_users_age', 'ck_users_feeling'])
    assert.ok(users.uniques.some((u) => u.name === 'ux_users_email'))
    assert.deepEqual(users.foreignKeys, [
      { name: 'fk_users_team_id_teams', columns: ['team_id'], referencedTable: 'teams', referencedColumns: ['id'], onDelete: 'set null', onUpdate: 'cascade' },
    ])
    // The server created an index for the key (no other index covers team_id): it is not reported.
    const indexNames = await ctx.connection.query<{ INDEX_NAME: string }>(
      `SELECT DISTINCT INDEX_NAME FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'users'`,
    )
    assert.ok(indexNames.some((r) => r.INDEX_NAME === 'fk_users_team_id_teams'))
    assert.ok(!users.indexes.some((i) => i.name === 'fk_users_team_id_teams'))
  })

  it('keeps enums out of the schema model', async () => {
    const reflected = await ctx.reflect()
    assert.deepEqual(reflected.enums, [])
    assert.deepEqual(mysqlDialect.canonicalize(kitchenSink()).enums, [])
  })

  it('canonicalize is idempotent and a reflected model is already canonical', async () => {
    const canonical = mysqlDialect.canonicalize(kitchenSink())
    assert.deepEqual(mysqlDialect.canonicalize(canonical), canonical)
    const reflected = await ctx.reflect()
    assert.deepEqual(comparable(mysqlDialect.canonicalize(reflected)), comparable(reflected))
  })

  it('notices a real difference (the comparison can fail)', async () => {
    const model = kitchenSink()
    tableOf(model, 'users').columns.find((c) => c.name === 'karma')!.default = { kind: 'literal', value: 1 }
    assert.notDeepEqual(comparable(await ctx.reflect()), comparable(mysqlDialect.canonicalize(model)))
  })

  it('leaves excluded tables out entirely', async () => {
    const reflected = await mysqlDialect.introspect(ctx.connection, { excludeTables: (name) => name === 'audits' || name === 'order' })
    assert.deepEqual(reflected.tables.map((t) => t.name), ['memberships', 'teams', 'users'])
  })

  it('reflects tables written by hand with MySQL-only features', async () => {
    await ctx.connection.execute(
      `CREATE TABLE legacy (id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
         created TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP, body MEDIUMTEXT,
         n INT CHECK (n > 0), team_id INT, FOREIGN KEY (team_id) REFERENCES teams (id), FULLTEXT KEY ft_body (body))`,
    )
    const legacy = tableOf(await ctx.reflect(), 'legacy')
    const col = (name: string) => legacy.columns.find((c) => c.name === name)!
    assert.deepEqual(col('id').type, { kind: 'raw', sql: 'int unsigned' })
    assert.equal(col('id').autoincrement, true)
    assert.deepEqual(col('created').type, { kind: 'timestamp', mysqlType: 'timestamp' })
    assert.deepEqual(col('created').default, { kind: 'sql', sql: 'current_timestamp()' })
    assert.deepEqual(col('body').type, { kind: 'raw', sql: 'mediumtext' })
    // A column-level check is named after its column on MariaDB; it is a real check, unlike JSON's.
    assert.deepEqual(legacy.checks, [{ name: 'n', expression: '`n` > 0' }])
    assert.deepEqual(legacy.foreignKeys.map((f) => f.name), ['legacy_ibfk_1'])
    // A FULLTEXT key is not in the model (pull lists it as unmodelled): never written, added or dropped.
    assert.ok(!legacy.indexes.some((i) => i.name === 'ft_body'))
    await ctx.connection.execute('DROP TABLE legacy')
  })
})
