/**
 * Generated columns, A → B → A on each dialect: a stored (and, where the dialect has them, a virtual) generated
 * column added to a table holding rows, and an expression changed. Values are read back at A and B; check is clean
 * after each step (the server's spelling of the expression compares equal to the declared one).
 */
import assert from 'node:assert/strict'
import { after, before, it } from 'node:test'
import { CycleRunner, rows } from '../support/autogen-cycle.js'
import { describeEachDialect } from '../support/databases.js'

const IMPORTS = `import { table, integer, sql } from 'strata-db'\n`

function lines(extra: string): string {
  return `export const lines = table('order_lines', {
  id: integer().primaryKey(),
  price: integer().notNull(),
  qty: integer().notNull(),${extra}
})
`
}

const SEED = ['INSERT INTO order_lines (id, price, qty) VALUES (1, 3, 4), (2, 5, 0)']

describeEachDialect('generated columns', ({ dialect, db }) => {
  let runner: CycleRunner
  before(() => {
    runner = new CycleRunner(dialect, db(), 'generated')
  })
  after(() => runner?.remove())
  const virtual = dialect !== 'postgres'

  it('adds a stored (and a virtual) generated column to a table with rows; values are computed', async () => {
    const virtualColumn = virtual ? "\n  doubled: integer().generatedAlwaysAs(sql`price * 2`)," : ''
    await runner.run({
      name: 'added',
      a: IMPORTS + lines(''),
      b: IMPORTS + lines(`\n  total: integer().generatedAlwaysAs(sql\`price * qty\`, { stored: true }),${virtualColumn}`),
      seed: SEED,
      detected: ["added column 'order_lines.total'", ...(virtual ? ["added column 'order_lines.doubled'"] : [])],
      file: (source) => assert.match(source, /generatedAlwaysAs\(sql`price \* qty`, \{ stored: true \}\)/),
      atB: async () => {
        assert.deepEqual(await rows(runner.db, 'SELECT id, total FROM order_lines ORDER BY id'), [{ id: '1', total: '12' }, { id: '2', total: '0' }])
        if (virtual) assert.deepEqual(await rows(runner.db, 'SELECT doubled FROM order_lines ORDER BY id'), [{ doubled: '6' }, { doubled: '10' }])
      },
      atA: async () => assert.deepEqual(await rows(runner.db, 'SELECT id, price FROM order_lines ORDER BY id'), [{ id: '1', price: '3' }, { id: '2', price: '5' }]),
    })
  })

  it('a changed expression re-creates the column (no data loss warning); values follow, and back at A', async () => {
    await runner.run({
      name: 'changed',
      a: IMPORTS + lines("\n  total: integer().generatedAlwaysAs(sql`price * qty`, { stored: true }),"),
      b: IMPORTS + lines("\n  total: integer().generatedAlwaysAs(sql`price * qty + 1`, { stored: true }),"),
      seed: SEED,
      detected: ["removed column 'order_lines.total'", "added column 'order_lines.total'"],
      atB: async () => assert.deepEqual(await rows(runner.db, 'SELECT total FROM order_lines ORDER BY id'), [{ total: '13' }, { total: '1' }]),
      atA: async () => assert.deepEqual(await rows(runner.db, 'SELECT total FROM order_lines ORDER BY id'), [{ total: '12' }, { total: '0' }]),
    })
  })
})
