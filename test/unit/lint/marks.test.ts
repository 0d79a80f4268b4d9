/**
 * Autogenerate's marks come from the lint catalogue (issue 11: warnings a reviewer can trust), per dialect:
 * widening carries no `!`, narrowing does; a foreign key addition is marked; the index lock comment (and its
 * CONCURRENTLY advice) appears only where it applies; every mark names its rule.
 */
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { renderOperations } from '../../../src/autogenerate/render.js'
import { bigint, integer, numeric, text, varchar } from '../../../src/index.js'
import { recordOperations } from '../../../src/lint/recorder.js'
import { ALL_DIALECTS, type Body, existingSchema } from './support.js'

async function rendered(dialect: (typeof ALL_DIALECTS)[number], body: Body): Promise<string> {
  const recorded = await recordOperations(({ op }) => body(op), { dialect })
  return renderOperations(
    recorded.map((r) => r.operation),
    { dialect, model: await existingSchema(dialect) },
  ).upgrade
}

const marked = (source: string) => source.split('\n').filter((l) => l.trim().startsWith('// !'))

describe('autogenerate marks, per dialect', () => {
  const widenings: Array<[string, Body]> = [
    ['varchar 20 → 32', (op) => op.alterColumn('posts', 'title', { type: varchar({ length: 32 }), existingType: varchar({ length: 20 }) })],
    ['integer → bigint', (op) => op.alterColumn('users', 'age', { type: bigint(), existingType: integer() })],
    ['numeric precision up', (op) => op.alterColumn('users', 'age', { type: numeric({ precision: 12, scale: 2 }), existingType: numeric({ precision: 10, scale: 2 }) })],
    ['nullable added', (op) => op.alterColumn('users', 'email', { nullable: true, existingNullable: false })],
  ]
  const narrowings: Array<[string, Body]> = [
    ['varchar 20 → 10', (op) => op.alterColumn('posts', 'title', { type: varchar({ length: 10 }), existingType: varchar({ length: 20 }) })],
    ['bigint → integer', (op) => op.alterColumn('users', 'age', { type: integer(), existingType: bigint() })],
    ['text → integer', (op) => op.alterColumn('posts', 'body', { type: integer(), existingType: text() })],
  ]
  for (const dialect of ALL_DIALECTS) {
    for (const [label, body] of widenings)
      it(`${dialect}: ${label} carries no !`, async () => {
        assert.deepEqual(marked(await rendered(dialect, body)), [])
      })
    for (const [label, body] of narrowings)
      it(`${dialect}: ${label} is marked ! with its rule`, async () => {
        const [line, ...rest] = marked(await rendered(dialect, body))
        assert.match(line!, /^ {2}\/\/ ! changes type of column .* \(may fail or truncate data\) \[change-column-type\]$/)
        assert.deepEqual(rest, [])
      })
    it(`${dialect}: adding a foreign key is marked "fails if existing rows violate it"`, async () => {
      const lines = marked(await rendered(dialect, (op) => op.createForeignKey('fk_posts_author', 'posts', ['user_id'], 'users', ['id'])))
      assert.deepEqual(lines, ["  // ! adds foreign key 'fk_posts_author' on 'posts' (fails if existing rows violate it) [add-foreign-key-validating]"])
    })
    it(`${dialect}: the index lock comment appears only where the build blocks writes`, async () => {
      const source = await rendered(dialect, (op) => op.createIndex('ix_posts_title', 'posts', ['title']))
      const lock = source.split('\n').filter((l) => l.includes('[create-index-blocking]'))
      assert.equal(lock.length, dialect === 'sqlite' ? 0 : 1)
      assert.equal(source.includes('CONCURRENTLY'), false)
      if (dialect !== 'sqlite') assert.match(lock[0]!, /^ {2}\/\/ lock: creates index 'ix_posts_title' on 'posts' \(/)
    })
  }
  it('postgres: integer → bigint keeps every value, so no !, but the rewrite is a lock comment', async () => {
    const source = await rendered('postgres', (op) => op.alterColumn('users', 'age', { type: bigint(), existingType: integer() }))
    assert.match(source, /\/\/ lock: changes type of column 'users.age' from integer to bigint \(no data lost; rewrites the table/)
  })
  it('an operation on a table created earlier in the same migration carries no mark', async () => {
    const source = await rendered('postgres', async (op) => {
      await op.createTable('fresh', { id: bigint().primaryKey(), n: integer() })
      await op.createIndex('ix_fresh_n', 'fresh', ['n'])
      await op.createForeignKey('fk_fresh_user', 'fresh', ['n'], 'users', ['id'])
    })
    assert.equal(source.includes('//'), false, source)
  })
})
