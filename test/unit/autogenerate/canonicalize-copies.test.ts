/**
 * Compare canonicalizes the declared model without a deep copy first (the Dialect contract): every dialect's
 * canonical form must share no object with the declared model and leave it unchanged, or compare's work on the
 * canonical side (and operations holding its objects) would reach into the user's schema.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { dialectNames, dialectRegistry } from '../../../src/dialects/registry.js'
import type { Dialect } from '../../../src/dialects/dialect.js'
import { cloneModel, type SchemaModel } from '../../../src/schema/model.js'
import { bigint, customType, integer, text, timestamp, varchar } from '../../../src/schema/columns.js'
import { check, index, unique, uniqueIndex } from '../../../src/schema/extras.js'
import { table } from '../../../src/schema/table.js'
import { enumeration, model, sql } from './support.js'

const mood = enumeration('mood', ['happy', 'sad'])

/** Defaults of both kinds, generated and collated columns, raw and enum types, every constraint and index kind. */
function declared(): SchemaModel {
  const users = table('users', {
    id: integer().primaryKey().autoincrement(),
    email: varchar({ length: 200 }).notNull().unique().collate('C'),
    nick: varchar({ length: 30 }).default('anon'),
    feeling: mood().default('happy'),
    vector: customType('text'),
    lower: varchar({ length: 200 }).generatedAlwaysAs(sql`lower(email)`, { stored: true }),
    createdAt: timestamp('created_at', { precision: 6 }).notNull().default(sql`CURRENT_TIMESTAMP`).comment('creation time'),
  }, (t) => [index('ix_users_nick').on(t.nick).include(t.email), uniqueIndex('ux_users_nick').on(t.nick, t.createdAt), index('ix_users_expr').on(sql`lower(nick)`).where(sql`nick is not null`)], { comment: 'People' })
  const posts = table('posts', {
    id: bigint().primaryKey(),
    authorId: integer('author_id').notNull().references(() => users.id, { onDelete: 'cascade', onUpdate: 'restrict' }),
    title: text().notNull(),
  }, (t) => [check('ck_posts_title', sql`length(title) > 0`), unique('uq_posts_author_title').on(t.authorId, t.title), index('fk_posts_author').on(t.authorId), index('ix_posts_title_desc').on(t.title.desc().nullsFirst())])
  return model(mood, users, posts)
}

function objectsOf(value: unknown, into = new Set<object>()): Set<object> {
  if (typeof value !== 'object' || value === null || into.has(value)) return into
  into.add(value)
  for (const child of Object.values(value)) objectsOf(child, into)
  return into
}

async function everyDialect(): Promise<Dialect[]> {
  return Promise.all(dialectNames.map((name) => dialectRegistry[name].load()))
}

describe("every dialect's canonicalize", () => {
  it('is checked for every registered dialect', async () => {
    const names = (await everyDialect()).map((d) => d.name)
    for (const name of ['sqlite', 'postgres', 'mysql'] as const) assert.ok(names.includes(name), names.join(', '))
  })

  it('shares no object with the declared model and leaves it unchanged', async () => {
    for (const dialect of await everyDialect()) {
      const input = declared()
      const before = cloneModel(input)
      const output = dialect.canonicalize(input)
      assert.deepEqual(input, before, `${dialect.name} changed its input`)
      const inputObjects = objectsOf(input)
      const shared = [...objectsOf(output)].filter((object) => inputObjects.has(object))
      assert.deepEqual(shared, [], `${dialect.name} shares objects with its input`)
      assert.deepEqual(output, dialect.canonicalize(cloneModel(input)), dialect.name)
    }
  })
})
