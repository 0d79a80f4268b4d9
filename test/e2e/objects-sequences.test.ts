/**
 * Sequences (PostgreSQL), A → B → A: added (one feeding a new table's default, one owned by a column), options
 * changed (the current value is kept: numbers go on from where they were), dropped, dropped with the table that
 * owns it, and the same sequence spelled with its defaults (nothing detected). Serial and identity columns' own
 * sequences are never reported. SQLite and MySQL refuse a schema declaring a sequence, in one line.
 */
import assert from 'node:assert/strict'
import { after, before, it } from 'node:test'
import { CycleRunner, rows } from '../support/autogen-cycle.js'
import { describeEachDialect } from '../support/databases.js'
import { rawQuery } from '../support/inspect.js'

const IMPORTS = `import { table, integer, bigint, varchar, customType, sequence, sql } from 'strata-db'\n`

const OTHER = `export const other = table('other', { id: integer().primaryKey() })\n`

/** Orders numbered from `order_no`; `id` is serial, `line` an identity: neither's own sequence is a declared one. */
const ORDERS = `export const orders = table('orders', {
  id: customType('serial').primaryKey(),
  line: integer().notNull().autoincrement(),
  no: bigint().notNull().default(sql\`nextval('order_no')\`),
  item: varchar({ length: 40 }).notNull(),
})
`
const NOTES = `export const notes = table('notes', { id: integer().primaryKey() })\n`
const ORDER_NO = `export const orderNo = sequence('order_no', { start: 1000 })\n`

async function sequenceNames(runner: CycleRunner): Promise<string[]> {
  const found = await rawQuery<{ name: string }>(runner.db, "SELECT sequence_name AS name FROM information_schema.sequences WHERE sequence_schema = current_schema() AND sequence_name NOT LIKE 'orders_%'")
  return found.map((r) => r.name).sort()
}

const numbers = (runner: CycleRunner) => rows(runner.db, 'SELECT item, no FROM orders ORDER BY no')

describeEachDialect('sequences: added, altered (value kept), dropped, dropped with their owner', ({ dialect, db }) => {
  let runner: CycleRunner
  before(() => {
    runner = new CycleRunner(dialect, db(), 'sequences')
  })
  after(() => runner?.remove())

  if (dialect !== 'postgres') {
    it('refuses a schema declaring a sequence, with one line saying why', () => {
      runner.writeConfig()
      runner.project.write('schemas/seq.ts', IMPORTS + ORDER_NO)
      const result = runner.project.strata(['revision', '--autogenerate', '-m', 'seq'], { STRATA_TEST_SCHEMA: './schemas/seq.ts' })
      assert.equal(result.code, 1)
      const name = dialect === 'sqlite' ? 'SQLite' : 'MySQL/MariaDB'
      assert.equal(result.stderr.trim(), `error: schema is invalid: ${name} has no sequences (sequence 'order_no'): declare sequences only in a schema for PostgreSQL`)
    })
    return
  }

  it("adds sequences before the table whose default uses one, and an owner after its column; serial and identity sequences aren't reported", async () => {
    await runner.run({
      name: 'added',
      a: IMPORTS + NOTES,
      b: IMPORTS + NOTES + ORDER_NO + ORDERS + `export const audit = sequence('audit_no', { increment: 10, min: 10, max: 100000, cycle: true, cache: 5, ownedBy: 'orders.line' })\n`,
      detected: ["added sequence 'order_no'", "added table 'orders'", "added sequence 'audit_no'", "sequence 'audit_no' now owned by 'orders.line'"],
      file: (source) => {
        assert.ok(source.indexOf("op.createSequence('order_no'") < source.indexOf("op.createTable('orders'"), source)
        assert.ok(source.indexOf("op.createTable('orders'") < source.indexOf("op.alterSequence('audit_no'"), source)
      },
      atB: async () => {
        await rawQuery(runner.db, "INSERT INTO orders (item) VALUES ('tea'), ('jam')")
        assert.deepEqual(await numbers(runner), [{ item: 'tea', no: '1000' }, { item: 'jam', no: '1001' }])
        assert.deepEqual(await rows(runner.db, "SELECT nextval('audit_no') AS a, nextval('audit_no') AS b"), [{ a: '10', b: '20' }])
        const [owner] = await rawQuery<{ owner: string }>(runner.db, "SELECT pg_get_serial_sequence('orders', 'line') AS owner")
        assert.notEqual(owner!.owner, null)
        assert.deepEqual(await sequenceNames(runner), ['audit_no', 'order_no'])
      },
      atA: async () => assert.deepEqual(await sequenceNames(runner), []),
    })
  })

  it('changes options with ALTER SEQUENCE: numbers go on from the current value, at B and back at A', async () => {
    await runner.run({
      name: 'altered',
      a: IMPORTS + ORDER_NO + ORDERS,
      b: IMPORTS + ORDERS + `export const orderNo = sequence('order_no', { start: 1000, increment: 5, max: 99999, cycle: true })\n`,
      seed: ["INSERT INTO orders (item) VALUES ('tea'), ('jam'), ('oat')"],
      detected: ["changed options of sequence 'order_no'"],
      file: (source) => assert.match(source, /op\.alterSequence\('order_no', \{ start: 1000, increment: 5, max: 99999, cycle: true, existing: \{ start: 1000 \} \}\)/),
      atB: async () => {
        await rawQuery(runner.db, "INSERT INTO orders (item) VALUES ('rye')")
        assert.deepEqual((await numbers(runner)).map((r) => r.no), ['1000', '1001', '1002', '1007'])
      },
      atA: async () => {
        await rawQuery(runner.db, "INSERT INTO orders (item) VALUES ('fig')")
        assert.deepEqual((await numbers(runner)).map((r) => r.no), ['1000', '1001', '1002', '1007', '1008'])
      },
    })
  })

  it('drops a sequence once no default uses it; downgrade brings it back', async () => {
    await runner.run({
      name: 'dropped',
      a: IMPORTS + ORDER_NO + ORDERS,
      b: IMPORTS + ORDERS.replace("bigint().notNull().default(sql`nextval('order_no')`)", 'bigint().notNull().default(0)'),
      seed: ["INSERT INTO orders (item) VALUES ('tea')"],
      detected: ["changed default of column 'orders.no'", "removed sequence 'order_no'"],
      warnings: null,
      file: (source) => assert.ok(source.indexOf("op.alterColumn('orders'") < source.indexOf("op.dropSequence('order_no'"), source),
      atB: async () => {
        assert.deepEqual(await sequenceNames(runner), [])
        assert.deepEqual(await numbers(runner), [{ item: 'tea', no: '1000' }])
      },
      atA: async () => {
        assert.deepEqual(await sequenceNames(runner), ['order_no'])
        assert.deepEqual(await numbers(runner), [{ item: 'tea', no: '1000' }])
      },
    })
  })

  it('drops an owned sequence with its table: disowned first (dropping the table would take it along)', async () => {
    const owned = `export const tickets = table('tickets', { id: integer().primaryKey(), code: integer() })
export const ticketCode = sequence('ticket_code', { start: 7, ownedBy: 'tickets.code' })\n`
    await runner.run({
      name: 'owner_dropped',
      a: IMPORTS + ORDER_NO + ORDERS + owned,
      b: IMPORTS + ORDER_NO + ORDERS,
      seed: ["INSERT INTO tickets (id, code) VALUES (1, nextval('ticket_code'))", "INSERT INTO orders (item) VALUES ('tea')"],
      detected: ["removed table 'tickets'", "sequence 'ticket_code' no longer owned by 'tickets.code'", "removed sequence 'ticket_code'"],
      warnings: null,
      file: (source) => {
        assert.ok(source.indexOf("op.alterSequence('ticket_code'") < source.indexOf("op.dropTable('tickets'"), source)
        assert.ok(source.indexOf("op.dropTable('tickets'") < source.indexOf("op.dropSequence('ticket_code'"), source)
      },
      atB: async () => {
        assert.deepEqual(await sequenceNames(runner), ['order_no'])
        assert.deepEqual(await numbers(runner), [{ item: 'tea', no: '1000' }])
      },
      atA: async () => {
        assert.deepEqual(await sequenceNames(runner), ['order_no', 'ticket_code'])
        const [owner] = await rawQuery<{ owner: string | null }>(runner.db, "SELECT pg_get_serial_sequence('tickets', 'code') AS owner")
        assert.match(String(owner!.owner), /ticket_code/)
      },
    })
  })

  it("the same sequence with its defaults spelled out, and numbers as strings: nothing detected", async () => {
    await runner.run({
      name: 'spelled',
      a: IMPORTS + NOTES + `export const s = sequence('plain_seq')\nexport const d = sequence('down_seq', { increment: -1 })\n`,
      b: IMPORTS + NOTES + `export const s = sequence('plain_seq', { start: 1, increment: '1', min: 1, max: 9223372036854775807n, cache: 1, cycle: false })
export const d = sequence('down_seq', { increment: -1, max: -1, start: -1, min: '-9223372036854775808' })\n`,
      detected: [],
    })
  })

  it('refuses a sequence owned by the column whose default draws from it under the serial name (a serial in disguise), in one line', () => {
    runner.writeConfig()
    const disguised = ORDERS.replace("nextval('order_no')", "nextval('orders_no_seq')")
    runner.project.write('schemas/disguised.ts', IMPORTS + disguised + `export const orderNo = sequence('orders_no_seq', { ownedBy: 'orders.no' })\n`)
    const result = runner.project.strata(['revision', '--autogenerate', '-m', 'disguised'], { STRATA_TEST_SCHEMA: './schemas/disguised.ts' })
    assert.equal(result.code, 1)
    assert.equal(
      result.stderr.trim(),
      "error: schema is invalid: sequence 'orders_no_seq' is owned by 'orders.no', whose default draws from it: that is a serial column: declare the column customType('serial'), or drop ownedBy",
    )
  })

  it('an owned sequence of its own name and start (as adoption met on Pagila) round-trips: check is clean, values start where declared', async () => {
    await runner.run({
      name: 'owned_own_name',
      a: IMPORTS + OTHER,
      b: IMPORTS + OTHER + ORDERS + `export const orderNo = sequence('order_no', { start: 1000, ownedBy: 'orders.no' })\n`,
      detected: ["added sequence 'order_no'", "added table 'orders'", "sequence 'order_no' now owned by 'orders.no'"],
      atB: async () => {
        const [row] = await rows(runner.db, "INSERT INTO orders (item) VALUES ('tea') RETURNING no")
        assert.equal(row!.no, '1000')
      },
    })
  })
})
