/**
 * Mutation matrix, foreign keys, check constraints and table comments: foreign keys added, removed, with other
 * columns, another referenced table, other ON DELETE / ON UPDATE actions; checks added, removed, renamed (by name),
 * with another expression, and a mere respelling that must not count; table comments added, changed, removed.
 *
 * Not applicable: comments on SQLite (none; docs/dialects/sqlite.md): nothing is detected there.
 */
import assert from 'node:assert/strict'
import { after, before, it } from 'node:test'
import { CycleRunner, rows } from '../support/autogen-cycle.js'
import { describeEachDialect } from '../support/databases.js'

function schema(version: 'a' | 'b'): string {
  const a = version === 'a'
  const comment = (text: string | null) => (text === null ? '' : `, { comment: '${text}' }`)
  return `import { table, integer, varchar, foreignKey, check, sql } from 'strata-db'

export const p1 = table('p1', { id: integer().primaryKey(), code: varchar({ length: 10 }).notNull().unique() }${comment(a ? 'parent' : 'parent one')})
export const p2 = table('p2', { id: integer().primaryKey() }${comment(a ? 'second' : null)})

export const child = table(
  'child',
  {
    id: integer().primaryKey(),
    aId: integer('a_id'),
    bId: integer('b_id'),
    code: varchar({ length: 10 }),
    dId: integer('d_id'),
    eId: integer('e_id'),
    fId: integer('f_id'),
    x: integer(),
  },
  (t) => [${
    a
      ? `
    foreignKey({ name: 'fk_child_gone', columns: [t.eId], references: () => [p1.id] }),
    foreignKey({ name: 'fk_child_cols', columns: [t.aId], references: () => [p1.id] }),
    foreignKey({ name: 'fk_child_target', columns: [t.bId], references: () => [p1.id] }),
    foreignKey({ name: 'fk_child_actions', columns: [t.fId], references: () => [p1.id] }),
    check('ck_child_gone', sql\`x <> 13\`),
    check('ck_child_old_name', sql\`x <> 7\`),
    check('ck_child_expr', sql\`x > 0\`),
    check('ck_child_spelling', sql\`x<1000\`),`
      : `
    foreignKey({ name: 'fk_child_new', columns: [t.dId], references: () => [p2.id] }),
    foreignKey({ name: 'fk_child_cols', columns: [t.code], references: () => [p1.code] }),
    foreignKey({ name: 'fk_child_target', columns: [t.bId], references: () => [p2.id] }),
    foreignKey({ name: 'fk_child_actions', columns: [t.fId], references: () => [p1.id], onDelete: 'cascade', onUpdate: 'set null' }),
    check('ck_child_new', sql\`x <> 99\`),
    check('ck_child_new_name', sql\`x <> 7\`),
    check('ck_child_expr', sql\`x >= 0\`),
    check('ck_child_spelling', sql\`(x < 1000)\`),`
  }
  ]${comment(a ? null : 'child rows')},
)
`
}

describeEachDialect('autogenerate matrix: foreign keys, checks, table comments', ({ dialect, db }) => {
  let runner: CycleRunner
  before(() => {
    runner = new CycleRunner(dialect, db(), 'ag-refs')
  })
  after(() => runner?.remove())

  it('detects foreign key, check and table comment changes exactly; rows survive', async () => {
    const fk = (verb: 'added' | 'removed', name: string) => `${verb} foreign key '${name}' on 'child'`
    const ck = (verb: 'added' | 'removed', name: string) => `${verb} check constraint '${name}' on 'child'`
    const addsCheck = (name: string) => `adds check constraint '${name}' on 'child' (fails if existing rows violate it)`
    const addsForeignKey = (name: string) => `adds foreign key '${name}' on 'child' (fails if existing rows violate it)`
    await runner.run({
      name: 'refs',
      a: schema('a'),
      b: schema('b'),
      seed: [
        "INSERT INTO p1 (id, code) VALUES (1, 'one'), (2, 'two')",
        'INSERT INTO p2 (id) VALUES (1), (2)',
        "INSERT INTO child (id, a_id, b_id, code, d_id, e_id, f_id, x) VALUES (1, 1, 2, 'two', 1, 1, 1, 5)",
      ],
      detected: [
        fk('added', 'fk_child_new'),
        fk('removed', 'fk_child_gone'),
        fk('removed', 'fk_child_cols'),
        fk('added', 'fk_child_cols'),
        fk('removed', 'fk_child_target'),
        fk('added', 'fk_child_target'),
        fk('removed', 'fk_child_actions'),
        fk('added', 'fk_child_actions'),
        ck('added', 'ck_child_new'),
        ck('removed', 'ck_child_gone'),
        ck('removed', 'ck_child_old_name'),
        ck('added', 'ck_child_new_name'),
        ck('removed', 'ck_child_expr'),
        ck('added', 'ck_child_expr'),
        ...(dialect === 'sqlite'
          ? []
          : ["changed comment on table 'child'", "changed comment on table 'p1'", "removed comment on table 'p2'"]),
      ],
      warnings: [
        addsCheck('ck_child_new'),
        addsCheck('ck_child_new_name'),
        addsCheck('ck_child_expr'),
        ...['fk_child_actions', 'fk_child_cols', 'fk_child_new', 'fk_child_target'].map(addsForeignKey),
      ],
      atB: async () => {
        assert.deepEqual(await rows(db(), 'SELECT id, a_id, b_id, code, f_id, x FROM child'), [
          { id: '1', a_id: '1', b_id: '2', code: 'two', f_id: '1', x: '5' },
        ])
      },
      atA: async () => {
        assert.deepEqual(await rows(db(), 'SELECT id, code, x FROM child'), [{ id: '1', code: 'two', x: '5' }])
        assert.equal((await rows(db(), 'SELECT id FROM p1')).length, 2)
      },
    })
  })
})
