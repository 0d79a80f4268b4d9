/** Lock and rewrite rules, per dialect: the violation, the safe form, and the exemption for new tables. */
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { bigint, customType, integer, sql, text, varchar } from '../../../src/index.js'
import { lintBody, ruleCases, rulesOf } from './support.js'

ruleCases('create-index-blocking', {
  violate: (op) => op.createIndex('ix_posts_title', 'posts', ['title']),
  safe: (op) => op.autocommit(() => op.createIndex('ix_posts_title', 'posts', ['title'], { online: true })),
  onNewTable: (op) => op.createIndex('ix_fresh_name', 'fresh', ['name']),
})

ruleCases('drop-index-blocking', {
  violate: async (op) => {
    await op.execute('SELECT 1')
    await op.dropIndex('ix_old', 'posts')
  },
  safe: (op) => op.autocommit(() => op.dropIndex('ix_old', 'posts', { online: true })),
  onNewTable: async (op) => {
    await op.createIndex('ix_fresh_name', 'fresh', ['name'])
    await op.dropIndex('ix_fresh_name', 'fresh')
  },
})

ruleCases('concurrent-index-in-transaction', {
  violate: (op) => op.createIndex('ix_posts_title', 'posts', ['title'], { online: true }),
  safe: (op) => op.autocommit(() => op.createIndex('ix_posts_title', 'posts', ['title'], { online: true })),
})

ruleCases('volatile-default-rewrite', {
  violate: (op) => op.addColumn('posts', 'token', text().default(sql`gen_random_uuid()`)),
  safe: (op) => op.addColumn('posts', 'flag', integer().default(0)),
  onNewTable: (op) => op.addColumn('fresh', 'token', text().default(sql`random()`)),
})

ruleCases('missing-lock-timeout', {
  violate: (op) => op.addColumn('posts', 'extra', text()),
  safe: async (op) => {
    await op.execute("SET LOCAL lock_timeout = '5s'")
    await op.addColumn('posts', 'extra', text())
  },
  onNewTable: (op) => op.addColumn('fresh', 'extra', text()),
})

ruleCases('column-type-rewrite', {
  violate: (op) => op.alterColumn('users', 'age', { type: bigint(), existingType: integer() }),
  safe: (op) => op.alterColumn('posts', 'title', { type: varchar({ length: 64 }), existingType: varchar({ length: 20 }) }),
  onNewTable: (op) => op.alterColumn('fresh', 'n', { type: bigint() }),
})

ruleCases('mysql-copy-algorithm', {
  violate: (op) => op.alterColumn('users', 'age', { type: bigint(), existingType: integer() }),
  // A varchar that keeps its one-byte length prefix grows in place; `online` makes the server refuse to copy.
  safe: async (op) => {
    await op.alterColumn('posts', 'title', { type: varchar({ length: 40 }), existingType: varchar({ length: 20 }) })
    await op.alterColumn('users', 'age', { type: bigint(), existingType: integer(), online: true })
  },
  onNewTable: (op) => op.alterColumn('fresh', 'n', { type: bigint() }),
})

ruleCases('sqlite-rebuild', {
  violate: (op) => op.createCheck('ck_age', 'users', 'age >= 0'),
  safe: (op) => op.addColumn('users', 'nick', text()),
  onNewTable: (op) => op.createCheck('ck_n', 'fresh', 'n >= 0'),
})

describe('lock rules: details', () => {
  it('create-index-blocking reads raw SQL: CONCURRENTLY passes, a plain build on an existing table does not', async () => {
    assert.ok((await rulesOf('postgres', (op) => op.execute('CREATE INDEX ix ON posts (title)'))).includes('create-index-blocking'))
    assert.ok(!(await rulesOf('postgres', (op) => op.execute('CREATE INDEX CONCURRENTLY ix ON posts (title)'))).includes('create-index-blocking'))
  })

  it('missing-lock-timeout is reported once per migration, and not when the run sets it', async () => {
    const body = async (op: Parameters<Parameters<typeof rulesOf>[1]>[0]) => {
      await op.addColumn('posts', 'a', text())
      await op.addColumn('posts', 'b', text())
    }
    assert.equal((await rulesOf('postgres', body)).filter((r) => r === 'missing-lock-timeout').length, 1)
    assert.equal((await rulesOf('postgres', body, { lockTimeoutSet: true })).includes('missing-lock-timeout'), false)
  })

  it('volatile-default-rewrite: any default rewrites before PostgreSQL 11', async () => {
    const body = (op: Parameters<Parameters<typeof rulesOf>[1]>[0]) => op.addColumn('posts', 'flag', integer().default(0))
    assert.ok((await rulesOf('postgres', body, { serverVersion: { major: 10, minor: 0 } })).includes('volatile-default-rewrite'))
    assert.ok(!(await rulesOf('postgres', body, { serverVersion: { major: 16, minor: 0 } })).includes('volatile-default-rewrite'))
  })

  it('mysql-copy-algorithm: adding a CHECK copies the table (MariaDB refuses ALGORITHM=INPLACE for it)', async () => {
    assert.ok((await rulesOf('mysql', (op) => op.createCheck('ck_age', 'users', 'age >= 0'))).includes('mysql-copy-algorithm'))
    const onNewTable = async (op: Parameters<Parameters<typeof rulesOf>[1]>[0]) => {
      await op.createTable('fresh', { id: bigint().primaryKey(), n: integer() })
      await op.createCheck('ck_n', 'fresh', 'n >= 0')
    }
    assert.ok(!(await rulesOf('mysql', onNewTable)).includes('mysql-copy-algorithm'))
  })

  it('mysql-copy-algorithm names the reason: enum values inserted before the end, or reordered', async () => {
    const inserted = await rulesOf('mysql', (op) => op.addEnumValue('mood', 'ok', { existing: ['happy', 'sad', 'meh'], before: 'sad', columns: [{ table: 'users', column: 'mood' }] }))
    const appended = await rulesOf('mysql', (op) => op.addEnumValue('mood', 'ok', { existing: ['happy', 'sad', 'meh'], columns: [{ table: 'users', column: 'mood' }] }))
    assert.ok(inserted.includes('mysql-copy-algorithm'))
    assert.ok(!appended.includes('mysql-copy-algorithm'))
  })

  it('mysql-copy-algorithm: a value added after the last one is an append (what autogenerate writes), in place', async () => {
    const mood = (position: { after?: string; before?: string }, existing = ['happy', 'sad', 'meh']) =>
      rulesOf('mysql', (op) => op.addEnumValue('mood', 'ok', { existing, ...position, columns: [{ table: 'users', column: 'mood' }] }))
    assert.ok(!(await mood({ after: 'meh' })).includes('mysql-copy-algorithm'))
    assert.ok((await mood({ after: 'sad' })).includes('mysql-copy-algorithm'))
    assert.ok((await mood({ before: 'meh' })).includes('mysql-copy-algorithm'))
    // The 256th value makes the enum take two bytes a row: the table is copied even for an append.
    const many = Array.from({ length: 255 }, (_, i) => `v${i}`)
    const [finding] = (await lintBody('mysql', (op) => op.addEnumValue('mood', 'ok', { existing: many, after: 'v254', columns: [{ table: 'users', column: 'mood' }] }))).filter(
      (f) => f.rule === 'mysql-copy-algorithm',
    )
    assert.match(finding!.hit.message, /enum value 'ok' makes the enum take 2 bytes a row/)
  })

  it('mysql-copy-algorithm: a SET gaining values at its end is in place while its row size stays', async () => {
    const change = (to: string, from: string) => rulesOf('mysql', (op) => op.alterColumn('posts', 'body', { type: customType(to), existingType: customType(from) }))
    assert.ok(!(await change("set('a','b','c')", "set('a','b')")).includes('mysql-copy-algorithm'))
    assert.ok((await change("set('c','a','b')", "set('a','b')")).includes('mysql-copy-algorithm'))
    const values = (n: number) => `set(${Array.from({ length: n }, (_, i) => `'v${i}'`).join(',')})`
    assert.ok((await change(values(9), values(8))).includes('mysql-copy-algorithm'), 'a ninth value takes a second byte')
  })

  it('sqlite-rebuild names ON DELETE CASCADE children of the rebuilt table', async () => {
    const { lintBody } = await import('./support.js')
    const [finding] = (await lintBody('sqlite', (op) => op.createCheck('ck_age', 'users', 'age >= 0'))).filter((f) => f.rule === 'sqlite-rebuild')
    assert.match(finding!.hit.message, /rebuilds table 'users'.*ON DELETE CASCADE children 'posts'/)
  })

  it('sqlite-rebuild names SET NULL and SET DEFAULT children too (the DROP changes their rows as well), not NO ACTION ones', async () => {
    const { existingSchema, lintBody } = await import('./support.js')
    const model = await existingSchema('sqlite')
    const child = (name: string, onDelete?: 'set null' | 'set default' | 'restrict') => ({
      name,
      columns: [{ name: 'user_id', type: { kind: 'bigint' as const }, nullable: true, default: null }],
      indexes: [],
      uniques: [],
      checks: [],
      foreignKeys: [{ name: `fk_${name}_user`, columns: ['user_id'], referencedTable: 'Users', referencedColumns: ['id'], ...(onDelete ? { onDelete } : {}) }],
    })
    model.tables.push(child('notes', 'set null'), child('badges', 'set default'), child('logs'), child('audits', 'restrict'))
    const [finding] = (await lintBody('sqlite', (op) => op.createCheck('ck_age', 'users', 'age >= 0'), { model })).filter((f) => f.rule === 'sqlite-rebuild')
    assert.equal(
      finding!.hit.message,
      "rebuilds table 'users' (copies every row under the write lock; if it runs with foreign_keys on, ON DELETE CASCADE children 'posts' lose their rows, ON DELETE SET NULL children 'notes' have their references set to NULL, ON DELETE SET DEFAULT children 'badges' have their references set to their default)",
    )
  })
})
