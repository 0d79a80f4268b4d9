/**
 * Materialized views (PostgreSQL), A → B → A: added with indexes (its rows are what its query gives, or none
 * `withData: false`), definition changed and indexes changed (dropped and created again: PostgreSQL cannot
 * replace one), dropped, re-created around a change of a column it reads, a plain view reading one, and the same
 * materialized view spelled another way (nothing detected). SQLite and MySQL refuse one, in one line.
 */
import assert from 'node:assert/strict'
import { after, before, it } from 'node:test'
import { CycleRunner, rows } from '../support/autogen-cycle.js'
import { describeEachDialect } from '../support/databases.js'
import { rawQuery } from '../support/inspect.js'

const IMPORTS = `import { table, integer, varchar, view, materializedView, sql } from 'strata-db'\n`

function orders(itemLength = 40): string {
  return `export const orders = table('orders', {
  id: integer().primaryKey(),
  customer: varchar({ length: ${itemLength} }).notNull(),
  amount: integer().notNull(),
})
`
}

const SEED = ["INSERT INTO orders (id, customer, amount) VALUES (1, 'ada', 30), (2, 'ada', 12), (3, 'bob', 5)"]

const TOTALS = `export const totals = materializedView('customer_totals', sql\`select customer, sum(amount) as total from orders group by customer\`, {
  indexes: [{ name: 'ix_customer_totals', columns: ['customer'], unique: true }],
})\n`

const BIG = `export const big = view('big_customers', sql\`select customer from customer_totals where total > 20\`)\n`

async function matviews(runner: CycleRunner): Promise<string[]> {
  return (await rawQuery<{ name: string }>(runner.db, 'SELECT matviewname AS name FROM pg_matviews WHERE schemaname = current_schema()')).map((r) => r.name).sort()
}

async function indexesOf(runner: CycleRunner, matview: string): Promise<string[]> {
  const found = await rawQuery<{ name: string }>(runner.db, `SELECT indexname AS name FROM pg_indexes WHERE schemaname = current_schema() AND tablename = '${matview}'`)
  return found.map((r) => r.name).sort()
}

const totals = (runner: CycleRunner) => rows(runner.db, 'SELECT customer, total FROM customer_totals ORDER BY customer')

describeEachDialect('materialized views: added, changed, dropped, re-created around table changes', ({ dialect, db }) => {
  let runner: CycleRunner
  before(() => {
    runner = new CycleRunner(dialect, db(), 'matviews')
  })
  after(() => runner?.remove())

  if (dialect !== 'postgres') {
    it('refuses a schema declaring a materialized view, with one line saying why', () => {
      runner.writeConfig()
      runner.project.write('schemas/mv.ts', IMPORTS + orders() + TOTALS)
      const result = runner.project.strata(['revision', '--autogenerate', '-m', 'mv'], { STRATA_TEST_SCHEMA: './schemas/mv.ts' })
      assert.equal(result.code, 1)
      const name = dialect === 'sqlite' ? 'SQLite' : 'MySQL/MariaDB'
      assert.equal(
        result.stderr.trim(),
        `error: schema is invalid: ${name} has no materialized views (materialized view 'customer_totals'): declare them only in a schema for PostgreSQL, or use view()`,
      )
    })
    return
  }

  it('adds a materialized view with its index, filled from its query, and a view reading it; one withData: false stays empty', async () => {
    await runner.run({
      name: 'added',
      a: IMPORTS + orders(),
      b:
        IMPORTS +
        orders() +
        TOTALS +
        BIG +
        `export const lazy = materializedView('lazy_totals', sql\`select count(*) as n from orders\`, { withData: false })\n`,
      seed: SEED,
      detected: ["added materialized view 'customer_totals'", "added view 'big_customers'", "added materialized view 'lazy_totals'"],
      file: (source) => {
        assert.ok(source.indexOf("op.createMaterializedView('customer_totals'") < source.indexOf("op.createView('big_customers'"), source)
        assert.match(source, /withData: false/)
      },
      atB: async () => {
        assert.deepEqual(await totals(runner), [{ customer: 'ada', total: '42' }, { customer: 'bob', total: '5' }])
        assert.deepEqual(await rows(runner.db, 'SELECT customer FROM big_customers'), [{ customer: 'ada' }])
        assert.deepEqual(await indexesOf(runner, 'customer_totals'), ['ix_customer_totals'])
        assert.deepEqual(await rows(runner.db, "SELECT ispopulated::text AS p FROM pg_matviews WHERE matviewname = 'lazy_totals'"), [{ p: 'false' }])
      },
      atA: async () => assert.deepEqual(await matviews(runner), []),
    })
  })

  it('a changed definition drops and re-creates it (with its index, and the view reading it); its rows follow the new query, and the old ones come back', async () => {
    await runner.run({
      name: 'changed',
      a: IMPORTS + orders() + TOTALS + BIG,
      b: IMPORTS + orders() + TOTALS.replace('sum(amount) as total from orders', 'sum(amount) as total from orders where amount > 10') + BIG,
      seed: SEED,
      detected: [
        "dropped materialized view 'customer_totals' to re-create it around changes to its definition",
        "re-created materialized view 'customer_totals' after changes to its definition",
        "dropped view 'big_customers' to re-create it around changes to view 'customer_totals'",
        "re-created view 'big_customers' after changes to view 'customer_totals'",
      ],
      atB: async () => {
        assert.deepEqual(await totals(runner), [{ customer: 'ada', total: '42' }])
        assert.deepEqual(await rows(runner.db, 'SELECT customer FROM big_customers'), [{ customer: 'ada' }])
        assert.deepEqual(await indexesOf(runner, 'customer_totals'), ['ix_customer_totals'])
      },
      atA: async () => assert.deepEqual(await totals(runner), [{ customer: 'ada', total: '42' }, { customer: 'bob', total: '5' }]),
    })
  })

  it('changed indexes re-create it with the new ones', async () => {
    await runner.run({
      name: 'indexes',
      a: IMPORTS + orders() + TOTALS,
      b: IMPORTS + orders() + TOTALS.replace("[{ name: 'ix_customer_totals', columns: ['customer'], unique: true }]", "[{ name: 'ix_totals_total', columns: ['total', 'customer'] }]"),
      seed: SEED,
      detected: [
        "dropped materialized view 'customer_totals' to re-create it around changes to its indexes",
        "re-created materialized view 'customer_totals' after changes to its indexes",
      ],
      atB: async () => assert.deepEqual(await indexesOf(runner, 'customer_totals'), ['ix_totals_total']),
      atA: async () => assert.deepEqual(await indexesOf(runner, 'customer_totals'), ['ix_customer_totals']),
    })
  })

  it('drops it; downgrade brings it back filled', async () => {
    await runner.run({
      name: 'dropped',
      a: IMPORTS + orders() + TOTALS,
      b: IMPORTS + orders(),
      seed: SEED,
      detected: ["removed materialized view 'customer_totals'"],
      atB: async () => assert.deepEqual(await matviews(runner), []),
      atA: async () => {
        assert.deepEqual(await totals(runner), [{ customer: 'ada', total: '42' }, { customer: 'bob', total: '5' }])
        assert.deepEqual(await indexesOf(runner, 'customer_totals'), ['ix_customer_totals'])
      },
    })
  })

  it('re-creates it around a change of a column it reads; table rows are kept', async () => {
    await runner.run({
      name: 'retyped',
      a: IMPORTS + orders(40) + TOTALS,
      b: IMPORTS + orders(200) + TOTALS,
      seed: SEED,
      detected: [
        "changed type of column 'orders.customer'",
        "dropped materialized view 'customer_totals' to re-create it around changes to 'orders'",
        "re-created materialized view 'customer_totals' after changes to 'orders'",
      ],
      warnings: null,
      file: (source) => assert.ok(source.indexOf('op.dropMaterializedView(') < source.indexOf('op.alterColumn(') && source.indexOf('op.alterColumn(') < source.indexOf('op.createMaterializedView('), source),
      atB: async () => {
        assert.deepEqual(await totals(runner), [{ customer: 'ada', total: '42' }, { customer: 'bob', total: '5' }])
        assert.deepEqual(await rows(runner.db, 'SELECT count(*) AS n FROM orders'), [{ n: '3' }])
      },
      atA: async () => assert.deepEqual(await totals(runner), [{ customer: 'ada', total: '42' }, { customer: 'bob', total: '5' }]),
    })
  })

  it('the same materialized view with other whitespace, case and quoting: nothing detected', async () => {
    await runner.run({
      name: 'spelled',
      a: IMPORTS + orders() + TOTALS,
      b:
        IMPORTS +
        orders() +
        `export const totals = materializedView('customer_totals', sql\`
  SELECT "customer",  SUM(amount) AS total
    FROM orders GROUP BY customer;\`, { withData: false, indexes: [{ name: 'ix_customer_totals', columns: ['customer'], unique: true }] })\n`,
      detected: [],
    })
  })
})
