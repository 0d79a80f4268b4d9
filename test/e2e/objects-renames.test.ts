/**
 * Objects renamed with `renamedFrom`, A → B → A on each dialect: PostgreSQL renames views, materialized views,
 * sequences, functions and triggers in place (ALTER … RENAME TO: a materialized view keeps its stored rows, a
 * sequence its current value, a trigger keeps firing); MySQL renames a view (RENAME TABLE) and drops and re-creates
 * a trigger or function; SQLite drops and re-creates views and triggers. A rename plus a new definition is a rename
 * and then a change. Once renamed, `renamedFrom` left in the schema changes nothing.
 */
import assert from 'node:assert/strict'
import { after, before, it } from 'node:test'
import { CycleRunner, rows } from '../support/autogen-cycle.js'
import { type TestDialect, describeEachDialect } from '../support/databases.js'
import { rawQuery } from '../support/inspect.js'

const IMPORTS = `import { table, integer, varchar, view, materializedView, sequence, trigger, sqlFunction, sql } from 'strata-db'\n`

const TABLES = `export const customers = table('customers', { id: integer().primaryKey(), name: varchar({ length: 50 }) })
export const audit = table('audit', { id: integer().primaryKey(), customerId: integer('customer_id') })
`
const SEED = ["INSERT INTO customers (id, name) VALUES (1, 'Ada'), (2, 'Bob')"]

/** Each object under `names[i]`, with `renamedFrom` when `from` is given. */
function objects(dialect: TestDialect, names: { view: string; trigger: string; fn: string; mv: string; seq: string }, from?: typeof names): string {
  const renamed = (key: keyof typeof names) => (from ? `renamedFrom: '${from[key]}'` : '')
  const insert = 'insert into audit (id, customer_id) values (NEW.id, NEW.id)'
  let source = `export const v = view('${names.view}', sql\`select id, name from customers\`, { ${renamed('view')} })\n`
  if (dialect !== 'postgres') return source + `export const t = trigger('${names.trigger}', { table: customers, timing: 'after', events: ['insert'], body: sql\`${insert}\`, ${renamed('trigger')} })\n`
  source += `export const fn = sqlFunction('${names.fn}', { returns: 'trigger', language: 'plpgsql', body: sql\`begin ${insert}; return NEW; end\`, ${renamed('fn')} })
export const t = trigger('${names.trigger}', { table: customers, timing: 'after', events: ['insert'], function: fn, ${renamed('trigger')} })
export const mv = materializedView('${names.mv}', sql\`select count(*) as n from customers\`, { indexes: [{ name: 'ix_customer_count', columns: ['n'] }], ${renamed('mv')} })
export const s = sequence('${names.seq}', { start: 100, ${renamed('seq')} })
`
  return source
}

const OLD = { view: 'people', trigger: 'audit_new', fn: 'audit_fn', mv: 'people_count', seq: 'ticket_no' }
const NEW = { view: 'persons', trigger: 'audit_created', fn: 'audit_customer', mv: 'person_count', seq: 'ticket_number' }

describeEachDialect('objects renamed with renamedFrom', ({ dialect, db }) => {
  let runner: CycleRunner
  before(() => {
    runner = new CycleRunner(dialect, db(), 'renames')
  })
  after(() => runner?.remove())
  const pg = dialect === 'postgres'

  it(pg ? 'renames in place: rows, current value and the stale materialized view are kept; the trigger still fires' : 'renames a view and a trigger; rows read through the view, the trigger fires', async () => {
    const detected = [`renamed view 'people' to 'persons'`, `renamed trigger 'audit_new' on 'customers' to 'audit_created'`]
    if (pg) detected.push(`renamed function 'audit_fn' to 'audit_customer'`, `renamed materialized view 'people_count' to 'person_count'`, `renamed sequence 'ticket_no' to 'ticket_number'`)
    await runner.run({
      name: 'renamed',
      a: IMPORTS + TABLES + objects(dialect, OLD),
      b: IMPORTS + TABLES + objects(dialect, NEW, OLD),
      seed: [...SEED, ...(pg ? ["SELECT nextval('ticket_no')", "SELECT nextval('ticket_no')"] : [])],
      detected,
      file: (source) => assert.match(source, /op\.renameView\('people', 'persons', sql`select id, name from customers`\)/),
      atB: async () => {
        assert.deepEqual(await rows(runner.db, 'SELECT name FROM persons ORDER BY id'), [{ name: 'Ada' }, { name: 'Bob' }])
        await rawQuery(runner.db, "INSERT INTO customers (id, name) VALUES (3, 'Cy')")
        assert.deepEqual(await rows(runner.db, 'SELECT customer_id FROM audit ORDER BY id'), [{ customer_id: '1' }, { customer_id: '2' }, { customer_id: '3' }])
        if (pg) {
          // Created empty at A, before the seed: a rename keeps it as it was (a re-creation would count 2).
          assert.deepEqual(await rows(runner.db, 'SELECT n FROM person_count'), [{ n: '0' }])
          assert.deepEqual(await rows(runner.db, "SELECT indexname FROM pg_indexes WHERE tablename = 'person_count'"), [{ indexname: 'ix_customer_count' }])
          assert.deepEqual(await rows(runner.db, "SELECT nextval('ticket_number') AS n"), [{ n: '102' }])
        }
      },
      atA: async () => {
        assert.deepEqual(await rows(runner.db, 'SELECT name FROM people ORDER BY id'), [{ name: 'Ada' }, { name: 'Bob' }, { name: 'Cy' }])
        if (pg) assert.deepEqual(await rows(runner.db, "SELECT nextval('ticket_no') AS n"), [{ n: '103' }])
      },
    })
  })

  it('a rename and a new definition: renamed, then changed; the downgrade undoes both', async () => {
    const view = (name: string, where: string, from = '') => `export const v = view('${name}', sql\`select id, name from customers${where}\`${from})\n`
    await runner.run({
      name: 'renamed_changed',
      a: IMPORTS + TABLES + view('people', ''),
      b: IMPORTS + TABLES + view('persons', ' where id > 1', ", { renamedFrom: 'people' }"),
      seed: SEED,
      detected: ["renamed view 'people' to 'persons'", "changed definition of view 'persons'"],
      file: (source) => assert.ok(source.indexOf('op.renameView(') < source.indexOf('op.replaceView('), source),
      atB: async () => assert.deepEqual(await rows(runner.db, 'SELECT name FROM persons'), [{ name: 'Bob' }]),
      atA: async () => assert.deepEqual(await rows(runner.db, 'SELECT name FROM people ORDER BY id'), [{ name: 'Ada' }, { name: 'Bob' }]),
    })
  })
})
