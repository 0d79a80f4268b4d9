/**
 * Mutation matrix, PostgreSQL schemas (namespaces): with `schemas: ['public', 'extra', 'other']` in the config, a
 * schema whose first table appears is created and one whose last table goes is dropped, tables qualified by schema.
 *
 * Not applicable on SQLite and MySQL (one namespace per database: a table's `schema` option is ignored, see
 * docs/dialects/{sqlite,mysql}.md): moving a table into a schema is reported as nothing there.
 */
import assert from 'node:assert/strict'
import { after, before, it } from 'node:test'
import { CycleRunner, rows } from '../support/autogen-cycle.js'
import { describeEachDialect } from '../support/databases.js'

const schemaFile = (tables: string) => `import { table, integer, text, enumeration } from 'strata-db'

export const base = table('base', { id: integer().primaryKey(), note: text() })
${tables}`

describeEachDialect('autogenerate matrix: PostgreSQL schemas', ({ dialect, db }) => {
  let runner: CycleRunner
  before(() => {
    runner = new CycleRunner(dialect, db(), 'ag-schemas')
  })
  after(() => runner?.remove())

  it('creates and drops the managed schemas that tables start and stop using', async (t) => {
    if (dialect !== 'postgres') return t.skip('PostgreSQL only: the next test covers the other dialects')
    await runner.run({
      name: 'schemas',
      config: { schemas: ['public', 'extra', 'other'] },
      a: schemaFile(`
export const state = enumeration('state', ['on', 'off'], { schema: 'extra' })
export const t1 = table('t1', { id: integer().primaryKey(), state: state() }, { schema: 'extra' })
`),
      b: schemaFile(`export const t2 = table('t2', { id: integer().primaryKey(), baseId: integer('base_id').references(() => base.id) }, { schema: 'other' })\n`),
      seed: ["INSERT INTO base (id, note) VALUES (1, 'kept')", "INSERT INTO extra.t1 (id, state) VALUES (1, 'on')"],
      detected: [
        "added schema 'other'",
        "added table 'other.t2'",
        "removed table 'extra.t1'",
        "removed enum 'extra.state'",
        "removed schema 'extra'",
      ],
      warnings: ["drops table 'extra.t1' (data loss)", "drops schema 'extra'"],
      file: (source) => {
        assert.match(source, /await op\.createSchema\('other'\)/)
        assert.match(source, /await op\.createTable\(\s*'t2',[\s\S]*\{ schema: 'other' \}/)
        assert.match(source, /\/\/ ! drops schema 'extra' \[drop-schema\]\n\s+await op\.dropSchema\('extra'\)/)
      },
      atB: async () => {
        const schemas = await rows(db(), "SELECT nspname FROM pg_namespace WHERE nspname IN ('extra', 'other') ORDER BY 1")
        assert.deepEqual(schemas, [{ nspname: 'other' }])
        assert.deepEqual(await rows(db(), 'SELECT note FROM base'), [{ note: 'kept' }])
      },
      atA: async () => {
        const schemas = await rows(db(), "SELECT nspname FROM pg_namespace WHERE nspname IN ('extra', 'other') ORDER BY 1")
        assert.deepEqual(schemas, [{ nspname: 'extra' }])
      },
    })
  })

  it('renames a table inside a schema from --rename schema.table=new_name, keeping its rows', async (t) => {
    if (dialect !== 'postgres') return t.skip('PostgreSQL only')
    await runner.run({
      name: 'schema_rename',
      config: { schemas: ['public', 'extra'] },
      a: schemaFile(`export const t1 = table('t1', { id: integer().primaryKey() }, { schema: 'extra' })\n`),
      b: schemaFile(`export const t1 = table('t1_new', { id: integer().primaryKey() }, { schema: 'extra' })\n`),
      renames: ['extra.t1=t1_new'],
      seed: ['INSERT INTO extra.t1 (id) VALUES (7)'],
      detected: ["renamed table 'extra.t1' to 't1_new'"],
      warnings: ["renames table 'extra.t1' to 't1_new' (the running application's queries fail until it is redeployed)"],
      atB: async () => assert.deepEqual(await rows(db(), 'SELECT id FROM extra.t1_new'), [{ id: '7' }]),
      atA: async () => assert.deepEqual(await rows(db(), 'SELECT id FROM extra.t1'), [{ id: '7' }]),
    })
  })

  it('ignores a table schema where the database has one namespace', async (t) => {
    if (dialect === 'postgres') return t.skip('PostgreSQL has schemas: the previous test covers it')
    await runner.run({
      name: 'one_namespace',
      a: schemaFile(`export const t1 = table('t1', { id: integer().primaryKey() })\n`),
      b: schemaFile(`export const t1 = table('t1', { id: integer().primaryKey() }, { schema: 'extra' })\n`),
      detected: [],
    })
  })
})
