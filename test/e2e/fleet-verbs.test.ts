/**
 * Issue 15, the read verbs on a fleet: `check --all`, `verify --all` and `history --applied --all` over SQLite files
 * (`databases`) and PostgreSQL schemas (`tenantSchemas`). One database drifted by hand, one with a tampered applied
 * migration, one behind: each verb reports exactly its own, exits 1, and never hides the others. Also the typed
 * API, the usage errors, and the live display on a terminal (the bin under a pseudo-terminal, `script`).
 */
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { after, before, it } from 'node:test'
import Database from 'better-sqlite3'
import { appliedHistoryFleet, checkFleet, verifyFleet } from '../../src/index.js'
import { describeEachDialect } from '../support/databases.js'
import { rawQuery } from '../support/inspect.js'
import type { UserProject } from '../support/project.js'
import { Scenario, linkUserProject, revId } from '../support/safe-project.js'

interface Result {
  database: string
  from: string[]
  to: string[]
  status: string
  error?: string
  changes?: { kind: string; message: string }[]
  problems?: { code: string; revision: string; message: string }[]
  history?: { revision: string; direction: string; status: string; started_at: string }[]
}
interface FleetJson {
  results: Result[]
  failed: number
}

const SQLITE = ['a', 'b', 'c', 'd']
const SCHEMAS = ['t_1', 't_2', 't_3']
const statuses = (results: Pick<Result, 'database' | 'status'>[]) => results.map((r) => `${r.database} ${r.status}`)

describeEachDialect('fleet: check, verify and history --applied with --all', ({ dialect, db }) => {
  if (dialect !== 'postgres') return // one run covers SQLite files and PostgreSQL schemas together
  let project: UserProject
  let s: Scenario
  const ids = [revId(1, 'v'), revId(2, 'v'), revId(3, 'v')]
  const file = (name: string) => s.path(`dbs/${name}.sqlite`)
  const config = () => s.path('strata.config.ts')

  const pgQuery = (sql: string) => rawQuery(db(), sql)
  const json = async (args: string[], code: number): Promise<Result[]> => {
    const r = await s.strata([...args, '--json'])
    assert.equal(r.code, code, r.stdout + r.stderr)
    return (JSON.parse(r.stdout) as FleetJson).results
  }

  before(async () => {
    project = linkUserProject('fleet-verbs')
    s = new Scenario(project, 'fleet', db())
    const databases = Object.fromEntries(SQLITE.map((n) => [n, `sqlite:///dbs/${n}.sqlite`]))
    s.write(
      'strata.config.ts',
      `import { defineConfig } from 'strata-db'
export default defineConfig({ url: ${JSON.stringify(db().url)}, schema: './schema.ts', databases: ${JSON.stringify(databases)}, tenantSchemas: ${JSON.stringify(SCHEMAS)} })
`,
    )
    s.write('schema.ts', `import { table, integer, varchar } from 'strata-db'\nexport const items = table('items', { id: integer().primaryKey(), name: varchar({ length: 20 }), price: integer() })\n`)
    s.revision({ id: ids[0]!, down: null, message: 'items', imports: ['integer', 'varchar'], up: `  await op.createTable('items', { id: integer().primaryKey(), name: varchar({ length: 20 }) })` })
    s.revision({ id: ids[1]!, down: ids[0]!, message: 'seed', up: `  await op.bulkInsert('items', [{ id: 1, name: 'first' }])` })
    s.revision({ id: ids[2]!, down: ids[1]!, message: 'price', imports: ['integer'], up: `  await op.addColumn('items', 'price', integer())`, down_: `  await op.dropColumn('items', 'price')` })
    s.write('dbs/.keep', '')
    for (const schema of SCHEMAS) await pgQuery(`CREATE SCHEMA ${schema}`)
    const up = await s.strata(['upgrade', 'head', '--all'])
    assert.equal(up.code, 0, up.stdout + up.stderr)
    // d is behind: its last revision reverted.
    const down = await s.strata(['downgrade', ids[1]!, '--url', `sqlite:///${file('d')}`])
    assert.equal(down.code, 0, down.stderr)
  })
  after(() => project?.remove())

  it('check --all: clean everywhere, d behind; a column added by hand to b is reported for b alone, exit 1', async () => {
    const clean = await json(['check', '--all'], 1)
    assert.deepEqual(statuses(clean), ['a clean', 'b clean', 'c clean', 'd behind', 't_1 clean', 't_2 clean', 't_3 clean'])
    assert.deepEqual(clean.find((r) => r.database === 'd')!.from, [ids[1]])
    // --allow-behind compares d with what its applied revisions define: clean too.
    assert.ok((await json(['check', '--all', '--allow-behind'], 0)).every((r) => r.status === 'clean'))

    const conn = new Database(file('b'))
    conn.exec('ALTER TABLE items ADD COLUMN extra INTEGER')
    conn.close()
    const drift = await json(['check', '--all', '--allow-behind', '--concurrency', '2'], 1)
    assert.deepEqual(statuses(drift), ['a clean', 'b drifted', 'c clean', 'd clean', 't_1 clean', 't_2 clean', 't_3 clean'])
    const b = drift.find((r) => r.database === 'b')!
    assert.equal(b.changes!.length, 1)
    assert.match(b.changes![0]!.message, /extra/)

    const text = await s.strata(['check', '--all'])
    assert.equal(text.code, 1)
    assert.match(text.stdout, /^drifted  b: 1 difference\(s\)$/m)
    assert.match(text.stdout, new RegExp(`^behind  d: at ${ids[1]}, heads are ${ids[2]}$`, 'm'))
    assert.match(text.stdout, /^database +from +to +duration +status$/m)
    assert.match(text.stdout, /^7 databases: 5 clean, 1 drifted, 1 behind, 0 failed$/m)

    // The typed API returns what --json prints (durations aside).
    const api = await checkFleet(config(), { allowBehind: true })
    assert.deepEqual(
      api.map(({ durationMs: _, ...r }) => r),
      drift.map(({ durationMs: _, ...r }: Result & { durationMs?: number }) => r),
    )
  })

  it('verify --all: a tampered applied migration in t_2 is reported for t_2 alone, exit 1', async () => {
    assert.ok((await json(['verify', '--all'], 0)).every((r) => r.status === 'verified'))
    await pgQuery(`UPDATE t_2.strata_history SET checksum = 'tampered' WHERE revision = '${ids[1]}'`)
    const results = await json(['verify', '--all'], 1)
    assert.deepEqual(statuses(results), ['a verified', 'b verified', 'c verified', 'd verified', 't_1 verified', 't_2 changed', 't_3 verified'])
    const problems = results.find((r) => r.database === 't_2')!.problems!
    assert.deepEqual(
      problems.map((p) => `${p.code} ${p.revision}`),
      [`changed-file ${ids[1]}`],
    )
    assert.deepEqual(statuses(await verifyFleet(config())), statuses(results))
    const text = await s.strata(['verify', '--all'])
    assert.equal(text.code, 1)
    assert.match(text.stdout, new RegExp(`^changed  t_2: ${ids[1]}: .* changed after it was applied$`, 'm'))
  })

  it('history --applied --all lists every database its own steps, oldest first', async () => {
    const results = await json(['history', '--applied', '--all'], 0)
    const steps = (name: string) => results.find((r) => r.database === name)!.history!.map((h) => `${h.direction} ${h.revision} ${h.status}`)
    const full = ids.map((id) => `up ${id} done`)
    for (const name of ['a', 'b', 'c', 't_1', 't_3']) assert.deepEqual(steps(name), full, name)
    assert.deepEqual(steps('d'), [...full, `down ${ids[2]} done`])
    assert.deepEqual(results.find((r) => r.database === 'd')!.from, [ids[1]])
    assert.deepEqual(
      (await appliedHistoryFleet(config())).map((r) => r.history!.length),
      [3, 3, 3, 4, 3, 3, 3],
    )
    const text = await s.strata(['history', '--applied', '--all'])
    assert.equal(text.code, 0, text.stderr)
    assert.match(text.stdout, new RegExp(`^d:\\n(  .*\\n){3}  .*downgrade ${ids[2]}  done`, 'm'))
    assert.match(text.stdout, /^7 databases: 7 read, 0 failed$/m)
  })

  it('a database that cannot be read is failed, and the others are still reported', async () => {
    const conn = new Database(file('c'))
    conn.exec(`UPDATE strata_version SET version_num = 'nosuchrev'`)
    conn.close()
    const results = await json(['verify', '--all'], 1)
    assert.equal(results.length, 7)
    assert.deepEqual(
      statuses(results).filter((x) => !x.endsWith('verified')),
      ['c changed', 't_2 changed'],
    )
    const checked = await json(['check', '--all', '--allow-behind'], 1)
    assert.equal(checked.find((r) => r.database === 'c')!.status, 'failed')
    assert.match(checked.find((r) => r.database === 'c')!.error!, /nosuchrev/)
    assert.deepEqual(statuses(checked).filter((x) => !x.startsWith('c ')), ['a clean', 'b drifted', 'd clean', 't_1 clean', 't_2 clean', 't_3 clean'])
    // Not "behind": no file has that revision, so nothing here can bring it to the heads.
    for (const verb of ['current', 'check']) {
      const read = await json([verb, '--all'], 1)
      assert.equal(read.find((r) => r.database === 'c')!.status, 'failed', verb)
      assert.match(read.find((r) => r.database === 'c')!.error!, /the database is at revision 'nosuchrev', which no file in .* has/)
    }
    const fix = new Database(file('c'))
    fix.exec(`UPDATE strata_version SET version_num = '${ids[2]}'`)
    fix.close()
  })

  it('usage errors: history --all without --applied, check --all --replay, --all with --url', async () => {
    const cases: [string[], RegExp][] = [
      [['history', '--all'], /history --all needs --applied/],
      [['check', '--all', '--replay'], /check --replay .* cannot take --all/],
      [['verify', '--all', '--url', 'sqlite:///x.sqlite'], /--all .* cannot take --url/],
    ]
    for (const [args, message] of cases) {
      const r = await s.strata(args)
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`)
      assert.match(r.stderr, message)
    }
  })

  it('on a terminal, the progress block is redrawn in place and ends with the summary table', { skip: !hasScript() && 'no `script` (util-linux) to make a pseudo-terminal' }, () => {
    const bin = project.path('node_modules/.bin/strata')
    const r = spawnSync('script', ['-qfec', `${bin} verify --all --concurrency 2`, '/dev/null'], {
      cwd: s.path(),
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', COLUMNS: '100' },
      timeout: 120_000,
    })
    assert.equal(r.status, 1, r.stdout + r.stderr)
    const screen = r.stdout.replace(/\r/g, '')
    assert.match(screen, /\x1b\[\d+A\x1b\[J/, 'the block is erased and redrawn')
    assert.match(screen, /running: /)
    // The last state of the block stays, then the table.
    assert.match(screen, /\x1b\[J\[7\/7\] 0 running · 6 verified · 1 changed\n\ndatabase +from/)
    // Problems stay on screen above the block, and the table follows.
    const lines = screen.replace(/\x1b\[\d*[AJ]/g, '')
    assert.match(lines, /^changed  t_2: /m)
    assert.match(lines, /^t_2 +\S+ +\S+ +[\d.]+ s +changed$/m)
    assert.match(lines, /^7 databases: 6 verified, 1 changed, 0 failed$/m)
    assert.doesNotMatch(lines, /^verified  a$/m, 'no line per database on a terminal')
  })
}, { needsServer: 'a schema per tenant on one server, reached with search_path' })

function hasScript(): boolean {
  return spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0
}
