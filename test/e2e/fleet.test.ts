/**
 * Fleets: `strata upgrade head --all` over 200 SQLite databases (`databases`) and 20 PostgreSQL schemas
 * (`tenantSchemas`) at once, one SQLite database broken on purpose. 219 reach head, the broken one is reported,
 * and after fixing it a rerun upgrades only that one: the others are read, not written.
 */
import assert from 'node:assert/strict'
import { statSync } from 'node:fs'
import { after, before, it } from 'node:test'
import Database from 'better-sqlite3'
import pg from 'pg'
import { describeEachDialect } from '../support/databases.js'
import type { UserProject } from '../support/project.js'
import { Scenario, linkUserProject, revId } from '../support/safe-project.js'

const SQLITE_COUNT = 200
const SCHEMA_COUNT = 20
const BROKEN = 'db_117'

interface FleetJson {
  results: { database: string; from: string[]; to: string[]; status: string; error?: string }[]
  failed: number
}

describeEachDialect('fleet: upgrade --all', ({ dialect, db }) => {
  if (dialect !== 'postgres') return // one run covers SQLite files and PostgreSQL schemas together
  let project: UserProject
  let s: Scenario
  const ids = [revId(1, 'f'), revId(2, 'f'), revId(3, 'f')]
  const sqliteFile = (i: number) => s.path(`dbs/db_${i}.sqlite`)
  const schemas = Array.from({ length: SCHEMA_COUNT }, (_, i) => `tenant_${i + 1}`)

  async function pgQuery<T>(sql: string): Promise<T[]> {
    const client = new pg.Client({ connectionString: db().url })
    await client.connect()
    try {
      return (await client.query(sql)).rows as T[]
    } finally {
      await client.end()
    }
  }

  before(async () => {
    project = linkUserProject('fleet')
    s = new Scenario(project, 'fleet', db())
    const databases = Object.fromEntries(Array.from({ length: SQLITE_COUNT }, (_, i) => [`db_${i + 1}`, `sqlite:///dbs/db_${i + 1}.sqlite`]))
    s.write(
      'strata.config.ts',
      `import { defineConfig } from 'strata-db'
export default defineConfig({
  url: ${JSON.stringify(db().url)},
  schema: './schema.ts',
  databases: ${JSON.stringify(databases)},
  tenantSchemas: async () => ${JSON.stringify(schemas)},
})
`,
    )
    s.write('schema.ts', 'export {}\n')
    s.revision({ id: ids[0]!, down: null, message: 'items', imports: ['integer', 'varchar'], up: `  await op.createTable('items', { id: integer().primaryKey(), name: varchar({ length: 20 }) })` })
    s.revision({ id: ids[1]!, down: ids[0]!, message: 'seed', up: `  await op.bulkInsert('items', [{ id: 1, name: 'first' }])` })
    s.revision({ id: ids[2]!, down: ids[1]!, message: 'price', imports: ['integer'], up: `  await op.addColumn('items', 'price', integer())` })
    s.write('dbs/.keep', '')
    // Broken: a table in the way of the first migration.
    const broken = new Database(sqliteFile(117))
    broken.exec('CREATE TABLE items (x TEXT)')
    broken.close()
    for (const schema of schemas) await pgQuery(`CREATE SCHEMA ${schema}`)
  })
  after(() => project?.remove())

  it(`${SQLITE_COUNT} SQLite databases + ${SCHEMA_COUNT} PostgreSQL schemas, one broken: the rest reach head, the broken one is reported; a rerun after the fix touches only it`, async () => {
    const first = await s.strata(['upgrade', 'head', '--all', '--concurrency', '8', '--continue-on-error', '--json'])
    assert.equal(first.code, 1, 'a failed database makes the run fail')
    const report = JSON.parse(first.stdout) as FleetJson
    assert.equal(report.results.length, SQLITE_COUNT + SCHEMA_COUNT)
    const failed = report.results.filter((r) => r.status === 'failed')
    assert.deepEqual(
      failed.map((r) => r.database),
      [BROKEN],
    )
    assert.match(failed[0]!.error!, /items/)
    const upgraded = report.results.filter((r) => r.status === 'upgraded')
    assert.equal(upgraded.length, SQLITE_COUNT + SCHEMA_COUNT - 1)
    assert.ok(upgraded.every((r) => r.from.length === 0 && r.to.join() === ids[2]))

    // The data, not only the version rows.
    for (const i of [1, 50, 116, 118, 200]) {
      const conn = new Database(sqliteFile(i), { readonly: true })
      assert.deepEqual(conn.prepare('SELECT id, name, price FROM items').all(), [{ id: 1, name: 'first', price: null }], `db_${i}`)
      conn.close()
    }
    for (const schema of schemas) {
      const rows = await pgQuery<{ id: number; name: string }>(`SELECT id, name FROM ${schema}.items`)
      assert.deepEqual(rows, [{ id: 1, name: 'first' }], schema)
      assert.deepEqual(await pgQuery(`SELECT version_num FROM ${schema}.strata_version`), [{ version_num: ids[2] }])
    }
    assert.deepEqual(await pgQuery(`SELECT tablename FROM pg_tables WHERE schemaname = 'public'`), [], 'nothing landed in public')

    // current --all: read only, says which database is behind.
    const current = await s.strata(['current', '--all', '--concurrency', '8', '--json'])
    assert.equal(current.code, 0, current.stderr)
    const states = (JSON.parse(current.stdout) as FleetJson).results
    assert.deepEqual(
      states.filter((r) => r.status !== 'at target').map((r) => `${r.database} ${r.status}`),
      [`${BROKEN} behind`],
    )
    assert.equal(states.length, SQLITE_COUNT + SCHEMA_COUNT)

    // Fix the broken one, rerun: only it is upgraded; the others are read, never written.
    const fix = new Database(sqliteFile(117))
    fix.exec('DROP TABLE items')
    fix.close()
    const mtimes = [1, 50, 200].map((i) => statSync(sqliteFile(i)).mtimeMs)
    const historyBefore = await pgQuery<{ n: string }>(`SELECT COUNT(*) AS n FROM tenant_5.strata_history`)
    const second = await s.strata(['upgrade', 'head', '--all', '--concurrency', '8'])
    assert.equal(second.code, 0, second.stderr)
    assert.match(second.stdout, new RegExp(`^upgraded  ${BROKEN}: base -> ${ids[2]}`, 'm'))
    assert.match(second.stdout, /^database +from +to +duration +status$/m)
    assert.match(second.stdout, new RegExp(`220 databases: 1 upgraded, 219 at target, 0 failed, 0 not run`))
    assert.deepEqual(
      [1, 50, 200].map((i) => statSync(sqliteFile(i)).mtimeMs),
      mtimes,
      'databases at head were not written',
    )
    assert.deepEqual(await pgQuery(`SELECT COUNT(*) AS n FROM tenant_5.strata_history`), historyBefore)
    const conn = new Database(sqliteFile(117), { readonly: true })
    assert.deepEqual(conn.prepare('SELECT id, name, price FROM items').all(), [{ id: 1, name: 'first', price: null }])
    conn.close()
  })

  it('without --continue-on-error, databases after a failure are not started and reported as not run', async () => {
    const small = new Scenario(project, 'small', db())
    const databases = Object.fromEntries([1, 2, 3, 4].map((i) => [`s_${i}`, `sqlite:///s_${i}.sqlite`]))
    small.write('strata.config.ts', `import { defineConfig } from 'strata-db'\nexport default defineConfig({ schema: './schema.ts', databases: ${JSON.stringify(databases)} })\n`)
    small.write('schema.ts', 'export {}\n')
    small.revision({ id: ids[0]!, down: null, message: 'items', imports: ['integer'], up: `  await op.createTable('items', { id: integer().primaryKey() })` })
    const broken = new Database(small.path('s_2.sqlite'))
    broken.exec('CREATE TABLE items (x TEXT)')
    broken.close()
    const r = await small.strata(['upgrade', 'head', '--all', '--concurrency', '1', '--json'])
    assert.equal(r.code, 1)
    const report = JSON.parse(r.stdout) as FleetJson
    assert.deepEqual(
      report.results.map((x) => `${x.database} ${x.status}`),
      ['s_1 upgraded', 's_2 failed', 's_3 not run', 's_4 not run'],
    )
    assert.equal(report.failed, 3)
  })

  it('--all without a fleet in the config is a usage error', async () => {
    const other = new Scenario(project, 'nofleet', db())
    other.write('strata.config.ts', `import { defineConfig } from 'strata-db'\nexport default defineConfig({ url: 'sqlite:///x.sqlite', schema: './schema.ts' })\n`)
    other.write('schema.ts', 'export {}\n')
    const r = await other.strata(['upgrade', 'head', '--all'])
    assert.equal(r.code, 2)
    assert.match(r.stderr, /--all needs 'databases' \(name → URL\) or 'tenantSchemas'/)
  })
}, { needsServer: 'a schema per tenant on one server, reached with search_path' })
