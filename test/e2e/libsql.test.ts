/**
 * libSQL (through @libsql/client) on local files: the everyday story, the kitchen-sink round trip, a rebuild of a
 * parent with ON DELETE CASCADE children (foreign keys off while migrating, as on SQLite: a history written on
 * SQLite runs the same here), and table rebuilds with foreign keys enforced throughout (`?foreign_keys=on`, what a
 * remote Turso database does whatever is asked). The database is checked with better-sqlite3 on the same file.
 */
import assert from 'node:assert/strict'
import { existsSync, readdirSync, rmSync } from 'node:fs'
import { after, before, it } from 'node:test'
import { KITCHEN_SINK_ROWS, kitchenSinkSchema } from '../fixtures/kitchen-sink.js'
import { describeVariant } from '../support/databases.js'
import { columnNames, rawQuery, tableNames, versionRows } from '../support/inspect.js'
import { type UserProject, createUserProject, writeStrataConfig } from '../support/project.js'

const SCHEMA_V1 = `import { table, varchar, text } from 'strata-db'

export const packages = table('packages', {
  id: varchar({ length: 100 }).primaryKey(),
  summary: text(),
})
`

const SCHEMA_V2 = `import { table, integer, varchar, text, timestamp } from 'strata-db'

export const packages = table('packages', {
  id: varchar({ length: 100 }).primaryKey(),
  summary: text(),
  lastUpdated: timestamp('last_updated'),
})

export const auditing = table('auditing', {
  id: integer().primaryKey().autoincrement(),
  description: text(),
})
`

function revisions(project: UserProject): string[] {
  return readdirSync(project.path('migrations/versions'))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => f.slice(0, 12))
}

describeVariant('libsql', 'the everyday story on a libsql: file', ({ db }) => {
  let project: UserProject
  before(async () => {
    project = await createUserProject('libsql-story')
  })
  after(() => project?.remove())

  it('init, then current on an untouched database prints nothing and creates no file', () => {
    const init = project.strata(['init'])
    assert.equal(init.code, 0, init.stderr)
    writeStrataConfig(project, 'libsql:data/app.db')
    project.write('src/db/schema.ts', SCHEMA_V1)
    const current = project.strata(['current'])
    assert.equal(current.code, 0, current.stderr)
    assert.equal(current.stdout, '')
    assert.equal(existsSync(project.path('data/app.db')), false)
    db().file = project.path('data/app.db')
  })

  it('autogenerate → upgrade head → check is clean; rows go in', async () => {
    const first = project.strata(['revision', '--autogenerate', '-m', 'packages'])
    assert.equal(first.code, 0, first.stderr)
    assert.deepEqual(first.stdout.split('\n').filter((l) => l.startsWith('Detected')), ["Detected added table 'packages'"])
    const up = project.strata(['upgrade', 'head'])
    assert.equal(up.code, 0, up.stderr)
    await rawQuery(db(), "INSERT INTO packages (id, summary) VALUES ('strata', 'migrations'), ('pg', 'driver')")
    project.write('src/db/schema.ts', SCHEMA_V2)
    const second = project.strata(['revision', '--autogenerate', '-m', 'audit'])
    assert.equal(second.code, 0, second.stderr)
    assert.deepEqual(second.stdout.split('\n').filter((l) => l.startsWith('Detected')).sort(), ["Detected added column 'packages.last_updated'", "Detected added table 'auditing'"])
    const up2 = project.strata(['upgrade', 'head'])
    assert.equal(up2.code, 0, up2.stderr)
    assert.deepEqual(await tableNames(db()), ['auditing', 'packages', 'strata_history', 'strata_version'])
    assert.deepEqual(await columnNames(db(), 'packages'), ['id', 'summary', 'last_updated'])
    const check = project.strata(['check'])
    assert.equal(check.code, 0, check.stdout + check.stderr)
    assert.equal(check.stdout.trim(), 'No changes detected')
    const [head] = (await versionRows(db()))!
    assert.equal(project.strata(['current']).stdout.trim(), `${head} (head)`)
  })

  it('downgrade -1 drops the column and the table and keeps the rows', async () => {
    const down = project.strata(['downgrade', '-1'])
    assert.equal(down.code, 0, down.stderr)
    assert.deepEqual(await tableNames(db()), ['packages', 'strata_history', 'strata_version'])
    assert.deepEqual(await columnNames(db(), 'packages'), ['id', 'summary'])
    assert.deepEqual(await rawQuery(db(), 'SELECT id, summary FROM packages ORDER BY id'), [
      { id: 'pg', summary: 'driver' },
      { id: 'strata', summary: 'migrations' },
    ])
    const rows = (await versionRows(db()))!
    assert.equal(rows.length, 1)
    assert.ok(revisions(project).includes(rows[0]!))
  })
})

describeVariant('libsql', 'kitchen sink round trip on a libsql: file', ({ db }) => {
  let project: UserProject
  before(async () => {
    project = await createUserProject('libsql-kitchen')
    writeStrataConfig(project, db().url)
    project.write('src/db/schema.ts', kitchenSinkSchema('sqlite'))
  })
  after(() => project?.remove())

  it('autogenerate → upgrade head → rows with defaults → check clean → downgrade base → upgrade head → check clean', async () => {
    const gen = project.strata(['revision', '--autogenerate', '-m', 'kitchen sink'])
    assert.equal(gen.code, 0, gen.stderr)
    // Enums are created on every dialect (a no-op where they are column types), as in kitchen-sink.test.ts.
    const tables = ['customers', 'items', 'orders', 'order_lines'].map((t) => `Detected added table '${t}'`)
    assert.deepEqual(gen.stdout.split('\n').filter((l) => l.startsWith('Detected')), ["Detected added enum 'mood'", "Detected added enum 'size'", ...tables])
    const up = project.strata(['upgrade', 'head'])
    assert.equal(up.code, 0, up.stderr)
    for (const statement of KITCHEN_SINK_ROWS) await rawQuery(db(), statement)
    const [customer] = await rawQuery<Record<string, unknown>>(db(), "SELECT country_code, is_vip, feeling FROM customers WHERE email = 'a@example.com'")
    assert.deepEqual(customer, { country_code: 'NL', is_vip: 0, feeling: 'happy' })
    const check = project.strata(['check'])
    assert.equal(check.code, 0, check.stdout + check.stderr)
    assert.equal(check.stdout.trim(), 'No changes detected')
    const down = project.strata(['downgrade', 'base'])
    assert.equal(down.code, 0, down.stderr)
    assert.deepEqual(await tableNames(db()), ['strata_history', 'strata_version'])
    const again = project.strata(['upgrade', 'head'])
    assert.equal(again.code, 0, again.stderr)
    const recheck = project.strata(['check'])
    assert.equal(recheck.code, 0, recheck.stdout + recheck.stderr)
    assert.equal(recheck.stdout.trim(), 'No changes detected')
  })
})

const FAMILY_V1 = `import { table, integer, text } from 'strata-db'

export const parents = table('parents', {
  id: integer().primaryKey(),
  name: text(),
})

export const cascading = table('cascading', {
  id: integer().primaryKey(),
  parentId: integer('parent_id').notNull().references(() => parents.id, { onDelete: 'cascade' }),
})

export const plain = table('plain', {
  id: integer().primaryKey(),
  parentId: integer('parent_id').notNull().references(() => parents.id),
})
`

describeVariant('libsql', 'a rebuild of a parent with ON DELETE CASCADE children on a libsql: file', ({ db }) => {
  let project: UserProject
  before(async () => {
    project = await createUserProject('libsql-cascade')
  })
  after(() => project?.remove())

  it('runs as on SQLite (foreign keys off while migrating): every child row is kept and still points at its parent', async () => {
    writeStrataConfig(project, db().url)
    project.write('src/db/schema.ts', FAMILY_V1)
    assert.equal(project.strata(['revision', '--autogenerate', '-m', 'family']).code, 0)
    assert.equal(project.strata(['upgrade', 'head']).code, 0)
    await rawQuery(db(), "INSERT INTO parents (id, name) VALUES (1, 'a'), (2, 'b')")
    await rawQuery(db(), 'INSERT INTO cascading (id, parent_id) VALUES (10, 1), (11, 2), (12, 2)')
    project.write('src/db/schema.ts', FAMILY_V1.replace('name: text(),', "name: text().notNull().default('x'),"))
    assert.equal(project.strata(['revision', '--autogenerate', '-m', 'name not null']).code, 0)
    const up = project.strata(['upgrade', 'head'])
    assert.equal(up.code, 0, up.stdout + up.stderr)
    assert.deepEqual(await rawQuery(db(), 'SELECT c.id, p.name FROM cascading c JOIN parents p ON p.id = c.parent_id ORDER BY c.id'), [
      { id: 10, name: 'a' },
      { id: 11, name: 'b' },
      { id: 12, name: 'b' },
    ])
    assert.deepEqual(await rawQuery(db(), "SELECT \"notnull\" FROM pragma_table_info('parents') WHERE name = 'name'"), [{ notnull: 1 }])
    assert.equal(project.strata(['check']).stdout.trim(), 'No changes detected')
    // And back: the downgrade rebuilds the parent again.
    assert.equal(project.strata(['downgrade', '-1']).code, 0)
    assert.deepEqual(await rawQuery(db(), 'SELECT count(*) AS n FROM cascading'), [{ n: 3 }])
  })
})

describeVariant('libsql', 'table rebuilds with foreign keys enforced on a libsql: file (?foreign_keys=on)', ({ db }) => {
  let project: UserProject
  before(async () => {
    project = await createUserProject('libsql-rebuild')
    writeStrataConfig(project, `${db().url}?foreign_keys=on`)
    project.write('src/db/schema.ts', FAMILY_V1)
    const gen = project.strata(['revision', '--autogenerate', '-m', 'family'])
    assert.equal(gen.code, 0, gen.stderr)
    const up = project.strata(['upgrade', 'head'])
    assert.equal(up.code, 0, up.stderr)
    await rawQuery(db(), "INSERT INTO parents (id, name) VALUES (1, 'a'), (2, 'b'), (3, 'c')")
    await rawQuery(db(), 'INSERT INTO cascading (id, parent_id) VALUES (10, 1), (11, 2), (12, 3), (13, 3)')
    await rawQuery(db(), 'INSERT INTO plain (id, parent_id) VALUES (20, 1), (21, 2)')
  })
  after(() => project?.remove())

  async function counts(): Promise<Record<string, number>> {
    const [row] = await rawQuery<Record<string, number>>(
      db(),
      'SELECT (SELECT count(*) FROM parents) AS parents, (SELECT count(*) FROM cascading) AS cascading, (SELECT count(*) FROM plain) AS plain',
    )
    return { ...row! }
  }

  it('a rebuild of a parent with ON DELETE CASCADE children is refused with a clear message; no row is lost', async () => {
    // name NOT NULL: SQLite's ALTER TABLE cannot do it, so strata rebuilds the parent table.
    project.write('src/db/schema.ts', FAMILY_V1.replace('name: text(),', "name: text().notNull().default('x'),"))
    const gen = project.strata(['revision', '--autogenerate', '-m', 'name not null'])
    assert.equal(gen.code, 0, gen.stderr)
    const before = await versionRows(db())
    const up = project.strata(['upgrade', 'head'])
    assert.equal(up.code, 1, up.stdout + up.stderr)
    assert.match(up.stderr, /cannot rebuild table 'parents' with foreign keys enforced .*ON DELETE in cascading \(ON DELETE CASCADE\)/)
    assert.deepEqual(await counts(), { parents: 3, cascading: 4, plain: 2 })
    assert.deepEqual(await versionRows(db()), before, 'the version did not move')
    assert.deepEqual(await rawQuery(db(), "SELECT \"notnull\" FROM pragma_table_info('parents') WHERE name = 'name'"), [{ notnull: 0 }])
    // Take the refused revision back (the next test goes another way).
    for (const file of readdirSync(project.path('migrations/versions')).filter((f) => f.includes('name_not_null'))) rmSync(project.path(`migrations/versions/${file}`))
    assert.equal(revisions(project).length, 1)
  })

  it('without an acting child the parent is rebuilt under enforced foreign keys and every child row keeps its parent', async () => {
    // The cascading child goes in a revision of its own, then the parent is rebuilt.
    const noCascade = FAMILY_V1.replace(/export const cascading[\s\S]*?\}\)\n\n/, '')
    project.write('src/db/schema.ts', noCascade)
    const drop = project.strata(['revision', '--autogenerate', '-m', 'drop cascading'])
    assert.equal(drop.code, 0, drop.stderr)
    const dropped = project.strata(['upgrade', 'head'])
    assert.equal(dropped.code, 0, dropped.stdout + dropped.stderr)
    project.write('src/db/schema.ts', noCascade.replace('name: text(),', "name: text().notNull().default('x'),"))
    const gen = project.strata(['revision', '--autogenerate', '-m', 'name not null'])
    assert.equal(gen.code, 0, gen.stderr)
    const up = project.strata(['upgrade', 'head'])
    assert.equal(up.code, 0, up.stdout + up.stderr)
    assert.deepEqual(await tableNames(db()), ['parents', 'plain', 'strata_history', 'strata_version'])
    assert.deepEqual(await rawQuery(db(), 'SELECT id, name FROM parents ORDER BY id'), [
      { id: 1, name: 'a' },
      { id: 2, name: 'b' },
      { id: 3, name: 'c' },
    ])
    assert.deepEqual(await rawQuery(db(), 'SELECT c.id, p.name FROM plain c JOIN parents p ON p.id = c.parent_id ORDER BY c.id'), [
      { id: 20, name: 'a' },
      { id: 21, name: 'b' },
    ])
    assert.deepEqual(await rawQuery(db(), 'PRAGMA foreign_key_check'), [])
    assert.deepEqual(await rawQuery(db(), "SELECT \"notnull\" FROM pragma_table_info('parents') WHERE name = 'name'"), [{ notnull: 1 }])
    const check = project.strata(['check'])
    assert.equal(check.stdout.trim(), 'No changes detected', check.stderr)
  })
})
