/**
 * Plans that respect dependencies, each A → B → A with rows checked on every dialect:
 * - a column renamed while a check, a partial-index predicate and an expression index name it (the database
 *   renames it inside them: nothing else is dropped or re-created, and the downgrade renames it back);
 * - a referenced key widened with the foreign-key columns of several tables (MySQL refuses to change a column a
 *   foreign key uses: the keys are dropped around the change);
 * - the primary key of a referenced table changed, a unique on the old key kept (the foreign key is dropped before
 *   the old key and re-created after the new one);
 * - a NOT NULL column without a default dropped: the downgrade brings it back filled with a placeholder;
 * - a type changed under a unique constraint and an index.
 */
import assert from 'node:assert/strict'
import { after, before, it } from 'node:test'
import { CycleRunner, rows } from '../support/autogen-cycle.js'
import { describeEachDialect } from '../support/databases.js'
import { rawQuery } from '../support/inspect.js'

const IMPORTS = `import { table, integer, bigint, varchar, text, date, check, index, unique, primaryKey, sql } from 'strata-db'\n`

describeEachDialect('autogenerate: plans that respect dependencies', ({ dialect, db }) => {
  const mysql = dialect === 'mysql'
  let runner: CycleRunner
  before(() => {
    runner = new CycleRunner(dialect, db(), 'ag-deps')
  })
  after(() => runner?.remove())

  it('renames a column a check, a partial index and an expression index name; nothing else is rebuilt', async () => {
    const stays = (end: string, hint: string) => `${IMPORTS}
export const stays = table(
  'stays',
  { id: integer().primaryKey(), startDay: date('start_day').notNull(), endDay: date('${end}')${hint} },
  (t) => [
    check('ck_stays_order', sql\`${end} >= start_day\`),${mysql ? '' : `\n    index('ix_stays_open').on(t.startDay).where(sql\`${end} IS NULL\`),\n    index('ix_stays_length').on(sql\`(${end} - start_day)\`),`}
  ],
)
`
    const result = await runner.run({
      name: 'rename_in_expressions',
      a: stays('end_day', ''),
      b: stays('last_day', ".renamedFrom('end_day')"),
      seed: ["INSERT INTO stays (id, start_day, end_day) VALUES (1, '2026-01-01', '2026-01-05'), (2, '2026-02-01', NULL)"],
      detected: ["renamed column 'stays.end_day' to 'last_day'"],
      warnings: ["renames column 'stays.end_day' to 'last_day' (the running application's queries fail until it is redeployed)"],
      atB: async () => {
        assert.deepEqual(await rows(db(), 'SELECT id, last_day FROM stays WHERE last_day IS NOT NULL'), [{ id: '1', last_day: (await rows(db(), 'SELECT last_day FROM stays WHERE id = 1'))[0]!.last_day }])
        await assert.rejects(rawQuery(db(), "INSERT INTO stays (id, start_day, last_day) VALUES (3, '2026-03-05', '2026-03-01')"), 'the check follows the rename')
      },
      atA: async () => {
        assert.deepEqual(await rows(db(), 'SELECT id FROM stays WHERE end_day IS NULL'), [{ id: '2' }])
        await assert.rejects(rawQuery(db(), "INSERT INTO stays (id, start_day, end_day) VALUES (3, '2026-03-05', '2026-03-01')"))
      },
    })
    assert.deepEqual(result.kinds, ['renameColumn'])
  })

  it('widens a referenced key and the foreign-key columns of two tables together', async () => {
    const schema = (type: 'integer' | 'bigint') => `${IMPORTS}
export const users = table('users', { id: ${type}().primaryKey(), name: text() })
export const posts = table('posts', { id: integer().primaryKey(), userId: ${type}('user_id').notNull().references(() => users.id) })
export const comments = table('comments', { id: integer().primaryKey(), authorId: ${type}('author_id').references(() => users.id, { onDelete: 'cascade' }) })
`
    const fks = ['fk_posts_user_id_users', 'fk_comments_author_id_users']
    const result = await runner.run({
      name: 'widen_referenced_key',
      a: schema('integer'),
      b: schema('bigint'),
      seed: ["INSERT INTO users (id, name) VALUES (1, 'ann')", 'INSERT INTO posts (id, user_id) VALUES (10, 1)', 'INSERT INTO comments (id, author_id) VALUES (20, 1)'],
      detected: [
        "changed type of column 'users.id'",
        "changed type of column 'posts.user_id'",
        "changed type of column 'comments.author_id'",
        ...fks.flatMap((fk) => [`removed foreign key '${fk}' on '${fk.includes('posts') ? 'posts' : 'comments'}'`, `added foreign key '${fk}' on '${fk.includes('posts') ? 'posts' : 'comments'}'`]),
      ],
      // Whether a widening is marked is the lint catalogue's business, not this test's.
      warnings: null,
      atB: async () => {
        await rawQuery(db(), 'INSERT INTO users (id, name) VALUES (5000000000, \'big\')')
        await rawQuery(db(), 'INSERT INTO posts (id, user_id) VALUES (11, 5000000000)')
        await assert.rejects(rawQuery(db(), 'INSERT INTO posts (id, user_id) VALUES (12, 42)'), 'the foreign key is back')
        await rawQuery(db(), 'DELETE FROM posts WHERE id = 11')
        await rawQuery(db(), 'DELETE FROM users WHERE id = 5000000000')
      },
      atA: async () => {
        assert.deepEqual(await rows(db(), 'SELECT p.id AS post, c.id AS comment FROM posts p JOIN comments c ON c.author_id = p.user_id'), [{ post: '10', comment: '20' }])
        await assert.rejects(rawQuery(db(), 'INSERT INTO comments (id, author_id) VALUES (21, 42)'))
      },
    })
    assert.ok(result.kinds.indexOf('dropForeignKey') < result.kinds.indexOf('alterColumn'))
  })

  it('changes the primary key of a referenced table, keeping a unique on the old key', async () => {
    const schema = (b: boolean) => `${IMPORTS}
export const users = table(
  'users',
  { tenantId: integer('tenant_id').notNull().default(1), id: integer().notNull(), name: text() },
  (t) => [primaryKey({ name: 'pk_users', columns: ${b ? '[t.tenantId, t.id]' : '[t.id]'} })${b ? ", unique('uq_users_id').on(t.id)" : ''}],
)
export const posts = table('posts', { id: integer().primaryKey(), userId: integer('user_id').notNull().references(() => users.id) })
`
    const result = await runner.run({
      name: 'referenced_primary_key',
      a: schema(false),
      b: schema(true),
      seed: ["INSERT INTO users (id, name) VALUES (1, 'ann'), (2, 'bob')", 'INSERT INTO posts (id, user_id) VALUES (10, 2)'],
      detected: [
        "removed primary key on 'users'",
        "added primary key (tenant_id, id) on 'users'",
        "added unique constraint 'uq_users_id' on 'users'",
        "removed foreign key 'fk_posts_user_id_users' on 'posts'",
        "added foreign key 'fk_posts_user_id_users' on 'posts'",
      ],
      warnings: null,
      atB: async () => {
        await rawQuery(db(), "INSERT INTO users (tenant_id, id, name) VALUES (2, 3, 'cy')")
        await assert.rejects(rawQuery(db(), "INSERT INTO users (tenant_id, id, name) VALUES (3, 3, 'dup')"), 'the unique on id is there')
        await assert.rejects(rawQuery(db(), 'INSERT INTO posts (id, user_id) VALUES (11, 42)'), 'the foreign key is back')
        await rawQuery(db(), 'DELETE FROM users WHERE id = 3')
      },
      atA: async () => {
        assert.deepEqual(await rows(db(), 'SELECT u.name FROM posts p JOIN users u ON u.id = p.user_id'), [{ name: 'bob' }])
        await assert.rejects(rawQuery(db(), 'INSERT INTO posts (id, user_id) VALUES (11, 42)'))
      },
    })
    const order = (kind: string) => result.kinds.indexOf(kind)
    assert.ok(order('dropForeignKey') < order('dropPrimaryKey') && order('addUnique') < order('addForeignKey'))
  })

  it('drops a NOT NULL column; the downgrade brings it back filled with a placeholder, marked lossy', async () => {
    const schema = (b: boolean) => `${IMPORTS}
export const notes = table('notes', { id: integer().primaryKey(), title: varchar({ length: 80 }).notNull()${b ? '' : ', body: text().notNull(), pages: integer().notNull()'} })
`
    await runner.run({
      name: 'drop_not_null',
      a: schema(false),
      b: schema(true),
      seed: ["INSERT INTO notes (id, title, body, pages) VALUES (1, 'one', 'text', 3)"],
      detected: ["removed column 'notes.body'", "removed column 'notes.pages'"],
      warnings: ["drops column 'notes.body' (data loss)", "drops column 'notes.pages' (data loss)"],
      file: (source) => {
        const downgrade = source.slice(source.indexOf('export async function downgrade'))
        assert.match(downgrade, /\/\/ ! lossy downgrade: 'notes\.body' comes back with "" in every row \(its values were dropped\)/)
        assert.match(downgrade, /\/\/ ! lossy downgrade: 'notes\.pages' comes back with 0 in every row/)
      },
      atA: async () => {
        assert.deepEqual(await rows(db(), 'SELECT id, title, body, pages FROM notes'), [{ id: '1', title: 'one', body: '', pages: '0' }])
        await assert.rejects(rawQuery(db(), "INSERT INTO notes (id, title, pages) VALUES (2, 'two', 1)"), 'NOT NULL and no default again')
      },
    })
  })

  it('changes a type under a unique constraint and an index', async () => {
    const schema = (length: number) => `${IMPORTS}
export const codes = table(
  'codes',
  { id: integer().primaryKey(), code: varchar({ length: ${length} }).notNull(), label: varchar({ length: ${length} }) },
  (t) => [unique('uq_codes_code').on(t.code), index('ix_codes_label').on(t.label)],
)
`
    await runner.run({
      name: 'type_under_keys',
      a: schema(20),
      b: schema(40),
      seed: ["INSERT INTO codes (id, code, label) VALUES (1, 'a', 'x'), (2, 'b', 'x')"],
      detected: ["changed type of column 'codes.code'", "changed type of column 'codes.label'"],
      warnings: null,
      atB: async () => {
        await assert.rejects(rawQuery(db(), "INSERT INTO codes (id, code) VALUES (3, 'a')"), 'the unique holds')
        await rawQuery(db(), `INSERT INTO codes (id, code) VALUES (3, '${'c'.repeat(40)}')`)
        await rawQuery(db(), 'DELETE FROM codes WHERE id = 3')
      },
      atA: async () => assert.deepEqual(await rows(db(), 'SELECT id, code, label FROM codes ORDER BY id'), [
        { id: '1', code: 'a', label: 'x' },
        { id: '2', code: 'b', label: 'x' },
      ]),
    })
  })
})
