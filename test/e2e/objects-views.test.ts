/**
 * Views, A → B → A on each dialect: added (one reading another), definition changed, dropped, a table change under
 * a view (a retyped column: PostgreSQL needs the view dropped and re-created around it; a SQLite rebuild keeps it),
 * and the same view spelled another way (nothing detected). Rows read through the views are checked at A and B.
 */
import assert from 'node:assert/strict'
import { after, before, it } from 'node:test'
import { CycleRunner, rows } from '../support/autogen-cycle.js'
import { type TestDialect, describeEachDialect } from '../support/databases.js'
import { rawQuery } from '../support/inspect.js'

const IMPORTS = `import { table, integer, varchar, boolean, view, sql } from 'strata-db'\n`

function customers(nameLength = 50): string {
  return `export const customers = table('customers', {
  id: integer().primaryKey(),
  name: varchar({ length: ${nameLength} }).notNull(),
  email: varchar({ length: 100 }),
  active: boolean().notNull().default(true),
})
`
}

const SEED = ["INSERT INTO customers (id, name, email, active) VALUES (1, 'Ada', 'ada@example.com', TRUE), (2, 'Bob', NULL, FALSE)"]

/** An identifier quoted the way the dialect's users quote it by hand. */
function quoted(dialect: TestDialect, name: string): string {
  // Inside the schema file's sql`…` template a backtick is written escaped.
  return dialect === 'mysql' ? `\\\`${name}\\\`` : `"${name}"`
}

async function viewNames(runner: CycleRunner): Promise<string[]> {
  const sql =
    runner.dialect === 'sqlite'
      ? `SELECT name FROM sqlite_master WHERE type = 'view'`
      : runner.dialect === 'postgres'
        ? `SELECT table_name AS name FROM information_schema.views WHERE table_schema = current_schema()`
        : `SELECT table_name AS name FROM information_schema.views WHERE table_schema = DATABASE()`
  return (await rawQuery<{ name: string }>(runner.db, sql)).map((r) => r.name).sort()
}

describeEachDialect('views: added, changed, dropped, re-created around table changes', ({ dialect, db }) => {
  let runner: CycleRunner
  before(() => {
    runner = new CycleRunner(dialect, db(), 'views')
  })
  after(() => runner?.remove())

  const activeView = `export const activeCustomers = view('active_customers', sql\`select id, name from customers where active = TRUE\`)\n`

  it('adds a view and a view reading it, in order; rows read through both', async () => {
    await runner.run({
      name: 'added',
      a: IMPORTS + customers(),
      b: IMPORTS + customers() + activeView + `export const names = view('customer_names', sql\`select name from active_customers\`, { columns: ['display_name'] })\n`,
      seed: SEED,
      detected: ["added view 'active_customers'", "added view 'customer_names'"],
      file: (source) => assert.ok(source.indexOf("op.createView('active_customers'") < source.indexOf("op.createView('customer_names'"), source),
      atB: async () => assert.deepEqual(await rows(runner.db, 'SELECT display_name FROM customer_names'), [{ display_name: 'Ada' }]),
      atA: async () => assert.deepEqual(await viewNames(runner), []),
    })
  })

  it('detects a changed definition; downgrade restores the old one', async () => {
    await runner.run({
      name: 'changed',
      a: IMPORTS + customers() + activeView,
      b: IMPORTS + customers() + `export const activeCustomers = view('active_customers', sql\`select id, name, email from customers where active = TRUE\`)\n`,
      seed: SEED,
      detected: ["changed definition of view 'active_customers'"],
      atB: async () => assert.deepEqual(await rows(runner.db, 'SELECT id, name, email FROM active_customers'), [{ id: '1', name: 'Ada', email: 'ada@example.com' }]),
      atA: async () => assert.deepEqual(await rows(runner.db, 'SELECT * FROM active_customers'), [{ id: '1', name: 'Ada' }]),
    })
  })

  it('detects a dropped view; downgrade brings it back', async () => {
    await runner.run({
      name: 'dropped',
      a: IMPORTS + customers() + activeView,
      b: IMPORTS + customers(),
      seed: SEED,
      detected: ["removed view 'active_customers'"],
      atB: async () => assert.deepEqual(await viewNames(runner), []),
      atA: async () => assert.deepEqual(await rows(runner.db, 'SELECT name FROM active_customers'), [{ name: 'Ada' }]),
    })
  })

  it('re-creates a view around a change of a column it reads; it works at B and back at A', async () => {
    await runner.run({
      name: 'retyped',
      a: IMPORTS + customers(50) + activeView,
      b: IMPORTS + customers(200) + activeView,
      seed: SEED,
      detected: [
        "changed type of column 'customers.name'",
        "dropped view 'active_customers' to re-create it around changes to 'customers'",
        "re-created view 'active_customers' after changes to 'customers'",
      ],
      // varchar 50 → 200 widens: the lint catalogue marks no data risk (issue 11).
      warnings: [],
      file: (source) => assert.ok(source.indexOf('op.dropView(') < source.indexOf('op.alterColumn(') && source.indexOf('op.alterColumn(') < source.indexOf('op.createView('), source),
      atB: async () => assert.deepEqual(await rows(runner.db, 'SELECT name FROM active_customers'), [{ name: 'Ada' }]),
      atA: async () => assert.deepEqual(await rows(runner.db, 'SELECT name FROM active_customers'), [{ name: 'Ada' }]),
    })
  })

  it('a change that leaves the columns a view reads alone does not touch the view (a SQLite rebuild keeps it)', async () => {
    await runner.run({
      name: 'rebuilt',
      a: IMPORTS + customers() + activeView,
      b: IMPORTS + customers().replace("varchar({ length: 100 })", "varchar({ length: 100 }).unique()") + activeView,
      seed: SEED,
      detected: ["added unique constraint 'uq_customers_email' on 'customers'"],
      warnings: ["adds unique constraint 'uq_customers_email' on 'customers' (fails if existing rows hold duplicates)"],
      atB: async () => assert.deepEqual(await rows(runner.db, 'SELECT name FROM active_customers'), [{ name: 'Ada' }]),
      atA: async () => assert.deepEqual(await rows(runner.db, 'SELECT name FROM active_customers'), [{ name: 'Ada' }]),
    })
  })

  it('the same view with other whitespace, case and quoting: nothing detected', async () => {
    const q = (n: string) => quoted(dialect, n)
    await runner.run({
      name: 'spelled',
      a: IMPORTS + customers() + activeView,
      b: IMPORTS + customers() + `export const activeCustomers = view('active_customers', sql\`
  SELECT ${q('id')},  NAME
    FROM   ${q('customers')}
   WHERE active = true;\`)\n`,
      detected: [],
    })
  })

  it("a view made by hand, declared in the server's own words: nothing detected; other text is a change", async () => {
    const config = runner.writeConfig()
    runner.project.write('schemas/none.ts', 'export {}\n')
    try {
      await rawQuery(runner.db, 'CREATE TABLE people (id INTEGER NOT NULL PRIMARY KEY, name VARCHAR(50))')
      await rawQuery(runner.db, 'CREATE VIEW named_people AS SELECT id, name FROM people WHERE name IS NOT NULL')
      const serverText = await storedDefinition(runner)
      const declare = (text: string) =>
        IMPORTS.replace('boolean, ', '') +
        `export const people = table('people', { id: integer().primaryKey(), name: varchar({ length: 50 }) })\n` +
        `export const namedPeople = view('named_people', sql\`${text.replaceAll('\\', '\\\\').replaceAll('`', '\\`')}\`)\n`
      runner.project.write('schemas/pulled.ts', declare(serverText))
      assert.deepEqual(await runner.differences('./schemas/pulled.ts'), [])
      runner.project.write('schemas/other.ts', declare('SELECT id, name FROM people'))
      assert.deepEqual(await runner.differences('./schemas/other.ts'), ["changed definition of view 'named_people'"])
    } finally {
      await rawQuery(runner.db, 'DROP VIEW IF EXISTS named_people')
      await rawQuery(runner.db, 'DROP TABLE IF EXISTS people')
      await runner.reset(config)
    }
  })
})

/** The view's text as the server keeps it (what a pull writes). */
async function storedDefinition(runner: CycleRunner): Promise<string> {
  if (runner.dialect === 'sqlite') return 'SELECT id, name FROM people WHERE name IS NOT NULL'
  const sql =
    runner.dialect === 'postgres'
      ? "SELECT pg_get_viewdef('named_people'::regclass) AS d"
      : "SELECT VIEW_DEFINITION AS d FROM information_schema.VIEWS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'named_people'"
  const [row] = await rawQuery<{ d: string }>(runner.db, sql)
  // MySQL names the database in every table reference; pull leaves out the current one's (a view built from the file
  // in another database must read that database).
  return runner.dialect === 'mysql' ? row!.d.replaceAll(`\`${new URL(runner.db.url).pathname.slice(1)}\`.`, '') : row!.d
}
