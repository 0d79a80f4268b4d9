/**
 * Stability: the kitchen-sink schema (every column type, default kind, constraint, index kind, enum and comment;
 * test/fixtures/kitchen-sink.ts) through the CLI of an installed strata-db, on each dialect: autogenerate from an
 * empty database → upgrade head → check reports nothing → downgrade base leaves only strata's own tables → upgrade
 * head again → check still reports nothing. What a dialect documents as unsupported is left out (listed by
 * `kitchenSinkOmissions`, printed with the test).
 */
import assert from 'node:assert/strict'
import { readFileSync, readdirSync } from 'node:fs'
import { after, before, it } from 'node:test'
import { KITCHEN_SINK_ROWS, kitchenSinkOmissions, kitchenSinkSchema } from '../fixtures/kitchen-sink.js'
import { type TestDialect, describeEachDialect } from '../support/databases.js'
import { rawQuery, tableNames } from '../support/inspect.js'
import { installProject, subProject } from '../support/installed-project.js'
import type { UserProject } from '../support/project.js'
import { assertGeneratedTypeCheck } from '../support/typecheck-generated.js'

/** One installed project for the file; each dialect works in its own folder of it. */
let installed: UserProject | undefined
before(async () => {
  installed = await installProject('kitchen-sink')
})
after(() => installed?.remove())

// Enums are created on every dialect (a no-op where they are column types), so the revision also runs on PostgreSQL.
const EXPECTED_DETECTED: Record<TestDialect, string[]> = {
  sqlite: ["Detected added enum 'mood'", "Detected added enum 'size'", ...['customers', 'items', 'orders', 'order_lines'].map((t) => `Detected added table '${t}'`)],
  mysql: ["Detected added enum 'mood'", "Detected added enum 'size'", ...['customers', 'items', 'orders', 'order_lines'].map((t) => `Detected added table '${t}'`)],
  postgres: [
    "Detected added schema 'billing'",
    "Detected added enum 'billing.invoice_state'",
    "Detected added enum 'mood'",
    "Detected added enum 'size'",
    ...['customers', 'billing.invoices', 'items', 'orders', 'order_lines'].map((t) => `Detected added table '${t}'`),
  ],
}

/** What strata leaves in the database once everything is downgraded. */
async function leftovers(dialect: TestDialect, db: Parameters<typeof tableNames>[0]): Promise<unknown> {
  const tables = await tableNames(db)
  if (dialect !== 'postgres') return { tables }
  const types = await rawQuery<{ typname: string }>(db, "SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE t.typtype = 'e' AND n.nspname IN ('public', 'billing')")
  const schemas = await rawQuery<{ nspname: string }>(db, "SELECT nspname FROM pg_namespace WHERE nspname = 'billing'")
  return { tables, types: types.map((t) => t.typname), schemas: schemas.map((s) => s.nspname) }
}

describeEachDialect('kitchen sink: every DSL feature, generated, applied, checked, downgraded, applied again', ({ dialect, db }) => {
  let project: UserProject

  before(() => {
    project = subProject(installed!, dialect)
    const schemas = dialect === 'postgres' ? ", schemas: ['public', 'billing']" : ''
    project.write('strata.config.ts', `import { defineConfig } from 'strata-db'\n\nexport default defineConfig({ url: '${db().url}', schema: './src/db/schema.ts'${schemas} })\n`)
    project.write('src/db/schema.ts', kitchenSinkSchema(dialect))
  })

  it(`generates one revision for everything (left out here: ${kitchenSinkOmissions(dialect).join('; ') || 'nothing'})`, () => {
    const result = project.strata(['revision', '--autogenerate', '-m', 'kitchen sink'])
    assert.equal(result.code, 0, result.stderr)
    const detected = result.stdout.split('\n').filter((l) => l.startsWith('Detected'))
    assert.deepEqual(detected, EXPECTED_DETECTED[dialect])
    const files = readdirSync(project.path('migrations/versions')).filter((f) => f.endsWith('.ts'))
    assert.equal(files.length, 1)
    const source = readFileSync(project.path(`migrations/versions/${files[0]}`), 'utf8')
    assert.match(source, /export async function downgrade/)
    assertGeneratedTypeCheck(project, [`migrations/versions/${files[0]}`, 'src/db/schema.ts', 'strata.config.ts'])
  })

  it('upgrade head builds it; rows go in with their defaults; check reports nothing', async () => {
    const up = project.strata(['upgrade', 'head'])
    assert.equal(up.code, 0, up.stderr)
    for (const statement of KITCHEN_SINK_ROWS) await rawQuery(db(), statement)
    const [customer] = await rawQuery<Record<string, unknown>>(db(), "SELECT country_code, is_vip, feeling FROM customers WHERE email = 'a@example.com'")
    assert.deepEqual({ ...customer, is_vip: Number(customer!.is_vip) }, { country_code: 'NL', is_vip: 0, feeling: 'happy' })
    const [item] = await rawQuery<Record<string, unknown>>(db(), "SELECT stock, item_size, active FROM items WHERE sku = 'SKU-1'")
    assert.deepEqual({ stock: Number(item!.stock), item_size: item!.item_size, active: Number(item!.active) }, { stock: 0, item_size: 'm', active: 1 })
    const check = project.strata(['check'])
    assert.equal(check.code, 0, check.stdout + check.stderr)
    assert.equal(check.stdout.trim(), 'No changes detected')
    const json = project.strata(['check', '--json'])
    assert.equal(json.code, 0, json.stderr)
    assert.deepEqual(JSON.parse(json.stdout), { changes: [] })
  })

  it("downgrade base leaves only strata's own tables", async () => {
    const down = project.strata(['downgrade', 'base'])
    assert.equal(down.code, 0, down.stderr)
    const expected = dialect === 'postgres' ? { tables: ['strata_history', 'strata_version'], types: [], schemas: [] } : { tables: ['strata_history', 'strata_version'] }
    assert.deepEqual(await leftovers(dialect, db()), expected)
  })

  it('upgrade head again; check still reports nothing', () => {
    const up = project.strata(['upgrade', 'head'])
    assert.equal(up.code, 0, up.stderr)
    const check = project.strata(['check'])
    assert.equal(check.code, 0, check.stdout + check.stderr)
    assert.equal(check.stdout.trim(), 'No changes detected')
  })
})
