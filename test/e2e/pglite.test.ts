/**
 * PGlite (PostgreSQL in WASM, in-process): the everyday story through the installed CLI on a folder database
 * (`pglite://./data/db`: each command is a process of its own, so memory would not outlive one), and the
 * kitchen-sink round trip on `pglite::memory:` inside one program that calls strata's functions. The folder
 * database is checked afterwards with PGlite itself.
 */
import assert from 'node:assert/strict'
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { after, before, it } from 'node:test'
import { PGlite } from '@electric-sql/pglite'
import { KITCHEN_SINK_ROWS, kitchenSinkSchema } from '../fixtures/kitchen-sink.js'
import { describeVariant } from '../support/databases.js'
import { type UserProject, createUserProject, writeStrataConfig } from '../support/project.js'

const SCHEMA_V1 = `import { table, varchar, text } from 'strata-db'

export const packages = table('packages', {
  id: varchar({ length: 100 }).primaryKey(),
  summary: text(),
})
`

const SCHEMA_V2 = `import { table, integer, varchar, text, timestamp, enumeration } from 'strata-db'

export const stage = enumeration('stage', ['alpha', 'beta', 'stable'])

export const packages = table('packages', {
  id: varchar({ length: 100 }).primaryKey(),
  summary: text(),
  lastUpdated: timestamp('last_updated'),
  stage: stage().notNull().default('alpha'),
})

export const auditing = table('auditing', {
  id: integer().primaryKey().autoincrement(),
  description: text(),
})
`

/** Rows from the folder database, read with PGlite itself once no strata process has it open. */
async function folderQuery<T = Record<string, unknown>>(dir: string, sql: string): Promise<T[]> {
  const db = await PGlite.create(dir)
  try {
    return (await db.query<T>(sql)).rows
  } finally {
    await db.close()
  }
}

const detected = (stdout: string) => stdout.split('\n').filter((l) => l.startsWith('Detected')).sort()

describeVariant('pglite', 'the everyday story on a pglite:// folder', () => {
  let project: UserProject
  before(async () => {
    project = await createUserProject('pglite-story')
  })
  after(() => project?.remove())
  const dataDir = () => project.path('data/db')

  it('init, then current on an untouched database prints nothing and creates nothing', () => {
    const init = project.strata(['init'])
    assert.equal(init.code, 0, init.stderr)
    writeStrataConfig(project, 'pglite://./data/db')
    project.write('src/db/schema.ts', SCHEMA_V1)
    const current = project.strata(['current'])
    assert.equal(current.code, 0, current.stderr)
    assert.equal(current.stdout, '')
    assert.equal(existsSync(dataDir()), false)
  })

  it('autogenerate → upgrade head → autogenerate an enum, a column and a table → upgrade → check is clean', async () => {
    const first = project.strata(['revision', '--autogenerate', '-m', 'packages'])
    assert.equal(first.code, 0, first.stderr)
    assert.deepEqual(detected(first.stdout), ["Detected added table 'packages'"])
    const up = project.strata(['upgrade', 'head'])
    assert.equal(up.code, 0, up.stderr)
    await folderQuery(dataDir(), "INSERT INTO packages (id, summary) VALUES ('strata', 'migrations'), ('pg', 'driver')")
    project.write('src/db/schema.ts', SCHEMA_V2)
    const second = project.strata(['revision', '--autogenerate', '-m', 'audit'])
    assert.equal(second.code, 0, second.stderr)
    assert.deepEqual(detected(second.stdout), ["Detected added column 'packages.last_updated'", "Detected added column 'packages.stage'", "Detected added enum 'stage'", "Detected added table 'auditing'"])
    const up2 = project.strata(['upgrade', 'head'])
    assert.equal(up2.code, 0, up2.stderr)
    const check = project.strata(['check'])
    assert.equal(check.code, 0, check.stdout + check.stderr)
    assert.equal(check.stdout.trim(), 'No changes detected')
    assert.deepEqual(await folderQuery(dataDir(), 'SELECT id, stage FROM packages ORDER BY id'), [
      { id: 'pg', stage: 'alpha' },
      { id: 'strata', stage: 'alpha' },
    ])
  })

  it('downgrade -1 takes the enum, the column and the table back and keeps the rows', async () => {
    const down = project.strata(['downgrade', '-1'])
    assert.equal(down.code, 0, down.stderr)
    const tables = await folderQuery<{ name: string }>(dataDir(), "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1")
    assert.deepEqual(tables.map((t) => t.name), ['packages', 'strata_history', 'strata_version'])
    assert.deepEqual(await folderQuery(dataDir(), "SELECT typname FROM pg_type WHERE typname = 'stage'"), [])
    assert.deepEqual(await folderQuery(dataDir(), 'SELECT * FROM packages ORDER BY id'), [
      { id: 'pg', summary: 'driver' },
      { id: 'strata', summary: 'migrations' },
    ])
    assert.equal((await folderQuery(dataDir(), 'SELECT version_num FROM strata_version')).length, 1)
  })
})

describeVariant('pglite', 'check --replay: the whole history on a throwaway PGlite, compared with the schema', () => {
  let project: UserProject
  // A PostgreSQL server nobody listens on: the replay must not need the configured database.
  const NOWHERE = 'postgresql://strata@127.0.0.1:9/never'
  before(async () => {
    project = await createUserProject('pglite-replay')
    writeStrataConfig(project, 'pglite://./data/db')
    project.write('src/db/schema.ts', SCHEMA_V1)
    for (const [message, schema] of [['packages', SCHEMA_V1], ['audit', SCHEMA_V2]] as const) {
      project.write('src/db/schema.ts', schema)
      const gen = project.strata(['revision', '--autogenerate', '-m', message])
      assert.equal(gen.code, 0, gen.stderr)
      const up = project.strata(['upgrade', 'head'])
      assert.equal(up.code, 0, up.stderr)
    }
    writeStrataConfig(project, NOWHERE)
  })
  after(() => project?.remove())

  it('reports nothing when the migrations build exactly the schema', () => {
    const check = project.strata(['check', '--replay'])
    assert.equal(check.code, 0, check.stdout + check.stderr)
    assert.equal(check.stdout.trim(), 'No changes detected')
  })

  it('catches a hand-edited migration (a column renamed in its upgrade)', () => {
    const file = readdirSync(project.path('migrations/versions')).find((f) => f.endsWith('_audit.ts'))!
    const path = project.path(`migrations/versions/${file}`)
    const source = readFileSync(path, 'utf8')
    assert.ok(source.includes("'last_updated'"), source)
    writeFileSync(path, source.replace("'last_updated'", "'last_update'"))
    const check = project.strata(['check', '--replay', '--json'])
    assert.equal(check.code, 1, check.stdout + check.stderr)
    const messages = (JSON.parse(check.stdout) as { changes: { message: string }[] }).changes.map((c) => c.message).sort()
    assert.deepEqual(messages, ["added column 'packages.last_updated'", "removed column 'packages.last_update'"])
  })

  it('says so on a database kind without a throwaway engine', () => {
    writeStrataConfig(project, 'mysql://root@127.0.0.1:9/never')
    const check = project.strata(['check', '--replay'])
    assert.equal(check.code, 2, check.stdout + check.stderr)
    assert.match(check.stderr, /check --replay needs a throwaway database .*MySQL\/MariaDB has none/)
    assert.equal(check.stderr.trim().split('\n').length, 1)
  })
})

/** One program: strata's functions on `pglite::memory:`, the same in-memory database throughout. */
const KITCHEN_PROGRAM = `import { revision, upgrade, downgrade, checkSchema, parseDatabaseUrl } from 'strata-db'
import { loadDialect } from 'strata-db/internals'

const rows = ${JSON.stringify(KITCHEN_SINK_ROWS)}
const out = {}
const generated = await revision('./strata.config.ts', { message: 'kitchen sink', autogenerate: true })
out.detected = generated.changes?.length ?? null
await upgrade('./strata.config.ts', 'head')
const dialect = await loadDialect('pglite')
const db = await dialect.connect(parseDatabaseUrl('pglite::memory:', process.cwd()))
for (const row of rows) await db.execute(row)
out.customer = (await db.query("SELECT country_code, is_vip, feeling FROM customers WHERE email = 'a@example.com'"))[0]
out.item = (await db.query("SELECT stock, item_size, active FROM items WHERE sku = 'SKU-1'"))[0]
out.check = (await checkSchema('./strata.config.ts')).length
await downgrade('./strata.config.ts', 'base')
out.left = (await db.query("SELECT table_schema || '.' || table_name AS t FROM information_schema.tables WHERE table_schema IN ('public', 'billing') ORDER BY 1")).map((r) => r.t)
out.types = (await db.query("SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE t.typtype = 'e' AND n.nspname IN ('public', 'billing')")).map((r) => r.typname)
await upgrade('./strata.config.ts', 'head')
out.recheck = (await checkSchema('./strata.config.ts')).length
await db.close()
console.log(JSON.stringify(out))
`

describeVariant('pglite', 'kitchen sink round trip on pglite::memory:', () => {
  let project: UserProject
  before(async () => {
    project = await createUserProject('pglite-kitchen')
    writeStrataConfig(project, 'pglite::memory:', ", schemas: ['public', 'billing']")
    project.write('src/db/schema.ts', kitchenSinkSchema('postgres'))
    project.write('kitchen.mjs', KITCHEN_PROGRAM)
  })
  after(() => project?.remove())

  it('autogenerate → upgrade head → rows with defaults → check clean → downgrade base → upgrade head → check clean', async () => {
    const { spawnSync } = await import('node:child_process')
    const result = spawnSync(process.execPath, ['kitchen.mjs'], { cwd: project.dir, encoding: 'utf8', timeout: 180_000 })
    assert.equal(result.status, 0, result.stdout + result.stderr)
    const out = JSON.parse(result.stdout.trim().split('\n').at(-1)!)
    assert.deepEqual(out.customer, { country_code: 'NL', is_vip: false, feeling: 'happy' })
    assert.deepEqual(out.item, { stock: 0, item_size: 'm', active: true })
    assert.equal(out.check, 0)
    assert.deepEqual(out.left, ['public.strata_history', 'public.strata_version'])
    assert.deepEqual(out.types, [])
    assert.equal(out.recheck, 0)
  })
})
