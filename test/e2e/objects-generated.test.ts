/**
 * Generated columns, A → B → A on each dialect: a stored (and, where the dialect has them, a virtual) generated
 * column added to a table holding rows, and an expression changed. Values are read back at A and B; check is clean
 * after each step (the server's spelling of the expression compares equal to the declared one). The indexes and
 * unique constraints on a column re-created for a new expression are re-created with it, both ways.
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

/** The index names of a table, as the server lists them (unique constraints included where they are indexes). */
async function indexNames(runner: CycleRunner, table: string): Promise<string[]> {
  const sql = {
    sqlite: `SELECT name FROM pragma_index_list('${table}')`,
    postgres: `SELECT indexname AS name FROM pg_indexes WHERE schemaname = current_schema() AND tablename = '${table}'`,
    mysql: `SELECT DISTINCT INDEX_NAME AS name FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '${table}'`,
  }[runner.dialect]
  return (await rows(runner.db, sql)).map((r) => r.name!)
}

function indexedLines(expression: string): string {
  return `import { table, integer, sql, index, unique } from 'strata-db'

export const lines = table(
  'order_lines',
  {
    id: integer().primaryKey(),
    price: integer().notNull(),
    qty: integer().notNull(),
    total: integer().generatedAlwaysAs(sql\`${expression}\`, { stored: true }),
  },
  (t) => [index('ix_lines_total').on(t.total), index('ix_lines_qty_total').on(t.qty, t.total), unique('uq_lines_total_id').on(t.total, t.id)],
)
`
}

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

  it('a changed expression drops and re-creates the indexes and unique constraints on the column, both ways', async () => {
    const present = async () => {
      const names = await indexNames(runner, 'order_lines')
      for (const name of ['ix_lines_total', 'ix_lines_qty_total']) assert.ok(names.includes(name), `${name} in ${names.join(', ')}`)
    }
    await runner.run({
      name: 'indexed',
      a: indexedLines('price * qty'),
      b: indexedLines('price * qty * 2'),
      seed: SEED,
      // The unique constraint's duplicate-rows warning is add-unique's subject, not this cycle's.
      warnings: null,
      detected: [
        "removed column 'order_lines.total'",
        "added column 'order_lines.total'",
        ...['ix_lines_total', 'ix_lines_qty_total'].flatMap((n) => [`removed index '${n}' on 'order_lines'`, `added index '${n}' on 'order_lines'`]),
        "removed unique constraint 'uq_lines_total_id' on 'order_lines'",
        "added unique constraint 'uq_lines_total_id' on 'order_lines'",
      ],
      atB: async () => {
        assert.deepEqual(await rows(runner.db, 'SELECT total FROM order_lines ORDER BY id'), [{ total: '24' }, { total: '0' }])
        await present()
      },
      atA: present,
    })
  })
})
