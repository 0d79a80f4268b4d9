/**
 * Triggers, views and indexes that name a renamed table or column, A → B → A on each dialect. The downgrade is the
 * upgrade's reverses in reverse order, so an object whose old definition names the old name must go before the
 * rename (it comes back after the rename back), and one naming the new name must come after it: a changed trigger or
 * view is dropped before the renames and created after them, never replaced after them. A MySQL prefix index follows
 * its column's rename (the server renames it): nothing to change. And a view that still reads a column the schema
 * drops is refused before any file is written (on MySQL the column would be gone before the view failed).
 */
import assert from 'node:assert/strict'
import { existsSync, readdirSync } from 'node:fs'
import { after, before, it } from 'node:test'
import { CycleRunner, rows } from '../support/autogen-cycle.js'
import { type TestDialect, describeEachDialect } from '../support/databases.js'
import { rawQuery } from '../support/inspect.js'

const IMPORTS = `import { table, integer, text, view, trigger, sqlFunction, index, sql } from 'strata-db'\n`

/** `table` with an amount column `column`, a trigger counting the updates of it, and a view reading it. */
function counters(dialect: TestDialect, table: string, column: string, hints = ''): string {
  const tableHint = hints.includes('table') ? `, undefined, { renamedFrom: 'counters' }` : ''
  const columnHint = hints.includes('column') ? `.renamedFrom('n')` : ''
  let source = `export const counters = table('${table}', {
  id: integer().primaryKey(),
  ${column}: integer().notNull().default(0)${columnHint},
  bumped: integer().notNull().default(0),
}${tableHint})
export const list = view('counter_list', sql\`select ${table}.id, ${table}.${column} from ${table}\`)
`
  if (dialect === 'postgres')
    source += `export const bump = sqlFunction('bump', { returns: 'trigger', language: 'plpgsql', body: sql\`begin NEW.bumped := NEW.bumped + 1; return NEW; end\` })
export const bumpTrigger = trigger('counters_bump', { table: counters, timing: 'before', events: ['update'], updateOf: ['${column}'], function: bump })
`
  else if (dialect === 'sqlite')
    source += `export const bumpTrigger = trigger('counters_bump', { table: counters, timing: 'after', events: ['update'], updateOf: ['${column}'], body: sql\`update ${table} set bumped = bumped + 1 where id = NEW.id\` })\n`
  else source += `export const bumpTrigger = trigger('counters_bump', { table: counters, timing: 'before', events: ['update'], body: sql\`SET NEW.bumped = NEW.bumped + (NEW.${column} <> OLD.${column})\` })\n`
  return source
}

describeEachDialect('autogenerate: objects naming a renamed table or column', ({ dialect, db }) => {
  let runner: CycleRunner
  before(() => {
    runner = new CycleRunner(dialect, db(), 'rendeps')
  })
  after(() => runner?.remove())

  /** Updates the amount through the view's table and returns the trigger's count. */
  const bumps = async (table: string, column: string) => {
    await rawQuery(runner.db, `UPDATE ${table} SET ${column} = ${column} + 1 WHERE id = 1`)
    return (await rows(runner.db, `SELECT bumped FROM ${table} WHERE id = 1`))[0]!.bumped
  }

  it('a column renamed under a trigger and a view: both dropped before the rename and created after it', async () => {
    await runner.run({
      name: 'column',
      a: IMPORTS + counters(dialect, 'counters', 'n'),
      b: IMPORTS + counters(dialect, 'counters', 'amount', 'column'),
      seed: ['INSERT INTO counters (id, n, bumped) VALUES (1, 0, 0)'],
      warnings: null,
      detected: [
        "renamed column 'counters.n' to 'amount'",
        "removed trigger 'counters_bump' on 'counters'",
        "added trigger 'counters_bump' on 'counters'",
        "dropped view 'counter_list' to re-create it around changes to 'counters'",
        "re-created view 'counter_list' after changes to 'counters'",
      ],
      file: (source) => assert.doesNotMatch(source, /replaceTrigger|replaceView/),
      atB: async () => {
        assert.equal(await bumps('counters', 'amount'), '1')
        assert.deepEqual(await rows(runner.db, 'SELECT amount FROM counter_list'), [{ amount: '1' }])
      },
      atA: async () => {
        assert.equal(await bumps('counters', 'n'), '2')
        assert.deepEqual(await rows(runner.db, 'SELECT n FROM counter_list'), [{ n: '2' }])
      },
    })
  })

  it('a table renamed under a trigger and a view: both dropped before the rename and created after it', async () => {
    await runner.run({
      name: 'table',
      a: IMPORTS + counters(dialect, 'counters', 'n'),
      b: IMPORTS + counters(dialect, 'tallies', 'n', 'table'),
      seed: ['INSERT INTO counters (id, n, bumped) VALUES (1, 0, 0)'],
      warnings: null,
      detected: [
        "renamed table 'counters' to 'tallies'",
        "removed trigger 'counters_bump' on 'counters'",
        "added trigger 'counters_bump' on 'tallies'",
        "dropped view 'counter_list' to re-create it around changes to 'counters'",
        "re-created view 'counter_list' after changes to 'counters'",
      ],
      file: (source) => assert.doesNotMatch(source, /replaceTrigger|replaceView/),
      atB: async () => {
        assert.equal(await bumps('tallies', 'n'), '1')
        assert.deepEqual(await rows(runner.db, 'SELECT n FROM counter_list'), [{ n: '1' }])
      },
      atA: async () => {
        assert.equal(await bumps('counters', 'n'), '2')
        assert.deepEqual(await rows(runner.db, 'SELECT n FROM counter_list'), [{ n: '2' }])
      },
    })
  })

  if (dialect === 'mysql')
    it('a column with a prefix index renamed: the server renames the index column, nothing else to do', async () => {
      const schema = (column: string, hint = '') => `${IMPORTS}export const books = table('books', {
  id: integer().primaryKey(),
  ${column}: text()${hint},
}, () => [index('ix_books_code').on(sql\`${column}(20)\`)])
`
      await runner.run({
        name: 'prefix',
        a: schema('code'),
        b: schema('isbn', ".renamedFrom('code')"),
        seed: ["INSERT INTO books (id, code) VALUES (1, 'abc')"],
        warnings: null,
        detected: ["renamed column 'books.code' to 'isbn'"],
        atB: async () => {
          const parts = await rows(runner.db, "SELECT COLUMN_NAME AS c, SUB_PART AS p FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND INDEX_NAME = 'ix_books_code'")
          assert.deepEqual(parts, [{ c: 'isbn', p: '20' }])
        },
      })
    })

  it('refuses a view that still reads a column the schema drops, before writing any file', async () => {
    const schema = (columns: string) => `${IMPORTS}export const items = table('items', { id: integer().primaryKey(), ${columns} })
export const itemList = view('item_list', sql\`select items.id, items.code from items\`)
`
    runner.writeConfig()
    runner.project.write('schemas/drop_a.ts', schema('code: integer(), qty: integer()'))
    runner.project.write('schemas/drop_b.ts', schema('qty: integer()'))
    try {
      runner.autogenerate('./schemas/drop_a.ts', 'drop_a')
      assert.equal(runner.project.strata(['upgrade', 'head'], { STRATA_TEST_SCHEMA: './schemas/drop_a.ts' }).code, 0)
      const result = runner.project.strata(['revision', '--autogenerate', '-m', 'drop code', '--rev-id', 'drop_b'], { STRATA_TEST_SCHEMA: './schemas/drop_b.ts' })
      assert.equal(result.code, 2, result.stderr + result.stdout)
      assert.equal(result.stderr.trim(), "error: view 'item_list' reads column 'items.code', which the schema drops: change the view or keep the column")
      assert.deepEqual(readdirSync(runner.project.path('migrations/versions')).filter((f) => f.includes('drop_b')), [])
      assert.ok(existsSync(runner.project.path('migrations/versions')))
    } finally {
      await runner.reset()
    }
  })
})
