/**
 * The second kitchen sink (test/fixtures/kitchen-sink-objects.ts): every object beyond tables, through the CLI of
 * an installed strata-db, on each dialect: autogenerate from empty → upgrade head (rows read through the views)
 * → check clean → downgrade base leaves only strata's own tables → upgrade head again → check clean.
 */
import assert from 'node:assert/strict'
import { readdirSync } from 'node:fs'
import { after, before, it } from 'node:test'
import { KITCHEN_SINK_OBJECTS_ROWS, kitchenSinkObjectsDetected, kitchenSinkObjectsOmissions, kitchenSinkObjectsSchema, kitchenSinkObjectsViews } from '../fixtures/kitchen-sink-objects.js'
import { type TestDialect, type TestDatabase, describeEachDialect } from '../support/databases.js'
import { rawQuery, tableNames } from '../support/inspect.js'
import { installProject, subProject } from '../support/installed-project.js'
import { type UserProject, typeCheck } from '../support/project.js'

let installed: UserProject | undefined
before(async () => {
  installed = await installProject('kitchen-sink-objects')
})
after(() => installed?.remove())

/** Every view in the database (PostgreSQL: in public and reports, `reports.` prefixed). */
async function viewNames(dialect: TestDialect, db: TestDatabase): Promise<string[]> {
  const sql =
    dialect === 'sqlite'
      ? `SELECT name FROM sqlite_master WHERE type = 'view'`
      : dialect === 'postgres'
        ? `SELECT CASE WHEN table_schema = 'public' THEN table_name ELSE table_schema || '.' || table_name END AS name FROM information_schema.views WHERE table_schema IN ('public', 'reports')`
        : `SELECT table_name AS name FROM information_schema.views WHERE table_schema = DATABASE()`
  return (await rawQuery<{ name: string }>(db, sql)).map((r) => r.name).sort()
}

/** Functions, procedures and triggers left in the database. */
async function routineNames(dialect: TestDialect, db: TestDatabase): Promise<string[]> {
  if (dialect === 'sqlite') return (await rawQuery<{ name: string }>(db, "SELECT name FROM sqlite_master WHERE type = 'trigger'")).map((r) => r.name)
  const sql =
    dialect === 'postgres'
      ? "SELECT p.proname AS name FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public' UNION ALL SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
      : 'SELECT ROUTINE_NAME AS name FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = DATABASE() UNION ALL SELECT TRIGGER_NAME FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE()'
  return (await rawQuery<{ name: string }>(db, sql)).map((r) => r.name).sort()
}

function assertClean(project: UserProject): void {
  const check = project.strata(['check'])
  assert.equal(check.code, 0, check.stdout + check.stderr)
  assert.equal(check.stdout.trim(), 'No changes detected')
}

describeEachDialect('kitchen sink of objects: generated, applied, checked, downgraded, applied again', ({ dialect, db }) => {
  let project: UserProject

  before(() => {
    project = subProject(installed!, dialect)
    const schemas = dialect === 'postgres' ? ", schemas: ['public', 'reports']" : ''
    project.write('strata.config.ts', `import { defineConfig } from 'strata-db'\n\nexport default defineConfig({ url: '${db().url}', schema: './src/db/schema.ts'${schemas} })\n`)
    project.write('src/db/schema.ts', kitchenSinkObjectsSchema(dialect))
  })

  it(`generates one revision: routines after tables, views after what they read, triggers last (left out: ${kitchenSinkObjectsOmissions(dialect).join('; ') || 'nothing'})`, () => {
    const result = project.strata(['revision', '--autogenerate', '-m', 'objects'])
    assert.equal(result.code, 0, result.stderr)
    const detected = result.stdout.split('\n').filter((l) => l.startsWith('Detected'))
    assert.deepEqual(detected, kitchenSinkObjectsDetected(dialect))
    const files = readdirSync(project.path('migrations/versions')).filter((f) => f.endsWith('.ts'))
    assert.equal(files.length, 1)
    const tsc = typeCheck(project, [`migrations/versions/${files[0]}`, 'src/db/schema.ts', 'strata.config.ts'])
    assert.equal(tsc.code, 0, tsc.stdout + tsc.stderr)
  })

  it('offline SQL (upgrade head --sql) writes every view and the trigger', () => {
    const offline = project.strata(['upgrade', 'head', '--sql'])
    assert.equal(offline.code, 0, offline.stderr)
    assert.equal(offline.stdout.match(/CREATE VIEW/g)?.length, kitchenSinkObjectsViews(dialect).length, offline.stdout)
    assert.equal(offline.stdout.match(/CREATE TRIGGER/g)?.length, 1, offline.stdout)
  })

  it('upgrade head builds it; rows read through the views, the trigger logs them, routines answer; check reports nothing', async () => {
    const up = project.strata(['upgrade', 'head'])
    assert.equal(up.code, 0, up.stderr)
    for (const statement of KITCHEN_SINK_OBJECTS_ROWS) await rawQuery(db(), statement)
    const spenders = await rawQuery<{ name: string }>(db(), 'SELECT name FROM big_spenders')
    assert.deepEqual(spenders.map((r) => r.name), ['Ada'])
    const active = await rawQuery<{ name: string }>(db(), 'SELECT name FROM active_accounts ORDER BY id')
    assert.deepEqual(active.map((r) => r.name), ['Ada', 'Bob'])
    if (dialect !== 'sqlite') {
      // The check option refuses a row the view would not show.
      await assert.rejects(rawQuery(db(), "INSERT INTO active_accounts (id, name, active) VALUES (9, 'Zed', FALSE)"))
    }
    assert.deepEqual(await viewNames(dialect, db()), [...kitchenSinkObjectsViews(dialect)].sort())
    const generated = await rawQuery<{ doubled_id: number }>(db(), 'SELECT doubled_id FROM orders ORDER BY id')
    assert.deepEqual(generated.map((r) => Number(r.doubled_id)), [2, 4, 6])
    // The trigger logged each account as it went in.
    const logged = await rawQuery<{ account_id: number; action: string }>(db(), 'SELECT account_id, action FROM account_log ORDER BY id')
    assert.deepEqual(logged.map((r) => [Number(r.account_id), r.action]), [[1, 'created'], [2, 'created'], [3, 'created']])
    if (dialect === 'postgres') {
      const [hash] = await rawQuery<{ h: string }>(db(), "SELECT encode(digest('a', 'sha1'), 'hex') AS h")
      assert.equal(hash!.h, '86f7e437faa5a7fce15d1ddcb9eaeaea377667b8', 'pgcrypto is there')
      assert.deepEqual(await rawQuery(db(), "SELECT polname FROM pg_policy WHERE polname = 'active_only'"), [{ polname: 'active_only' }])
    }
    if (dialect !== 'sqlite') {
      const [total] = await rawQuery<{ t: string }>(db(), 'SELECT order_total(1) AS t')
      assert.equal(Number(total!.t), 120)
      await rawQuery(db(), "CALL log_action(2, 'called')")
      assert.equal((await rawQuery(db(), "SELECT 1 FROM account_log WHERE action = 'called'")).length, 1)
    }
    assertClean(project)
  })

  it("downgrade base leaves only strata's own tables: no view, routine or trigger", async () => {
    const down = project.strata(['downgrade', 'base'])
    assert.equal(down.code, 0, down.stderr)
    assert.deepEqual(await viewNames(dialect, db()), [])
    assert.deepEqual(await routineNames(dialect, db()), [])
    const own = (await tableNames(db())).filter((t) => !t.startsWith('strata_'))
    assert.deepEqual(own, [])
    if (dialect === 'postgres') {
      assert.deepEqual(await rawQuery(db(), "SELECT nspname FROM pg_namespace WHERE nspname = 'reports'"), [])
      assert.deepEqual(await rawQuery(db(), "SELECT extname FROM pg_extension WHERE extname = 'pgcrypto'"), [])
    }
  })

  it('upgrade head again; check still reports nothing', () => {
    const up = project.strata(['upgrade', 'head'])
    assert.equal(up.code, 0, up.stderr)
    assertClean(project)
  })
})
