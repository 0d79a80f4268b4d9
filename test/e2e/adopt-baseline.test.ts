/**
 * First adoption of an existing database (Chinook, made by plain SQL): `strata init --from-database` pulls the
 * schema file, writes a baseline and stamps the database. A fresh database built from base equals it; a schema
 * change then runs online and as an offline script with the same result; downgrade returns to the baseline, and
 * going below the baseline is refused with the data kept.
 */
import assert from 'node:assert/strict'
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, it } from 'node:test'
import { linkedProject } from '../support/autogen-cycle.js'
import { type TestDatabase, createTestDatabase, describeEachDialect } from '../support/databases.js'
import { columnNames, rawQuery, tableNames } from '../support/inspect.js'
import { REPO, type UserProject } from '../support/project.js'
import { runScript } from '../support/sql-script.js'
import { assertGeneratedTypeCheck } from '../support/typecheck-generated.js'

const FIXTURES = join(REPO, 'test', 'fixtures', 'adopt')

describeEachDialect('adopting a database: init --from-database, baseline, change, offline, downgrade', ({ dialect, db }) => {
  let project: UserProject
  let fresh: TestDatabase
  let baselineId = ''
  const q = (name: string) => (dialect === 'mysql' ? `\`${name}\`` : `"${name}"`)

  before(async () => {
    await runScript(db(), readFileSync(join(FIXTURES, `chinook.${dialect}.sql`), 'utf8'))
    await runScript(db(), `INSERT INTO ${q('Artist')} (${q('ArtistId')}, ${q('Name')}) VALUES (1, 'AC/DC')`)
    fresh = await createTestDatabase(dialect, 'baseline fresh')
    project = linkedProject(`baseline-${dialect}`)
  })
  after(async () => {
    project?.remove()
    await fresh?.drop()
  })

  const strata = (...args: string[]) => {
    const result = project.strata(args)
    return { ...result, all: result.stdout + result.stderr }
  }

  it('init --from-database writes config, schema file and baseline, and stamps the database', () => {
    const result = strata('init', '--from-database', '--url', db().url, '--rev-id', 'base1')
    assert.equal(result.code, 0, result.all)
    assert.match(result.stdout, /^Wrote src\/db\/schema\.ts/m)
    // The fixture's view is declared in the schema file (and created by the baseline), not left out.
    assert.match(readFileSync(project.path('src/db/schema.ts'), 'utf8'), /view\(\s*'CustomerInvoices'/)
    const files = readdirSync(project.path('migrations/versions')).filter((f) => f.endsWith('.ts'))
    assert.deepEqual(files, ['base1_baseline.ts'])
    baselineId = 'base1'
    // The downgrade's guard is strata's, not `process.env`: a project without @types/node type-checks it too.
    assert.match(readFileSync(project.path('migrations/versions/base1_baseline.ts'), 'utf8'), /^ {2}refuseBelowBaseline\(\)$/m)
    assertGeneratedTypeCheck(project, ['migrations/versions/base1_baseline.ts'], { nodeTypes: false })
    assert.match(strata('current').stdout, /^base1 \(head\)$/m)
    assert.equal(strata('check').code, 0)
    // Stamped, not run: the data is still there.
    return rawQuery(db(), `SELECT ${q('Name')} AS name FROM ${q('Artist')}`).then((rows) => assert.deepEqual(rows.map((r) => r.name), ['AC/DC']))
  })

  it('a fresh database upgraded from base gets the same schema', () => {
    assert.equal(strata('upgrade', 'head', '--url', fresh.url).code, 0)
    const check = strata('check', '--url', fresh.url)
    assert.equal(check.code, 0, check.all)
  })

  it('a schema change: autogenerate, upgrade online and --sql offline give the same result', async () => {
    const schemaFile = project.path('src/db/schema.ts')
    const source = readFileSync(schemaFile, 'utf8')
    const changed = source.replace(/(table\(\s*'Track',\s*\{\n)/, '$1    rating: integer(),\n')
    assert.notEqual(changed, source)
    project.write('src/db/schema.ts', changed)
    const revision = strata('revision', '--autogenerate', '-m', 'track rating', '--rev-id', 'change1')
    assert.equal(revision.code, 0, revision.all)
    assert.match(revision.stdout, /Detected added column 'Track.rating'/)
    assert.ok(!(await columnNames(db(), 'Track')).includes('rating'))

    const script = strata('upgrade', `${baselineId}:head`, '--sql')
    assert.equal(script.code, 0, script.all)
    await runScript(fresh, script.stdout)
    assert.equal(strata('upgrade', 'head').code, 0)
    assert.ok((await columnNames(db(), 'Track')).includes('rating'))
    assert.ok((await columnNames(fresh, 'Track')).includes('rating'))
    for (const url of [db().url, fresh.url]) {
      const check = strata('check', '--url', url)
      assert.equal(check.code, 0, check.all)
      assert.match(strata('current', '--url', url).stdout, /^change1 \(head\)$/m)
    }
  })

  it('downgrade to the baseline works; below it is refused and nothing is dropped', async () => {
    assert.equal(strata('downgrade', baselineId).code, 0)
    assert.match(strata('current').stdout, /^base1$/m)
    assert.ok(!(await columnNames(db(), 'Track')).includes('rating'))
    const below = strata('downgrade', 'base')
    assert.equal(below.code, 1)
    assert.match(below.stderr, /refusing to downgrade below the baseline: it would drop the pre-existing schema \(set STRATA_ALLOW_BASELINE_DOWNGRADE=1/)
    assert.ok((await tableNames(db())).includes('Artist'))
    const rows = await rawQuery(db(), `SELECT count(*) AS n FROM ${q('Artist')}`)
    assert.equal(Number(rows[0]!.n), 1)
  })

  it('a second baseline is refused: the history has started', () => {
    const again = strata('revision', '--baseline', '-m', 'again')
    assert.equal(again.code, 1)
    assert.match(again.stderr, /a baseline starts the history/)
  })
})

describeEachDialect('init --from-database that fails after pull takes back everything it wrote', ({ dialect }) => {
  let project: UserProject
  let broken: TestDatabase
  before(async () => {
    // strata's history table already taken by a view of another shape: the stamp, the last step, fails.
    broken = await createTestDatabase(dialect, 'baseline broken')
    await runScript(broken, 'CREATE TABLE things (id INTEGER NOT NULL PRIMARY KEY);\nCREATE VIEW strata_history AS SELECT 1 AS x;')
    project = linkedProject(`baseline-broken-${dialect}`)
  })
  after(async () => {
    project?.remove()
    await broken?.drop()
  })

  it('exits 1 with one line, and leaves no config, migrations, schema file or src/db folder', () => {
    const before = readdirSync(project.dir).sort()
    const result = project.strata(['init', '--from-database', '--url', broken.url])
    assert.equal(result.code, 1, result.stdout + result.stderr)
    assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr)
    assert.deepEqual(readdirSync(project.dir).sort(), before)
  })
})
