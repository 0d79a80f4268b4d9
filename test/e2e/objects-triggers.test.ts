/**
 * Triggers, functions and procedures, A → B → A on each dialect: added (the trigger fires: an inserted row writes
 * the audit table), changed, dropped (the downgrade brings it back, and it fires again), the same declaration spelled
 * another way (nothing detected). PostgreSQL triggers run a trigger function; SQLite refuses functions.
 */
import assert from 'node:assert/strict'
import { after, before, it } from 'node:test'
import { CycleRunner, rows } from '../support/autogen-cycle.js'
import { type TestDialect, describeEachDialect } from '../support/databases.js'
import { rawQuery } from '../support/inspect.js'

const IMPORTS = `import { table, integer, varchar, trigger, sqlFunction, procedure, sql } from 'strata-db'\n`

const TABLES = `export const customers = table('customers', { id: integer().primaryKey(), name: varchar({ length: 50 }) })
export const audit = table('audit', { id: integer().primaryKey().autoincrement(), customerId: integer('customer_id'), action: varchar({ length: 20 }) })
`

/** An audit trigger writing `action` for each inserted customer, as each dialect says it. */
function auditTrigger(dialect: TestDialect, action: string, events = "['insert']"): string {
  const insert = `insert into audit (customer_id, action) values (NEW.id, '${action}')`
  if (dialect !== 'postgres')
    return `export const customersAudit = trigger('customers_audit', { table: customers, timing: 'after', events: ${events}, body: sql\`${insert}\` })\n`
  return `export const auditFn = sqlFunction('customers_audit_fn', { returns: 'trigger', language: 'plpgsql', body: sql\`begin ${insert}; return NEW; end\` })
export const customersAudit = trigger('customers_audit', { table: customers, timing: 'after', events: ${events}, function: auditFn })
`
}

/** A function and a procedure (PostgreSQL and MySQL). */
function routines(dialect: TestDialect, step = 1): string {
  if (dialect === 'sqlite') return ''
  const language = dialect === 'postgres' ? "language: 'sql', " : ''
  const fnBody = dialect === 'postgres' ? `select x + ${step}` : `RETURN x + ${step}`
  const args = dialect === 'postgres' ? 'who integer' : 'IN who integer'
  return `export const addOne = sqlFunction('add_step', { args: 'x integer', returns: 'integer', ${language}volatility: 'immutable', body: sql\`${fnBody}\` })
export const touch = procedure('touch_audit', { args: '${args}', ${language}body: sql\`insert into audit (customer_id, action) values (who, 'touch')\` })
`
}

async function actions(runner: CycleRunner): Promise<string[]> {
  return (await rows(runner.db, 'SELECT action FROM audit ORDER BY id')).map((r) => r.action!)
}

describeEachDialect('triggers, functions and procedures', ({ dialect, db }) => {
  let runner: CycleRunner
  before(() => {
    runner = new CycleRunner(dialect, db(), 'triggers')
  })
  after(() => runner?.remove())
  const pg = dialect === 'postgres'

  it('adds a trigger (and its function), a function and a procedure; the trigger fires on insert', async () => {
    const added = pg ? ["added function 'customers_audit_fn'"] : []
    const routineAdds = dialect === 'sqlite' ? [] : ["added function 'add_step'", "added procedure 'touch_audit'"]
    await runner.run({
      name: 'added',
      a: IMPORTS + TABLES,
      b: IMPORTS + TABLES + auditTrigger(dialect, 'insert') + routines(dialect),
      detected: [...added, ...routineAdds, "added trigger 'customers_audit' on 'customers'"],
      atB: async () => {
        await rawQuery(runner.db, "INSERT INTO customers (id, name) VALUES (7, 'Ada')")
        assert.deepEqual(await rows(runner.db, 'SELECT customer_id, action FROM audit'), [{ customer_id: '7', action: 'insert' }])
        if (dialect === 'sqlite') return
        const [one] = await rows(runner.db, 'SELECT add_step(41) AS v')
        assert.equal(one!.v, '42')
        await rawQuery(runner.db, 'CALL touch_audit(8)')
        assert.deepEqual(await actions(runner), ['insert', 'touch'])
      },
      atA: async () => {
        await rawQuery(runner.db, "INSERT INTO customers (id, name) VALUES (9, 'Bob')")
        assert.deepEqual(await actions(runner), ['insert', 'touch'].slice(0, dialect === 'sqlite' ? 1 : 2), 'no trigger at A: nothing new')
      },
    })
  })

  it('detects a changed trigger body (PostgreSQL: its function), a changed function; downgrade restores both', async () => {
    await runner.run({
      name: 'changed',
      a: IMPORTS + TABLES + auditTrigger(dialect, 'insert') + routines(dialect, 1),
      b: IMPORTS + TABLES + auditTrigger(dialect, 'created') + routines(dialect, 2),
      detected: [
        pg ? "changed function 'customers_audit_fn'" : "changed trigger 'customers_audit' on 'customers'",
        ...(dialect === 'sqlite' ? [] : ["changed function 'add_step'"]),
      ],
      atB: async () => {
        await rawQuery(runner.db, "INSERT INTO customers (id, name) VALUES (1, 'Ada')")
        assert.deepEqual(await actions(runner), ['created'])
        if (dialect !== 'sqlite') assert.equal((await rows(runner.db, 'SELECT add_step(40) AS v'))[0]!.v, '42')
      },
      atA: async () => {
        await rawQuery(runner.db, "INSERT INTO customers (id, name) VALUES (2, 'Bob')")
        assert.deepEqual(await actions(runner), ['created', 'insert'])
        if (dialect !== 'sqlite') assert.equal((await rows(runner.db, 'SELECT add_step(40) AS v'))[0]!.v, '41')
      },
    })
  })

  it('detects a dropped trigger; after the downgrade it fires again; rows are kept', async () => {
    await runner.run({
      name: 'dropped',
      a: IMPORTS + TABLES + auditTrigger(dialect, 'insert'),
      b: IMPORTS + TABLES,
      seed: ["INSERT INTO customers (id, name) VALUES (1, 'Ada')"],
      detected: ["removed trigger 'customers_audit' on 'customers'", ...(pg ? ["removed function 'customers_audit_fn'"] : [])],
      atB: async () => {
        await rawQuery(runner.db, "INSERT INTO customers (id, name) VALUES (2, 'Bob')")
        assert.deepEqual(await actions(runner), ['insert'])
      },
      atA: async () => {
        await rawQuery(runner.db, "INSERT INTO customers (id, name) VALUES (3, 'Cy')")
        assert.deepEqual(await actions(runner), ['insert', 'insert'])
        assert.equal((await rows(runner.db, 'SELECT count(*) AS n FROM customers'))[0]!.n, '3')
      },
    })
  })

  if (pg)
    it('detects a trigger firing on more events (PostgreSQL)', async () => {
      await runner.run({
        name: 'events',
        a: IMPORTS + TABLES + auditTrigger(dialect, 'insert'),
        b: IMPORTS + TABLES + auditTrigger(dialect, 'insert', "['insert', 'update']"),
        seed: ["INSERT INTO customers (id, name) VALUES (1, 'Ada')"],
        detected: ["changed trigger 'customers_audit' on 'customers'"],
        atB: async () => {
          await rawQuery(runner.db, "UPDATE customers SET name = 'Ada L' WHERE id = 1")
          assert.deepEqual(await actions(runner), ['insert', 'insert'])
        },
      })
    })

  if (pg)
    it('one trigger name on two tables (PostgreSQL names triggers per table): the one changed is replaced, the other kept', async () => {
      const touch = `export const touchFn = sqlFunction('touch_fn', { returns: 'trigger', language: 'plpgsql', body: sql\`begin insert into audit (customer_id, action) values (NEW.id, TG_TABLE_NAME); return NEW; end\` })
export const orders = table('orders', { id: integer().primaryKey() })
export const onCustomers = trigger('touched', { table: customers, timing: 'after', events: ['insert'], function: touchFn })
`
      const onOrders = (events: string) => `export const onOrders = trigger('touched', { table: orders, timing: 'after', events: ${events}, function: touchFn })\n`
      await runner.run({
        name: 'per_table',
        a: IMPORTS + TABLES + touch + onOrders("['insert']"),
        b: IMPORTS + TABLES + touch + onOrders("['insert', 'update']"),
        detected: ["changed trigger 'touched' on 'orders'"],
        atB: async () => {
          await rawQuery(runner.db, "INSERT INTO customers (id, name) VALUES (1, 'Ada')")
          await rawQuery(runner.db, 'INSERT INTO orders (id) VALUES (5)')
          await rawQuery(runner.db, 'UPDATE orders SET id = 6')
          assert.deepEqual(await actions(runner), ['customers', 'orders', 'orders'])
        },
        atA: async () => {
          await rawQuery(runner.db, 'UPDATE orders SET id = 7')
          await rawQuery(runner.db, "INSERT INTO customers (id, name) VALUES (2, 'Bob')")
          assert.deepEqual(await actions(runner), ['customers', 'orders', 'orders', 'customers'])
        },
      })
    })

  if (pg)
    it("passes a trigger function its arguments (PostgreSQL's tsvector_update_trigger): added, then changed; downgrade restores them", async () => {
      const docs = `export const docs = table('docs', { id: integer().primaryKey(), title: varchar({ length: 50 }), body: varchar({ length: 50 }), tsv: customType('tsvector') })\n`
      const tsv = (...columns: string[]) =>
        `export const docsTsv = trigger('docs_tsv', { table: docs, timing: 'before', events: ['insert', 'update'], function: 'tsvector_update_trigger', arguments: ['tsv', 'pg_catalog.english', ${columns.map((c) => `'${c}'`).join(', ')}] })\n`
      const imports = IMPORTS.replace(' sql }', ' sql, customType }')
      const words = async () => (await rows(runner.db, 'SELECT id, tsv::text AS v FROM docs ORDER BY id')).map((r) => r.v)
      await runner.run({
        name: 'arguments',
        a: imports + TABLES + docs + tsv('title'),
        b: imports + TABLES + docs + tsv('title', 'body'),
        detected: ["changed trigger 'docs_tsv' on 'docs'"],
        file: (source) => assert.match(source, /arguments: \['tsv', 'pg_catalog\.english', 'title', 'body'\]/),
        atB: async () => {
          await rawQuery(runner.db, "INSERT INTO docs (id, title, body) VALUES (1, 'Cats', 'Dogs')")
          assert.deepEqual(await words(), ["'cat':1 'dog':2"])
        },
        atA: async () => {
          await rawQuery(runner.db, "INSERT INTO docs (id, title, body) VALUES (2, 'Birds', 'Fish')")
          assert.deepEqual(await words(), ["'cat':1 'dog':2", "'bird':1"])
        },
      })
    })

  if (pg)
    it('a SQL function calling another is created after it, whatever their names (PostgreSQL checks the body)', async () => {
      const fns = `export const inStock = sqlFunction('b_in_stock', { args: 'n integer', returns: 'boolean', body: sql\`select n > 0\` })
export const filmInStock = sqlFunction('a_film_in_stock', { args: 'n integer', returns: 'boolean', body: sql\`select b_in_stock(n - 1)\` })
`
      await runner.run({
        name: 'callees_first',
        a: IMPORTS + TABLES,
        b: IMPORTS + TABLES + fns,
        detected: ["added function 'a_film_in_stock'", "added function 'b_in_stock'"],
        file: (source) => assert.ok(source.indexOf("'b_in_stock'") < source.indexOf("'a_film_in_stock'"), source),
        atB: async () => assert.deepEqual(await rows(runner.db, 'SELECT a_film_in_stock(2) AS yes, a_film_in_stock(1) AS no'), [{ yes: 'true', no: 'false' }]),
      })
    })

  if (dialect !== 'mysql')
    it('detects a trigger narrowed to UPDATE OF a column; it fires only when that column is set; downgrade widens it again', async () => {
      await runner.run({
        name: 'update_of',
        a: IMPORTS + TABLES + auditTrigger(dialect, 'update', "['update']"),
        b: IMPORTS + TABLES + auditTrigger(dialect, 'update', "['update'], updateOf: ['name']"),
        seed: ["INSERT INTO customers (id, name) VALUES (1, 'Ada')"],
        detected: ["changed trigger 'customers_audit' on 'customers'"],
        file: (source) => assert.match(source, /updateOf: \['name'\]/),
        atB: async () => {
          await rawQuery(runner.db, 'UPDATE customers SET id = 2 WHERE id = 1')
          assert.deepEqual(await actions(runner), [])
          await rawQuery(runner.db, "UPDATE customers SET name = 'Ada L' WHERE id = 2")
          assert.deepEqual(await actions(runner), ['update'])
        },
        atA: async () => {
          await rawQuery(runner.db, 'UPDATE customers SET id = 3 WHERE id = 2')
          assert.deepEqual(await actions(runner), ['update', 'update'])
        },
      })
    })

  it('the same trigger and routines spelled another way: nothing detected', async () => {
    const respell = (source: string) => source.replace('insert into audit (customer_id, action)', 'INSERT INTO audit(customer_id,action)\n   ').replaceAll('x + ', 'X  +  ')
    await runner.run({
      name: 'spelled',
      a: IMPORTS + TABLES + auditTrigger(dialect, 'insert') + routines(dialect),
      b: IMPORTS + TABLES + respell(auditTrigger(dialect, 'insert') + routines(dialect)),
      detected: [],
    })
  })

  if (dialect === 'sqlite')
    it('refuses a schema declaring a function, with one line saying why', () => {
      runner.writeConfig()
      runner.project.write('schemas/fn.ts', IMPORTS + TABLES + routines('postgres'))
      const result = runner.project.strata(['revision', '--autogenerate', '-m', 'fn'], { STRATA_TEST_SCHEMA: './schemas/fn.ts' })
      assert.equal(result.code, 1)
      assert.equal(result.stderr.trim(), "error: schema is invalid: SQLite has no stored functions or procedures (function 'add_step'): declare them only in a schema for PostgreSQL or MySQL")
    })
})
