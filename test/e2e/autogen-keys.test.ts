/**
 * Mutation matrix, keys and indexes: primary key columns; unique constraints added, removed, changed; indexes
 * added, removed, made unique, columns changed and reordered, expression changed, partial WHERE changed.
 *
 * Not applicable: expression and partial indexes on MySQL/MariaDB (docs/dialects/mysql.md: MariaDB has no
 * functional key parts, no server has partial indexes): left out of the MySQL schemas. On MySQL a unique index on
 * plain columns is a unique constraint (the same object there), so making an index unique reads as
 * "index removed, unique constraint added".
 */
import assert from 'node:assert/strict'
import { after, before, it } from 'node:test'
import { CycleRunner, rows } from '../support/autogen-cycle.js'
import { describeEachDialect } from '../support/databases.js'

const IMPORTS = `import { table, integer, text, varchar, index, uniqueIndex, unique, primaryKey, sql } from 'strata-db'\n`

function schema(version: 'a' | 'b', mysql: boolean): string {
  const a = version === 'a'
  const expression = mysql ? '' : `\n    index('ix_idx_expr').on(sql\`${a ? 'lower(name)' : 'upper(name)'}\`),`
  const partial = mysql ? '' : `\n    index('ix_idx_partial').on(t.b).where(sql\`${a ? 'a > 0' : 'a > 1'}\`),`
  return `${IMPORTS}
export const keyed = table(
  'keyed',
  { a: integer().notNull(), b: integer().notNull(), note: text() },
  (t) => [primaryKey({ name: 'pk_keyed', columns: ${a ? '[t.a]' : '[t.a, t.b]'} })],
)

export const uniq = table(
  'uniq',
  {
    id: integer().primaryKey(),
    email: varchar({ length: 100 }),
    code: varchar({ length: 20 }),
    x: integer(),
    y: integer(),
  },
  (t) => [
    unique('uq_uniq_code').on(t.code),${a ? '\n    unique(\'uq_uniq_email\').on(t.email),' : '\n    unique(\'uq_uniq_x\').on(t.x),'}
    unique('uq_uniq_pair').on(${a ? 't.x' : 't.x, t.y'}),
  ],
)

export const idx = table(
  'idx',
  { id: integer().primaryKey(), a: integer(), b: integer(), c: integer(), name: varchar({ length: 50 }) },
  (t) => [
    index('ix_idx_keep').on(t.a),${a ? "\n    index('ix_idx_gone').on(t.c)," : "\n    index('ix_idx_new').on(t.b),"}
    index('ix_idx_order').on(${a ? 't.a, t.b' : 't.b, t.a'}),
    index('ix_idx_cols').on(${a ? 't.a' : 't.c'}),
    ${a ? 'index' : 'uniqueIndex'}('ix_idx_unique').on(t.name),${expression}${partial}
  ],
)
`
}

describeEachDialect('autogenerate matrix: primary keys, unique constraints, indexes', ({ dialect, db }) => {
  let runner: CycleRunner
  before(() => {
    runner = new CycleRunner(dialect, db(), 'ag-keys')
  })
  after(() => runner?.remove())

  it('detects key, unique and index changes exactly; rows survive', async () => {
    const mysql = dialect === 'mysql'
    const index = (verb: 'added' | 'removed', name: string) => `${verb} index '${name}' on 'idx'`
    const changed = (name: string) => [index('removed', name), index('added', name)]
    const locks = (name: string) => `creates index '${name}' on 'idx' (locks writes while it builds; on PostgreSQL consider CREATE INDEX CONCURRENTLY in op.autocommit)`
    await runner.run({
      name: 'keys',
      a: schema('a', mysql),
      b: schema('b', mysql),
      seed: [
        "INSERT INTO keyed (a, b, note) VALUES (1, 1, 'one'), (2, 1, 'two')",
        "INSERT INTO uniq (id, email, code, x, y) VALUES (1, 'a@x', 'A', 1, 1), (2, 'b@x', 'B', 2, 2)",
        "INSERT INTO idx (id, a, b, c, name) VALUES (1, 1, 2, 3, 'Ann'), (2, 2, 3, 4, 'Bob')",
      ],
      detected: [
        "removed primary key on 'keyed'",
        "added primary key (a, b) on 'keyed'",
        "removed unique constraint 'uq_uniq_email' on 'uniq'",
        "added unique constraint 'uq_uniq_x' on 'uniq'",
        "removed unique constraint 'uq_uniq_pair' on 'uniq'",
        "added unique constraint 'uq_uniq_pair' on 'uniq'",
        index('removed', 'ix_idx_gone'),
        index('added', 'ix_idx_new'),
        ...changed('ix_idx_order'),
        ...changed('ix_idx_cols'),
        ...(mysql ? [index('removed', 'ix_idx_unique'), "added unique constraint 'ix_idx_unique' on 'idx'"] : changed('ix_idx_unique')),
        ...(mysql ? [] : [...changed('ix_idx_expr'), ...changed('ix_idx_partial')]),
      ],
      // Plain index builds are lock comments, not `!` warnings.
      warnings: [
        "adds primary key on 'keyed' (fails on duplicates or NULLs; blocks the table while the index builds)",
        "adds unique constraint 'uq_uniq_x' on 'uniq' (fails if existing rows hold duplicates)",
        "adds unique constraint 'uq_uniq_pair' on 'uniq' (fails if existing rows hold duplicates)",
        mysql
          ? "adds unique constraint 'ix_idx_unique' on 'idx' (fails if existing rows hold duplicates)"
          : "creates unique index 'ix_idx_unique' on 'idx' (fails if existing rows hold duplicates)",
      ],
      atB: async () => {
        assert.deepEqual(await rows(db(), 'SELECT a, b, note FROM keyed ORDER BY a'), [
          { a: '1', b: '1', note: 'one' },
          { a: '2', b: '1', note: 'two' },
        ])
        assert.equal((await rows(db(), 'SELECT id FROM uniq')).length, 2)
        assert.equal((await rows(db(), 'SELECT id FROM idx')).length, 2)
      },
      atA: async () => {
        assert.equal((await rows(db(), 'SELECT a FROM keyed')).length, 2)
        assert.deepEqual(await rows(db(), 'SELECT email FROM uniq ORDER BY id'), [{ email: 'a@x' }, { email: 'b@x' }])
        assert.equal((await rows(db(), 'SELECT id FROM idx')).length, 2)
      },
    })
  })

  it('finds nothing when only the spelling of an index expression or predicate changes', async (t) => {
    if (dialect === 'mysql') return t.skip('no expression or partial indexes on MariaDB')
    const make = (expr: string, where: string) => `${IMPORTS}
export const idx = table('idx', { id: integer().primaryKey(), a: integer(), name: varchar({ length: 50 }) }, (t) => [
  index('ix_idx_expr').on(sql\`${expr}\`),
  index('ix_idx_partial').on(t.a).where(sql\`${where}\`),
])
`
    await runner.run({ name: 'spelling', a: make('lower(name)', 'a > 0'), b: make('LOWER( name )', '(a>0)'), detected: [] })
  })
})
