/**
 * Data and compatibility rules: each fires on the violating migration on its dialects, not on the safe form, and
 * not when the table was created earlier in the same migration.
 */
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { bigint, bytes, customType, integer, numeric, text, varchar } from '../../../src/index.js'
import type { DialectFamily } from '../../../src/dialects/dialect.js'
import { ALL_DIALECTS, type Body, ruleCases, rulesOf } from './support.js'

ruleCases('drop-schema', {
  violate: (op) => op.dropSchema('archive'),
  safe: (op) => op.createSchema('archive'),
})

ruleCases('drop-table', {
  violate: (op) => op.dropTable('posts'),
  safe: (op) => op.createTable('other', { id: bigint().primaryKey() }),
  onNewTable: (op) => op.dropTable('fresh'),
})

ruleCases('drop-sequence', {
  violate: (op) => op.dropSequence('order_no', { start: 1000 }),
  safe: (op) => op.alterSequence('order_no', { increment: 2, existing: {} }),
})

ruleCases('drop-column', {
  violate: (op) => op.dropColumn('posts', 'body'),
  safe: (op) => op.addColumn('posts', 'extra', text()),
  onNewTable: (op) => op.dropColumn('fresh', 'name'),
})

ruleCases('rename-table', {
  violate: (op) => op.renameTable('posts', 'articles'),
  onNewTable: (op) => op.renameTable('fresh', 'fresher'),
})

ruleCases('rename-column', {
  violate: (op) => op.renameColumn('posts', 'body', 'content'),
  safe: (op) => op.addColumn('posts', 'content', text()),
  onNewTable: (op) => op.renameColumn('fresh', 'name', 'title'),
})

ruleCases('add-column-not-null-without-default', {
  violate: (op) => op.addColumn('posts', 'score', integer().notNull()),
  safe: (op) => op.addColumn('posts', 'score', integer().notNull().default(0)),
  onNewTable: (op) => op.addColumn('fresh', 'score', integer().notNull()),
})

ruleCases('set-not-null', {
  violate: (op) => op.alterColumn('posts', 'body', { nullable: false, existingNullable: true }),
  safe: (op) => op.alterColumn('posts', 'title', { nullable: true, existingNullable: false }),
  onNewTable: (op) => op.alterColumn('fresh', 'name', { nullable: false }),
})

ruleCases('change-column-type', {
  violate: (op) => op.alterColumn('posts', 'title', { type: varchar({ length: 10 }), existingType: varchar({ length: 20 }) }),
  // Widening: no finding (the type before is read from the replayed schema when not given).
  safe: async (op) => {
    await op.alterColumn('posts', 'title', { type: varchar({ length: 32 }) })
    await op.alterColumn('users', 'age', { type: bigint(), existingType: integer() })
  },
  onNewTable: (op) => op.alterColumn('fresh', 'name', { type: varchar({ length: 5 }) }),
})

ruleCases('enum-value-removed', {
  violate: (op) => op.alterEnum('mood', ['happy', 'meh'], { existing: ['happy', 'sad', 'meh'] }),
  safe: (op) => op.alterEnum('mood', ['happy', 'glum', 'meh'], { existing: ['happy', 'sad', 'meh'], renames: { glum: 'sad' } }),
})

ruleCases('raw-ddl-unchecked', {
  violate: (op) => op.execute('ALTER TABLE posts ALTER COLUMN title SET NOT NULL'),
  // What lint reads itself, and the VALIDATE the safe forms run.
  safe: async (op) => {
    await op.execute('CREATE INDEX ix_posts_title ON posts (title)')
    await op.execute('ALTER TABLE posts VALIDATE CONSTRAINT fk_posts_user')
    await op.execute("UPDATE posts SET title = 'x' WHERE title IS NULL")
  },
})

ruleCases('add-unique-constraint-blocking', {
  violate: (op) => op.createUnique('uq_users_email', 'users', ['email']),
  safe: (op) => op.createIndex('ix_users_email', 'users', ['email'], { online: true }),
  onNewTable: (op) => op.createUnique('uq_fresh_name', 'fresh', ['name']),
})

ruleCases('add-foreign-key-validating', {
  violate: (op) => op.createForeignKey('fk_posts_author', 'posts', ['user_id'], 'users', ['id']),
  safe: (op) => op.createForeignKey('fk_posts_author', 'posts', ['user_id'], 'users', ['id'], { validate: false }),
  onNewTable: (op) => op.createForeignKey('fk_fresh_user', 'fresh', ['n'], 'users', ['id']),
})

ruleCases('add-check-validating', {
  violate: (op) => op.createCheck('ck_age', 'users', 'age >= 0'),
  safe: (op) => op.createCheck('ck_age', 'users', 'age >= 0', { validate: false }),
  onNewTable: (op) => op.createCheck('ck_n', 'fresh', 'n >= 0'),
})

ruleCases('add-primary-key-blocking', {
  violate: async (op) => {
    await op.dropPrimaryKey('users', { columns: ['id'] })
    await op.createPrimaryKey('pk_users', 'users', ['id', 'email'])
  },
  onNewTable: async (op) => {
    await op.dropPrimaryKey('fresh', { columns: ['id'] })
    await op.createPrimaryKey('pk_fresh', 'fresh', ['id', 'n'])
  },
})

describe('change-column-type: widening is not flagged, narrowing and unsafe casts are', () => {
  const cases: Array<[string, Body, boolean]> = [
    ['varchar 20 → 32', (op) => op.alterColumn('posts', 'title', { type: varchar({ length: 32 }), existingType: varchar({ length: 20 }) }), false],
    ['varchar → text', (op) => op.alterColumn('posts', 'title', { type: text(), existingType: varchar({ length: 20 }) }), false],
    ['integer → bigint', (op) => op.alterColumn('users', 'age', { type: bigint(), existingType: integer() }), false],
    ['numeric(10,2) → numeric(12,2)', (op) => op.alterColumn('users', 'age', { type: numeric({ precision: 12, scale: 2 }), existingType: numeric({ precision: 10, scale: 2 }) }), false],
    ['varchar 20 → 10', (op) => op.alterColumn('posts', 'title', { type: varchar({ length: 10 }), existingType: varchar({ length: 20 }) }), true],
    ['bigint → integer', (op) => op.alterColumn('users', 'age', { type: integer(), existingType: bigint() }), true],
    ['text → integer', (op) => op.alterColumn('posts', 'body', { type: integer(), existingType: text() }), true],
    ['numeric(10,2) → numeric(10,4)', (op) => op.alterColumn('users', 'age', { type: numeric({ precision: 10, scale: 4 }), existingType: numeric({ precision: 10, scale: 2 }) }), true],
  ]
  for (const dialect of ALL_DIALECTS)
    for (const [label, body, flagged] of cases)
      it(`${label} on ${dialect}: ${flagged ? 'flagged' : 'not flagged'}`, async () => {
        assert.equal((await rulesOf(dialect, body)).includes('change-column-type'), flagged)
      })
})

describe('change-column-type on MySQL: larger TEXT/BLOB sizes and SETs grown at the end are widenings', () => {
  const raw = (sql: string) => customType(sql)
  const change = (type: ReturnType<typeof raw>, existingType: ReturnType<typeof raw>): Body => (op) => op.alterColumn('posts', 'body', { type, existingType })
  const cases: Array<[string, Body, boolean]> = [
    ['text → mediumtext', change(raw('mediumtext'), text()), false],
    ['tinytext → text', change(text(), raw('tinytext')), false],
    ['mediumtext → longtext', change(raw('LONGTEXT'), raw('mediumtext')), false],
    ['varchar(20) → mediumtext', change(raw('mediumtext'), varchar({ length: 20 })), false],
    ['blob → mediumblob', change(raw('mediumblob'), raw('blob')), false],
    ['mediumblob → longblob (bytes)', change(bytes(), raw('mediumblob')), false],
    ["set('a','b') → set('a','b','c')", change(raw("set('a','b','c')"), raw("set('a','b')")), false],
    ['mediumtext → text', change(text(), raw('mediumtext')), true],
    ['longblob (bytes) → blob', change(raw('blob'), bytes()), true],
    ['text → mediumblob', change(raw('mediumblob'), text()), true],
    ["set('a','b') → set('c','a','b')", change(raw("set('c','a','b')"), raw("set('a','b')")), true],
    ["set('a','b') → set('a')", change(raw("set('a')"), raw("set('a','b')")), true],
  ]
  for (const [label, body, flagged] of cases)
    it(`${label}: ${flagged ? 'flagged' : 'not flagged'}`, async () => {
      assert.equal((await rulesOf('mysql', body)).includes('change-column-type'), flagged)
    })
})

describe('change-column-type on custom types: a serial is its integer, a longer varying type is a widening', () => {
  const change = (type: ReturnType<typeof customType> | ReturnType<typeof integer>, existingType: ReturnType<typeof customType> | ReturnType<typeof integer>): Body => (op) =>
    op.alterColumn('users', 'age', { type, existingType })
  const cases: Array<[string, Body, boolean, DialectFamily]> = [
    ['serial → integer (identity)', change(integer(), customType('serial')), false, 'postgres'],
    ['integer → serial', change(customType('serial'), integer()), false, 'postgres'],
    ['bigserial → integer', change(integer(), customType('bigserial')), true, 'postgres'],
    ['varbinary(35) → varbinary(64)', change(customType('varbinary(64)'), customType('varbinary(35)')), false, 'mysql'],
    ['varbinary(64) → varbinary(35)', change(customType('varbinary(35)'), customType('varbinary(64)')), true, 'mysql'],
    ['binary(35) → binary(64) (padded: values change)', change(customType('binary(64)'), customType('binary(35)')), true, 'mysql'],
  ]
  for (const [label, body, flagged, dialect] of cases)
    it(`${label} on ${dialect}: ${flagged ? 'flagged' : 'not flagged'}`, async () => {
      assert.equal((await rulesOf(dialect, body)).includes('change-column-type'), flagged)
    })
})

describe('the safe forms the fixes describe are not flagged again (PostgreSQL)', () => {
  it('set-not-null after a CHECK (col IS NOT NULL) added NOT VALID and validated; flagged when it was never validated', async () => {
    const safeForm = (validate: boolean) => async (op: Parameters<Body>[0]) => {
      await op.createCheck('ck_posts_body_nn', 'posts', 'body IS NOT NULL', { validate: false })
      if (validate) await op.autocommit(() => op.execute('ALTER TABLE "posts" VALIDATE CONSTRAINT "ck_posts_body_nn"'))
      await op.alterColumn('posts', 'body', { nullable: false, existingNullable: true })
      await op.dropCheck('ck_posts_body_nn', 'posts')
    }
    assert.ok(!(await rulesOf('postgres', safeForm(true))).includes('set-not-null'))
    assert.ok((await rulesOf('postgres', safeForm(false))).includes('set-not-null'))
    // Before PostgreSQL 12, SET NOT NULL scans whatever checks there are.
    assert.ok((await rulesOf('postgres', safeForm(true), { serverVersion: { major: 11, minor: 0 } })).includes('set-not-null'))
  })

  it('add-unique-constraint-blocking: a constraint made from the unique index built online before it', async () => {
    const promoted = async (op: Parameters<Body>[0]) => {
      await op.autocommit(() => op.createIndex('uq_users_email', 'users', ['email'], { unique: true, online: true }))
      await op.createUnique('uq_users_email', 'users', ['email'])
    }
    const findings = (await rulesOf('postgres', promoted)).filter((r) => r === 'add-unique-constraint-blocking')
    assert.equal(findings.length, 1, 'the online build itself still warns about duplicates; the constraint does not')
  })
})
