import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  check,
  enumeration,
  foreignKey,
  index,
  integer,
  primaryKey,
  sql,
  table,
  text,
  timestamp,
  unique,
  varchar,
} from '../../../src/index.js'
import { buildSchemaModel } from '../../../src/internals.js'
import { shortenName } from '../../../src/schema/naming.js'
import { cloneModel } from '../../../src/schema/model.js'

describe('schema DSL → model', () => {
  const users = table('users', { id: integer().primaryKey().autoincrement(), email: varchar({ length: 200 }).notNull().unique() })
  const mood = enumeration('mood', ['happy', 'sad'])
  const packages = table(
    'packages',
    {
      id: varchar({ length: 100 }).primaryKey(),
      createdDate: timestamp('created_date').notNull().default(sql`CURRENT_TIMESTAMP`),
      maintainerId: integer('maintainer_id').references(() => users.id, { onDelete: 'cascade' }),
      feeling: mood().default('happy'),
      summary: text().comment('one line').renamedFrom('description'),
    },
    (t) => [index().on(t.createdDate), unique('uq_custom').on(t.summary, t.feeling), check('ck_packages_id', sql`length(id) > 0`)],
    { comment: 'PyPI packages' },
  )
  const model = buildSchemaModel([users, packages, mood, 'not a table', 42])

  it('counts every exported table and enum, nothing else', () => {
    assert.deepEqual(model.tables.map((t) => t.name), ['users', 'packages'])
    assert.deepEqual(model.enums, [{ name: 'mood', schema: null, values: ['happy', 'sad'] }])
  })

  it('uses the key as the column name unless the builder names it', () => {
    const p = model.tables[1]!
    assert.deepEqual(p.columns.map((c) => c.name), ['id', 'created_date', 'maintainer_id', 'feeling', 'summary'])
    assert.equal(p.columns[0]!.nullable, false, 'primary key implies NOT NULL')
    assert.deepEqual(p.columns[1]!.default, { kind: 'sql', sql: 'CURRENT_TIMESTAMP' })
    assert.deepEqual(p.columns[3]!.default, { kind: 'literal', value: 'happy' })
    assert.equal(p.columns[4]!.renamedFrom, 'description')
    assert.equal(p.comment, 'PyPI packages')
  })

  it('names every unnamed constraint and index by the convention', () => {
    const [u, p] = model.tables
    assert.deepEqual(u!.primaryKey, { name: 'pk_users', columns: ['id'] })
    assert.deepEqual(u!.uniques, [{ name: 'uq_users_email', columns: ['email'] }])
    assert.deepEqual(p!.indexes, [{ name: 'ix_packages_created_date', elements: ['created_date'], unique: false }])
    assert.deepEqual(p!.foreignKeys, [
      { name: 'fk_packages_maintainer_id_users', columns: ['maintainer_id'], referencedTable: 'users', referencedColumns: ['id'], onDelete: 'cascade' },
    ])
    assert.deepEqual(p!.uniques, [{ name: 'uq_custom', columns: ['summary', 'feeling'] }])
    assert.deepEqual(p!.checks, [{ name: 'ck_packages_id', expression: 'length(id) > 0' }])
  })

  it('builds composite keys, expression and partial indexes, and table-level foreign keys', () => {
    const pairs = table('pairs', { a: integer(), b: integer(), note: text() }, (t) => [
      primaryKey({ columns: [t.a, t.b] }),
      foreignKey({ columns: [t.a], references: { table: 'users', columns: ['id'] }, onUpdate: 'restrict' }),
      index('ix_lower').on(sql`lower(note)`).where(sql`note IS NOT NULL`),
    ])
    const [m] = buildSchemaModel([pairs]).tables
    assert.deepEqual(m!.primaryKey, { name: 'pk_pairs', columns: ['a', 'b'] })
    assert.ok(m!.columns.slice(0, 2).every((c) => !c.nullable))
    assert.equal(m!.foreignKeys[0]!.name, 'fk_pairs_a_users')
    assert.equal(m!.foreignKeys[0]!.onUpdate, 'restrict')
    assert.deepEqual(m!.indexes[0], { name: 'ix_lower', elements: [{ expression: 'lower(note)' }], unique: false, where: 'note IS NOT NULL' })
  })

  it('shortens long generated names deterministically within 63 bytes', () => {
    const long = `ix_${'a'.repeat(80)}`
    const short = shortenName(long)
    assert.ok(Buffer.byteLength(short) <= 63)
    assert.equal(short, shortenName(long))
    assert.notEqual(short, shortenName(`${long}b`))
  })

  it('rejects a table declared twice and an enum with conflicting values', () => {
    assert.throws(() => buildSchemaModel([table('t', { a: integer() }), table('t', { b: integer() })]), /declared twice/)
    assert.throws(() => buildSchemaModel([enumeration('e', ['a']), enumeration('e', ['b'])]), /different values/)
  })
})

describe('cloneModel', () => {
  it('copies a model as structuredClone does, sharing no object with it', () => {
    const users = table('users', { id: integer().primaryKey(), email: varchar({ length: 200 }).notNull().unique().comment('login') })
    const model = buildSchemaModel([users, table('posts', { id: integer().primaryKey(), author: integer().references(() => users.id) }, (t) => [index().on(t.author)])])
    const copy = cloneModel(model)
    assert.deepEqual(copy, structuredClone(model))
    const shared: string[] = []
    const walk = (a: unknown, b: unknown, path: string) => {
      if (typeof a !== 'object' || a === null) return
      if (a === b) shared.push(path)
      for (const key of Object.keys(a)) walk((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], `${path}.${key}`)
    }
    walk(model, copy, 'model')
    assert.deepEqual(shared, [])
    copy.tables[0]!.columns[0]!.name = 'changed'
    assert.equal(model.tables[0]!.columns[0]!.name, 'id')
  })

  it('keeps undefined properties and copies a class instance as structuredClone does (a plain object)', () => {
    class Point {
      constructor(readonly x: number) {}
    }
    const value = { a: undefined, p: new Point(1), list: [1, 'two', null] }
    const copy = cloneModel(value)
    assert.ok(Object.hasOwn(copy, 'a'))
    assert.deepEqual(copy, structuredClone(value))
    assert.equal(Object.getPrototypeOf(copy.p), Object.prototype)
  })
})
