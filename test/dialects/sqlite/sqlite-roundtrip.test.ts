/** The golden rule: what strata creates on SQLite reflects back as canonicalize(model). */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { sqliteDialect } from '../../../src/dialects/sqlite/sqlite-dialect.js'
import { CreateEnumOp, CreateTableOp } from '../../../src/operations/index.js'
import { findTable } from '../../../src/schema/model.js'
import { type TestDb, apply, comparable, kitchenSink, openTestDb, reflect } from './helpers.js'

describe('sqlite kitchen-sink round trip', () => {
  let db: TestDb
  before(async () => {
    db = await openTestDb('roundtrip')
  })
  after(async () => {
    await db.close()
  })

  it('introspect(create(model)) equals canonicalize(model)', async () => {
    const model = kitchenSink()
    await apply(db.connection, ...model.enums.map((e) => new CreateEnumOp(e)), ...model.tables.map((t) => new CreateTableOp(t)))
    const reflected = await reflect(db.connection)
    const canonical = sqliteDialect.canonicalize(model)
    assert.deepStrictEqual(comparable(reflected), comparable(canonical))
  })

  it('reflects defaults, types and names exactly, not only after normalising', async () => {
    const reflected = await reflect(db.connection)
    assert.deepStrictEqual(reflected, sqliteDialect.canonicalize(kitchenSink()))
  })

  it('canonicalize is idempotent and stable under re-canonicalising the reflection', async () => {
    const reflected = await reflect(db.connection)
    assert.deepStrictEqual(sqliteDialect.canonicalize(reflected), reflected)
  })

  it('keeps the facts the canonical form promises', async () => {
    const reflected = await reflect(db.connection)
    const users = findTable(reflected, 'users')!
    const byName = (n: string) => users.columns.find((c) => c.name === n)!
    assert.deepStrictEqual(byName('id'), { name: 'id', type: { kind: 'integer' }, nullable: false, default: null, autoincrement: true })
    assert.deepStrictEqual(byName('feeling').type, { kind: 'enum', name: 'mood', values: ['happy', 'sad', "it's complicated"] })
    assert.deepStrictEqual(byName('active').default, { kind: 'literal', value: true })
    assert.deepStrictEqual(byName('deleted').default, { kind: 'literal', value: false })
    assert.deepStrictEqual(byName('age').default, { kind: 'literal', value: -1 })
    assert.deepStrictEqual(byName('note').default, { kind: 'literal', value: "it's" })
    assert.deepStrictEqual(byName('created_at').default, { kind: 'sql', sql: 'CURRENT_TIMESTAMP' })
    assert.deepStrictEqual(byName('settings').type, { kind: 'json' }, 'jsonb is stored as JSON')
    assert.deepStrictEqual(byName('wakes_tz').type, { kind: 'time', withTimezone: true, precision: 3 })
    assert.deepStrictEqual(byName('legacy').type, { kind: 'raw', sql: 'MONEY(10)' })
    assert.equal(users.comment, null, 'SQLite keeps no comments')
    assert.deepStrictEqual(users.primaryKey, { name: 'pk_users', columns: ['id'] })
    assert.deepStrictEqual(
      users.indexes.map((i) => i.name),
      ['ix_users_active_partial', 'ix_users_created', 'ux_users_lower_email'],
      'unique constraints are not reported as indexes',
    )
    assert.deepStrictEqual(users.uniques.map((u) => u.name), ['uq_users_country_name', 'uq_users_email'])
    const teams = findTable(reflected, 'teams')!
    assert.deepStrictEqual(teams.primaryKey, { name: 'pk_teams', columns: ['org', 'code'] })
    const reviewer = teams.foreignKeys.find((f) => f.name === 'fk_reviewer')!
    assert.deepStrictEqual(reviewer, {
      name: 'fk_reviewer',
      columns: ['reviewer_id'],
      referencedTable: 'users',
      referencedColumns: ['id'],
      onDelete: 'restrict',
      deferrable: 'initially deferred',
    })
    assert.deepStrictEqual(reflected.enums, [{ name: 'mood', schema: null, values: ['happy', 'sad', "it's complicated"] }])
  })

  it('uses a fixed number of catalog queries whatever the number of tables', async () => {
    let count = 0
    const counting = {
      ...db.connection,
      dialect: 'sqlite' as const,
      query: async <T>(sql: string, params?: unknown[]) => {
        count++
        return db.connection.query<T>(sql, params)
      },
      execute: (sql: string, params?: unknown[]) => db.connection.execute(sql, params),
      close: async () => {},
    }
    await sqliteDialect.introspect(counting)
    const withFewTables = count
    for (let i = 0; i < 5; i++) await db.connection.execute(`CREATE TABLE extra_${i} (id INTEGER PRIMARY KEY, v TEXT UNIQUE)`)
    count = 0
    await sqliteDialect.introspect(counting)
    assert.equal(count, withFewTables)
    assert.ok(withFewTables <= 6)
  })

  it('leaves out excluded tables and sqlite internals', async () => {
    const reflected = await sqliteDialect.introspect(db.connection, { excludeTables: (name) => name.startsWith('extra_') || name === 'teams' })
    assert.deepStrictEqual(reflected.tables.map((t) => t.name), ['Order Items', 'users'])
  })
})
