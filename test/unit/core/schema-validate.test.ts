/**
 * Issue 11: schema mistakes caught when the schema loads for a database, one line naming the table and column or
 * object. The dialects' own rules (src/dialects/…-dialect.ts) are used, not copies.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { enumeration, index, integer, sql, table, text, timestamp, unique, uniqueIndex } from '../../../src/index.js'
import { mysqlDialect } from '../../../src/dialects/mysql/mysql-dialect.js'
import { postgresDialect } from '../../../src/dialects/postgres/postgres-dialect.js'
import { sqliteDialect } from '../../../src/dialects/sqlite/sqlite-dialect.js'
import { buildSchemaModel } from '../../../src/internals.js'
import { type SchemaDialect, validateSchemaFor } from '../../../src/schema/validate.js'

const DIALECTS = { sqlite: sqliteDialect, postgres: postgresDialect, mysql: mysqlDialect }

/** The message for `tables` on a dialect, or null when it is accepted. */
function problem(dialect: SchemaDialect, ...tables: unknown[]): string | null {
  try {
    validateSchemaFor(buildSchemaModel(tables), dialect)
    return null
  } catch (error) {
    return (error as Error).message
  }
}

describe('schema validation at load', () => {
  it('one index name on two tables: rejected where index names share a schema namespace, accepted on MySQL', () => {
    const a = table('a', { id: integer().primaryKey(), v: integer() }, (t) => [index('ix_v').on(t.v)])
    const b = table('b', { id: integer().primaryKey(), v: integer() }, (t) => [uniqueIndex('ix_v').on(t.v)])
    assert.equal(
      problem(postgresDialect, a, b),
      "index 'ix_v' is declared on tables 'a' and 'b'; PostgreSQL keeps index names unique per schema (MySQL alone allows this): rename one",
    )
    assert.equal(
      problem(sqliteDialect, a, b),
      "index 'ix_v' is declared on tables 'a' and 'b'; SQLite keeps index names unique per schema (MySQL alone allows this): rename one",
    )
    assert.equal(problem(mysqlDialect, a, b), null)
    // Tables in two PostgreSQL schemas may share an index name.
    const c = table('b', { id: integer().primaryKey(), v: integer() }, (t) => [index('ix_v').on(t.v)], { schema: 'other' })
    assert.equal(problem(postgresDialect, a, c), null)
  })

  it('identifiers past the limit: 63 bytes on PostgreSQL, 64 characters on MySQL, none on SQLite', () => {
    const long64 = 'c'.repeat(64)
    const wide = 'é'.repeat(32) // 32 characters, 64 bytes
    const t = table('t', { id: integer().primaryKey(), [long64]: integer() })
    assert.equal(problem(postgresDialect, t), `column 't.${long64}': the name is 64 bytes long; PostgreSQL allows at most 63: shorten it`)
    assert.equal(problem(mysqlDialect, t), null)
    assert.equal(problem(sqliteDialect, t), null)
    const w = table('w', { id: integer().primaryKey(), [wide]: integer() })
    assert.match(problem(postgresDialect, w)!, /^column 'w\.é+': the name is 64 bytes long; PostgreSQL allows at most 63: shorten it$/)
    assert.equal(problem(mysqlDialect, w), null, '32 characters are fine on MySQL')
    const tableName = 't'.repeat(65)
    assert.equal(
      problem(mysqlDialect, table(tableName, { id: integer().primaryKey() })),
      `table '${tableName}': the name is 65 characters long; MySQL/MariaDB allows at most 64: shorten it`,
    )
    const named = table('n', { id: integer().primaryKey(), v: integer() }, (t) => [index('x'.repeat(64)).on(t.v)])
    assert.equal(problem(postgresDialect, named), `index '${'x'.repeat(64)}' on table 'n': the name is 64 bytes long; PostgreSQL allows at most 63: shorten it`)
  })

  it('generated names: shortened with a hash past 63 bytes (no collision), and a generated name given twice is named', () => {
    const prefix = 'a_rather_long_column_name_that_repeats_'
    const t = table('events', { id: integer().primaryKey(), [`${prefix}one`]: integer(), [`${prefix}two`]: integer() }, (c) => [
      index().on(c[`${prefix}one`]!),
      index().on(c[`${prefix}two`]!),
    ])
    for (const dialect of Object.values(DIALECTS)) assert.equal(problem(dialect, t), null, dialect.name)
    const names = buildSchemaModel([t]).tables[0]!.indexes.map((i) => i.name)
    assert.notEqual(names[0], names[1])
    for (const name of names) assert.ok(Buffer.byteLength(name) <= 63, name)
    // ix_t_a_b from the column a_b and from the columns (a, b).
    const clash = table('t', { id: integer().primaryKey(), a: integer(), b: integer(), a_b: integer() }, (c) => [index().on(c.a_b), index().on(c.a, c.b)])
    for (const dialect of Object.values(DIALECTS))
      assert.equal(problem(dialect, clash), "table 't': index 'ix_t_a_b' and index 'ix_t_a_b' have the same name: name one of them", dialect.name)
    const given = table('u', { id: integer().primaryKey(), email: text() }, (c) => [unique().on(c.email), index('uq_u_email').on(c.email)])
    assert.equal(problem(postgresDialect, given), "table 'u': index 'uq_u_email' and unique constraint 'uq_u_email' have the same name: name one of them")
  })

  it('an enum value rename hint written the wrong way round is refused, with the right way (it matched nothing before)', () => {
    assert.throws(
      () => enumeration('plan', ['free', 'paid_members'], { renamedValues: { paid: 'paid_members' } }),
      /enumeration\('plan'\): renamedValues maps each new value to its old one, and 'paid' is not one of its values \(did you mean \{ paid_members: 'paid' \}\?\)$/,
    )
    assert.equal(enumeration('plan', ['free', 'paid_members'], { renamedValues: { paid_members: 'paid' } }).model.renamedValues?.paid_members, 'paid')
  })

  it('default(undefined) names the column instead of failing later with a TypeError', () => {
    const t = table('t', { id: integer().primaryKey(), note: text().default(undefined as unknown as string) })
    assert.throws(() => buildSchemaModel([t]), /column 't\.note': default\(undefined\): pass a value \(null for NULL\), or leave \.default\(\) out/)
  })

  it('a default calling now() is rejected on SQLite, naming the column and the portable spelling', () => {
    const events = table('events', { id: integer().primaryKey(), createdAt: timestamp('created_at').notNull().default(sql`now()`) })
    assert.equal(
      problem(sqliteDialect, events),
      "column 'events.created_at': the default sql`now()` calls now(), which SQLite does not have (every insert would fail): use sql`CURRENT_TIMESTAMP`, which every dialect accepts",
    )
    assert.equal(problem(postgresDialect, events), null)
    assert.equal(problem(mysqlDialect, events), null)
    const quoted = table('q', { id: integer().primaryKey(), note: text().default(sql`'now()'`), at: timestamp().default(sql`CURRENT_TIMESTAMP`) })
    assert.equal(problem(sqliteDialect, quoted), null, 'inside a string literal, or the portable spelling')
    const upper = table('e', { id: integer().primaryKey(), at: timestamp().default(sql`NOW ()`) })
    assert.match(problem(sqliteDialect, upper)!, /^column 'e\.at': the default sql`NOW \(\)` calls now\(\)/)
  })
})
