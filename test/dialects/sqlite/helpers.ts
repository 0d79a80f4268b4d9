/** Shared pieces of the SQLite dialect tests: a kitchen-sink schema, running operations, comparing models. */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { CompileContext, Connection } from '../../../src/dialects/dialect.js'
import { sqliteDialect } from '../../../src/dialects/sqlite/sqlite-dialect.js'
import type { AnyOperation, Operation } from '../../../src/operations/index.js'
import { parseDatabaseUrl } from '../../../src/runtime/url.js'
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
import { type SchemaModel, type TableModel, findTable } from '../../../src/schema/model.js'
import { sql } from '../../../src/schema/sql.js'
import { table } from '../../../src/schema/table.js'

export const mood = enumeration('mood', ['happy', 'sad', "it's complicated"])

export const users = table(
  'users',
  {
    id: integer().primaryKey().autoincrement(),
    email: varchar({ length: 255 }).notNull().unique(),
    displayName: varchar('display_name').comment('shown in the UI'),
    country: char({ length: 2 }).notNull().default('NL'),
    age: smallint().default(-1),
    karma: bigint().notNull().default(0),
    score: real().default(1.5),
    ratio: double(),
    balance: numeric({ precision: 12, scale: 2 }).notNull().default(sql`0`),
    rough: numeric(),
    whole: numeric({ precision: 8 }),
    active: boolean().notNull().default(true),
    deleted: boolean().notNull().default(false),
    born: date(),
    wakes: time(),
    wakesTz: time('wakes_tz', { withTimezone: true, precision: 3 }),
    createdAt: timestamp('created_at').notNull().default(sql`CURRENT_TIMESTAMP`),
    seenAt: timestamp('seen_at', { withTimezone: true }),
    preciseAt: timestamp('precise_at', { precision: 6 }),
    profile: json(),
    settings: jsonb().default('{}'),
    token: uuid(),
    avatar: bytes(),
    feeling: mood().notNull().default('happy'),
    otherFeeling: mood('other_feeling'),
    legacy: customType('MONEY(10)'),
    note: text().default("it's"),
    computedDefault: integer('computed_default').default(sql`(1 + 2)`),
    lowered: text().default(sql`lower('ABC')`),
    nothing: text().default(null),
  },
  (t) => [
    index('ix_users_created').on(t.createdAt),
    uniqueIndex('ux_users_lower_email').on(sql`lower(email)`),
    index('ix_users_active_partial').on(t.country, t.age).where(sql`deleted = 0`),
    check('ck_users_age', sql`age >= -1`),
    unique('uq_users_country_name').on(t.country, t.displayName),
  ],
  { comment: 'people' },
)

export const teams = table('teams', {
  org: varchar({ length: 20 }),
  code: varchar({ length: 20 }),
  parentOrg: varchar('parent_org', { length: 20 }),
  parentCode: varchar('parent_code', { length: 20 }),
  ownerId: integer('owner_id').references(() => users.id, { onDelete: 'set null', onUpdate: 'cascade' }),
  reviewerId: integer('reviewer_id').references('users.id', { name: 'fk_reviewer', deferrable: 'initially deferred', onDelete: 'restrict' }),
  auditorId: integer('auditor_id').references('users.id', { onDelete: 'set default', deferrable: true, onUpdate: 'no action' }),
}, (t) => [
  primaryKey({ columns: [t.org, t.code] }),
  foreignKey({ name: 'fk_teams_parent', columns: [t.parentOrg, t.parentCode], references: { table: 'teams', columns: ['org', 'code'] }, onDelete: 'cascade' }),
  check('ck_teams_code', sql`length("code") > 0 AND code <> 'x'`),
])

/** Weird names: reserved words, spaces, quotes, mixed case. */
export const weird = table('Order Items', {
  select: integer().primaryKey(),
  'quote"d': text('quote"d').default('a"b'),
  MixedCase: varchar({ length: 5 }),
}, (t) => [index('ix "weird"').on(t.MixedCase, t.select)])

export function kitchenSink(): SchemaModel {
  return buildSchemaModel([mood, users, teams, weird])
}

export interface TestDb {
  connection: Connection
  file: string
  dir: string
  close(): Promise<void>
}

export async function openTestDb(label: string): Promise<TestDb> {
  const dir = mkdtempSync(join(tmpdir(), `strata-sqlite-${label}-`))
  const file = join(dir, 'test.sqlite')
  const connection = await sqliteDialect.connect(parseDatabaseUrl(`sqlite:///${file}`, dir))
  return {
    connection,
    file,
    dir,
    close: async () => {
      await connection.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

export function onlineContext(connection: Connection): CompileContext {
  return {
    offline: false,
    connection,
    table: async (name, schema) => findTable(await sqliteDialect.introspect(connection), name, schema),
  }
}

/** Compiles and runs operations in one transaction, the way a migration step does. */
export async function apply(connection: Connection, ...operations: Operation[]): Promise<string[]> {
  const all: string[] = []
  await connection.execute('BEGIN IMMEDIATE')
  try {
    for (const operation of operations) {
      const statements = await sqliteDialect.compile(operation as AnyOperation, onlineContext(connection))
      for (const statement of statements) await connection.execute(statement)
      all.push(...statements)
    }
    await connection.execute('COMMIT')
  } catch (error) {
    await connection.execute('ROLLBACK')
    throw error
  }
  return all
}

export async function reflect(connection: Connection): Promise<SchemaModel> {
  return sqliteDialect.introspect(connection)
}

export async function reflectTable(connection: Connection, name: string): Promise<TableModel> {
  const found = findTable(await reflect(connection), name, null)
  if (!found) throw new Error(`table ${name} not found`)
  return found
}

/** Defaults and expressions in their comparison spelling, so that deep equality checks everything else. */
export function comparable(model: SchemaModel): SchemaModel {
  const copy = structuredClone(model)
  for (const t of copy.tables) {
    for (const c of t.columns) {
      const normal = sqliteDialect.normalizeDefault(c.default, c)
      c.default = normal === null ? null : { kind: 'sql', sql: normal }
    }
    for (const ch of t.checks) ch.expression = sqliteDialect.normalizeExpression(ch.expression)
    for (const i of t.indexes) {
      i.elements = i.elements.map((e) => (typeof e === 'string' || !('expression' in e) ? e : { ...e, expression: sqliteDialect.normalizeExpression(e.expression) }))
      if (i.where) i.where = sqliteDialect.normalizeExpression(i.where)
    }
  }
  return copy
}
