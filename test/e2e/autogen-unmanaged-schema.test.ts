/**
 * PostgreSQL: a table declared in a schema that config `schemas` does not list is neither reflected nor created,
 * so autogenerate used to write a createTable without createSchema (the upgrade failed) and, with the schema made
 * by hand, report the table as added forever. `revision --autogenerate` and `check` refuse it in one line
 * (code `unmanaged-schema`) and write no revision file.
 */
import assert from 'node:assert/strict'
import { readdirSync } from 'node:fs'
import { after, before, it } from 'node:test'
import { CycleRunner } from '../support/autogen-cycle.js'
import { describeDialect } from '../support/databases.js'
import { rawQuery } from '../support/inspect.js'

const SCHEMA = `import { table, integer } from 'strata-db'

export const a = table('a', { id: integer().primaryKey() })
export const b = table('b', { id: integer().primaryKey() }, undefined, { schema: 'sales' })
`

describeDialect('postgres', 'PostgreSQL: a schema config `schemas` does not list', ({ dialect, db }) => {
  let runner: CycleRunner
  before(async () => {
    runner = new CycleRunner(dialect, db(), 'unmanaged-schema')
    runner.project.write('./schemas/sales.ts', SCHEMA)
    await rawQuery(db(), 'CREATE SCHEMA IF NOT EXISTS sales')
  })
  after(() => runner?.remove())

  const versions = () => readdirSync(runner.project.path('migrations/versions')).filter((f) => f.endsWith('.ts'))
  const run = (args: string[]) => runner.project.strata(args, { STRATA_TEST_SCHEMA: './schemas/sales.ts' })

  it('refuses revision --autogenerate and check when `schemas` is not set, naming the fix', () => {
    runner.writeConfig()
    const expected =
      "error: table 'sales.b' is in schema 'sales', which strata does not manage: add 'sales' to 'schemas' in strata.config.ts " +
      "(unset, it means the search_path schema only: list that one too, e.g. schemas: ['public', 'sales'])\n"
    const revision = run(['revision', '--autogenerate', '-m', 'b'])
    assert.equal(revision.code, 1, revision.stdout)
    assert.equal(revision.stderr, expected)
    assert.deepEqual(versions(), [])
    const check = run(['check'])
    assert.equal(check.code, 1, check.stdout)
    assert.equal(check.stderr, expected)
  })

  it('refuses them when `schemas` lists other schemas; --json carries the code', () => {
    runner.writeConfig({ schemas: ['public'] })
    const revision = run(['revision', '--autogenerate', '-m', 'b', '--json'])
    assert.equal(revision.code, 1)
    assert.deepEqual(JSON.parse(revision.stdout), {
      error: {
        code: 'unmanaged-schema',
        message: "table 'sales.b' is in schema 'sales', which strata does not manage: add 'sales' to 'schemas' in strata.config.ts",
      },
    })
    assert.deepEqual(versions(), [])
    const check = run(['check'])
    assert.equal(check.code, 1)
    assert.match(check.stderr, /^error: table 'sales\.b' is in schema 'sales', which strata does not manage: add 'sales' to 'schemas' in strata\.config\.ts\n$/)
  })

  it('accepts the table once `schemas` lists its schema', () => {
    runner.writeConfig({ schemas: ['public', 'sales'] })
    const revision = run(['revision', '--autogenerate', '-m', 'b', '--rev-id', 'b_listed'])
    assert.equal(revision.code, 0, revision.stderr)
    assert.match(revision.stdout, /added table 'sales\.b'/)
    assert.deepEqual(versions().length, 1)
  })
})
