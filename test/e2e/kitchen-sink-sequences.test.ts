/**
 * Sequences and materialized views in a kitchen sink of their own (PostgreSQL; the other dialects refuse them, see
 * objects-sequences and objects-matviews), through the CLI: autogenerate from empty (sequence before the table
 * whose default uses it, owner after the column, materialized view after its table), offline SQL, upgrade (rows
 * numbered by the sequence, the materialized view filled), check clean, downgrade base (nothing left), upgrade
 * again, check clean; then `pull` writes sequence() and materializedView() and check is clean against that file.
 */
import assert from 'node:assert/strict'
import { readFileSync, readdirSync } from 'node:fs'
import { after, before, it } from 'node:test'
import { linkedProject, rows } from '../support/autogen-cycle.js'
import { describeEachDialect } from '../support/databases.js'
import { rawQuery } from '../support/inspect.js'
import { type UserProject, typeCheck, writeStrataConfig } from '../support/project.js'

const SCHEMA = `import { table, integer, bigint, varchar, customType, sequence, materializedView, view, sql } from 'strata-db'

export const invoiceNo = sequence('invoice_no', { start: 5000, increment: 10 })
export const invoices = table('invoices', {
  id: customType('serial').primaryKey(),
  no: bigint().notNull().default(sql\`nextval('invoice_no')\`),
  customer: varchar({ length: 40 }).notNull(),
  amount: integer().notNull(),
})
export const batchNo = sequence('batch_no', { min: 0, start: 0, max: 999, cycle: true, ownedBy: 'invoices.amount' })
export const totals = materializedView('invoice_totals', sql\`select customer, sum(amount) as total from invoices group by customer\`, {
  indexes: [{ name: 'ix_invoice_totals_customer', columns: ['customer'], unique: true }],
})
export const bigOnes = view('big_customers', sql\`select customer from invoice_totals where total > 100\`)
`

const DETECTED = [
  "Detected added sequence 'batch_no'",
  "Detected added sequence 'invoice_no'",
  "Detected added table 'invoices'",
  "Detected sequence 'batch_no' now owned by 'invoices.amount'",
  "Detected added materialized view 'invoice_totals'",
  "Detected added view 'big_customers'",
]

describeEachDialect('kitchen sink of sequences and materialized views', ({ dialect, db }) => {
  if (dialect !== 'postgres') return
  let project: UserProject
  before(() => {
    project = linkedProject('kitchen-sequences')
    writeStrataConfig(project, db().url)
    project.write('src/db/schema.ts', SCHEMA)
  })
  after(() => project?.remove())

  const assertClean = () => {
    const check = project.strata(['check'])
    assert.equal(check.code, 0, check.stdout + check.stderr)
    assert.equal(check.stdout.trim(), 'No changes detected')
  }
  const objectsLeft = async () =>
    rawQuery<{ relname: string }>(db(), "SELECT relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind IN ('S', 'm', 'v', 'r') AND relname NOT LIKE 'strata_%' ORDER BY relname")

  it('generates one revision in dependency order; it type-checks', () => {
    const result = project.strata(['revision', '--autogenerate', '-m', 'sequences'])
    assert.equal(result.code, 0, result.stderr)
    assert.deepEqual(result.stdout.split('\n').filter((l) => l.startsWith('Detected')), DETECTED)
    const files = readdirSync(project.path('migrations/versions')).filter((f) => f.endsWith('.ts'))
    assert.equal(files.length, 1)
    const tsc = typeCheck(project, [`migrations/versions/${files[0]}`, 'src/db/schema.ts', 'strata.config.ts'])
    assert.equal(tsc.code, 0, tsc.stdout + tsc.stderr)
  })

  it('offline SQL writes the sequences, the owner, the materialized view and its index', () => {
    const offline = project.strata(['upgrade', 'head', '--sql'])
    assert.equal(offline.code, 0, offline.stderr)
    assert.match(offline.stdout, /CREATE SEQUENCE "invoice_no" INCREMENT BY 10 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 5000 CACHE 1 NO CYCLE/)
    assert.match(offline.stdout, /ALTER SEQUENCE "batch_no" OWNED BY "invoices"\."amount"/)
    assert.match(offline.stdout, /CREATE MATERIALIZED VIEW "invoice_totals" AS/)
    assert.match(offline.stdout, /CREATE UNIQUE INDEX "ix_invoice_totals_customer" ON "invoice_totals" \("customer"\)/)
    assert.ok(offline.stdout.indexOf('CREATE SEQUENCE "invoice_no"') < offline.stdout.indexOf('CREATE TABLE "invoices"'))
  })

  it('upgrade head: rows numbered by the sequence, the materialized view filled after REFRESH; check is clean', async () => {
    const up = project.strata(['upgrade', 'head'])
    assert.equal(up.code, 0, up.stderr)
    await rawQuery(db(), "INSERT INTO invoices (customer, amount) VALUES ('ada', 70), ('ada', 50), ('bob', 20)")
    assert.deepEqual((await rows(db(), 'SELECT no FROM invoices ORDER BY no')).map((r) => r.no), ['5000', '5010', '5020'])
    await rawQuery(db(), 'REFRESH MATERIALIZED VIEW invoice_totals')
    assert.deepEqual(await rows(db(), 'SELECT customer FROM big_customers'), [{ customer: 'ada' }])
    assertClean()
  })

  it('downgrade base leaves nothing; upgrade head again; check is clean', async () => {
    const down = project.strata(['downgrade', 'base'])
    assert.equal(down.code, 0, down.stderr)
    assert.deepEqual(await objectsLeft(), [])
    const up = project.strata(['upgrade', 'head'])
    assert.equal(up.code, 0, up.stderr)
    assertClean()
    assert.deepEqual((await objectsLeft()).map((r) => r.relname), ['batch_no', 'big_customers', 'invoice_no', 'invoice_totals', 'invoices', 'invoices_id_seq'])
  })

  it('pull writes sequence() and materializedView(); check is clean against the pulled file', () => {
    const pulled = project.strata(['pull', '--force'])
    assert.equal(pulled.code, 0, pulled.stderr)
    const source = readFileSync(project.path('src/db/schema.ts'), 'utf8')
    assert.match(source, /sequence\('invoice_no', \{ start: 5000, increment: 10 \}\)/)
    assert.match(source, /sequence\('batch_no', \{ min: 0, max: 999, cycle: true, ownedBy: 'invoices\.amount' \}\)/)
    assert.match(source, /materializedView\(\s*'invoice_totals',[\s\S]*?\{ indexes: \[\{ name: 'ix_invoice_totals_customer', columns: \['customer'\], unique: true \}\] \}/)
    assert.doesNotMatch(source, /invoices_id_seq/)
    assertClean()
  })
})
