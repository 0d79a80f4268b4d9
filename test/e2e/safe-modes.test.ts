/**
 * Transaction modes (config `transactionMode` and `--transaction-mode`), `export const transaction = false`,
 * `op.autocommit(…)` (PostgreSQL CREATE INDEX CONCURRENTLY), checksums (`verify`, `--allow-changed`) and
 * `history --applied`.
 */
import assert from 'node:assert/strict'
import { appendFileSync } from 'node:fs'
import { after, before, it } from 'node:test'
import { describeEachDialect } from '../support/databases.js'
import { rawQuery, tableNames, versionRows } from '../support/inspect.js'
import type { UserProject } from '../support/project.js'
import { type Scenario, createScenario, errorLine, linkUserProject, revId } from '../support/safe-project.js'

const ids = async (s: Scenario, table: string) => (await rawQuery<{ id: number | string }>(s.db, `SELECT id FROM ${table} ORDER BY id`)).map((r) => Number(r.id))
const userTables = async (s: Scenario) => (await tableNames(s.db)).filter((t) => !t.startsWith('strata_'))
const lastHistory = async (s: Scenario) => {
  const rows = await rawQuery<{ revision: string; status: string; statements_done: number | string }>(s.db, 'SELECT revision, status, statements_done FROM strata_history ORDER BY id')
  const last = rows.at(-1)!
  return [last.revision, last.status, Number(last.statements_done)]
}

describeEachDialect('safe runs: transaction modes, autocommit blocks, checksums', ({ dialect }) => {
  let project: UserProject
  before(() => {
    project = linkUserProject(`modes-${dialect}`)
  })
  after(() => project?.remove())

  const [r0, r1, r2] = [revId(0, 'c'), revId(1, 'c'), revId(2, 'c')]
  /** r0 makes a table; r1 inserts a row; r2 inserts a row, then fails on a duplicate key (its second statement). */
  const dataScenario = async (label: string, config = '') => {
    const s = await createScenario(project, dialect, label, { config })
    s.revision({ id: r0, down: null, message: 'table', imports: ['integer'], up: `  await op.createTable('m', { id: integer().primaryKey() })`, down_: `  await op.dropTable('m')` })
    s.revision({ id: r1, down: r0, message: 'row one', up: `  await op.bulkInsert('m', [{ id: 1 }])`, down_: `  await op.execute('DELETE FROM m WHERE id = 1')` })
    s.revision({ id: r2, down: r1, message: 'row two fails', up: `  await op.bulkInsert('m', [{ id: 2 }])\n  await op.bulkInsert('m', [{ id: 2 }])`, down_: `  await op.execute('DELETE FROM m WHERE id = 2')` })
    assert.equal((await s.strata(['upgrade', r0])).code, 0)
    return s
  }

  it("transactionMode 'each' in the config commits every migration; --transaction-mode all and none override it", async () => {
    const s = await dataScenario('modes', "transactionMode: 'each',")
    try {
      const each = await s.strata(['upgrade', 'head'])
      assert.equal(each.code, 1)
      assert.deepEqual(await versionRows(s.db), [r1], 'r1 committed on its own')
      assert.deepEqual(await ids(s, 'm'), [1], "r2's first insert rolled back with r2")
      assert.match(errorLine(each), dialect === 'mysql' ? /none of its statements took effect/ : new RegExp(`rolled back; the database is at its last commit \\(${r1}\\)`))

      assert.equal((await s.strata(['downgrade', r0])).code, 0)
      const all = await s.strata(['upgrade', 'head', '--transaction-mode', 'all'])
      assert.equal(all.code, 1)
      if (dialect === 'mysql') {
        // MySQL commits DDL implicitly, so strata records every step as it completes: 'all' acts as 'each'.
        assert.deepEqual(await versionRows(s.db), [r1])
        assert.deepEqual(await ids(s, 'm'), [1])
      } else {
        assert.deepEqual(await versionRows(s.db), [r0], 'the whole run rolled back')
        assert.deepEqual(await ids(s, 'm'), [])
        assert.match(errorLine(all), /rolled back; the database is as it was before this run/)
      }

      if (dialect !== 'mysql') assert.equal((await s.strata(['upgrade', r1])).code, 0)
      const none = await s.strata(['upgrade', 'head', '--transaction-mode', 'none'])
      assert.equal(none.code, 1)
      assert.deepEqual(await ids(s, 'm'), [1, 2], 'without a transaction the first insert stays')
      assert.deepEqual(await versionRows(s.db), [r1])
      assert.deepEqual(await lastHistory(s), [r2, 'failed', 1])
      assert.match(errorLine(none), /holds the effect of its first 1 statement\(s\).*resume at statement 2/)
      const bad = await s.strata(['upgrade', 'head', '--transaction-mode', 'sometimes'])
      assert.equal(bad.code, 2, 'a usage error')
    } finally {
      await s.db.drop()
    }
  })

  it('export const transaction = false runs a migration outside any transaction', async () => {
    const s = await createScenario(project, dialect, 'notx')
    try {
      s.revision({ id: r0, down: null, message: 'table', imports: ['integer'], up: `  await op.createTable('n', { id: integer().primaryKey(), v: integer() })`, down_: `  await op.dropTable('n')` })
      const index = dialect === 'postgres' ? 'CREATE INDEX CONCURRENTLY ix_n_v ON n (v)' : 'CREATE INDEX ix_n_v ON n (v)'
      s.revision({ id: r1, down: r0, message: 'index', up: `  await op.execute('${index}')`, down_: `  await op.execute('DROP INDEX ix_n_v${dialect === 'mysql' ? ' ON n' : ''}')`, extra: 'export const transaction = false\n' })
      // Offline, the script leaves its transaction around such a migration too.
      const script = await s.strata(['upgrade', 'head', '--sql'])
      assert.equal(script.code, 0, script.stderr)
      if (dialect !== 'mysql') {
        // The step's comment, then the commit point (r0's version row with it), the statement alone, then a new
        // transaction that moves the version row to r1.
        const after = script.stdout.slice(script.stdout.indexOf(`-- Running upgrade ${r0} -> ${r1}, index`))
        assert.match(after, new RegExp(`COMMIT;\\n\\n${index.replace(/[()]/g, '\\$&')};\\n\\n(BEGIN|START TRANSACTION);\\n`), script.stdout)
        assert.match(after.slice(after.indexOf(index)), /UPDATE .*strata_version.* SET version_num = /, script.stdout)
      }
      const up = await s.strata(['upgrade', 'head'])
      assert.equal(up.code, 0, up.stderr)
      assert.deepEqual(await versionRows(s.db), [r1])
      if (dialect === 'postgres') {
        const [index] = await rawQuery<{ indisvalid: boolean }>(s.db, "SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = 'ix_n_v'")
        assert.equal(index?.indisvalid, true, 'a valid concurrently-built index')
        // The control: the same statement inside the run's transaction is refused by the server.
        s.revision({ id: r2, down: r1, message: 'in tx', up: `  await op.execute('CREATE INDEX CONCURRENTLY ix_n_v2 ON n (v)')` })
        const refused = await s.strata(['upgrade', 'head'])
        assert.equal(refused.code, 1)
        assert.match(errorLine(refused), /cannot run inside a transaction block/)
      }
      // A failing non-transactional migration keeps its earlier statements (and says so).
      const r3 = revId(3, 'c')
      s.revision({ id: r3, down: dialect === 'postgres' ? r2 : r1, message: 'half', imports: ['integer'], up: `  await op.createTable('half', { id: integer() })\n  await op.execute('SELECT * FROM no_such_table')`, extra: 'export const transaction = false\n' })
      if (dialect === 'postgres') s.revision({ id: r2, down: r1, message: 'in tx', up: '' })
      const half = await s.strata(['upgrade', 'head'])
      assert.equal(half.code, 1)
      assert.ok((await userTables(s)).includes('half'))
      assert.match(errorLine(half), /no_such_table.*holds the effect of its first 1 statement\(s\)/)
    } finally {
      await s.db.drop()
    }
  })

  it('op.autocommit commits before its block and resumes the transaction after it; a rerun resumes after what was committed', async () => {
    const s = await createScenario(project, dialect, 'autocommit')
    try {
      s.revision({ id: r0, down: null, message: 'table', imports: ['integer'], up: `  await op.createTable('a', { id: integer().primaryKey(), v: integer() })`, down_: `  await op.dropTable('a')` })
      const index = dialect === 'postgres' ? 'CREATE INDEX CONCURRENTLY ix_a_v ON a (v)' : 'CREATE INDEX ix_a_v ON a (v)'
      s.revision({
        id: r1,
        down: r0,
        message: 'autocommit',
        imports: ['integer'],
        up: `  await op.bulkInsert('a', [{ id: 1, v: 1 }])\n  await op.autocommit(async () => {\n    await op.execute('${index}')\n    await op.execute('UPDATE a SET v = v + 10')\n  })\n  await op.createTable('after_block', { id: integer() })\n  await op.execute('SELECT * FROM no_such_table')`,
      })
      s.revision({ id: r2, down: r1, message: 'later', up: `  await op.execute('SELECT * FROM missing_later')` })
      const values = async () => (await rawQuery<{ v: number | string }>(s.db, 'SELECT v FROM a ORDER BY id')).map((r) => Number(r.v))
      const failed = await s.strata(['upgrade', 'head'])
      assert.equal(failed.code, 1)
      // What ran before and inside the block was committed, with a record of it; what came after it was rolled back.
      assert.deepEqual(await ids(s, 'a'), [1])
      const tables = await userTables(s)
      assert.equal(tables.includes('after_block'), dialect === 'mysql', tables.join(','))
      if (dialect !== 'mysql') assert.match(errorLine(failed), /the database holds the effect of its first 3 statement\(s\); statement 4 did not take effect; fix the cause and rerun 'strata upgrade' to resume at statement 4/)
      assert.deepEqual(await versionRows(s.db), [r0])
      assert.deepEqual(await values(), [11])
      // Rerun before fixing it: it fails again at the same place, and still knows the block's statements are done.
      const again = await s.strata(['upgrade', 'head'])
      assert.equal(again.code, 1)
      if (dialect !== 'mysql') assert.match(errorLine(again), /the database holds the effect of its first 3 statement\(s\)/)
      assert.deepEqual(await values(), [11])
      // Fixed, the rerun resumes after the committed statements (the row is not inserted twice) and finishes r1; r2
      // fails on its own, and r1 stays done (it committed when it finished, block and all).
      await rawQuery(s.db, 'CREATE TABLE no_such_table (x integer)')
      const second = await s.strata(['upgrade', 'head'])
      assert.equal(second.code, 1, second.stdout + second.stderr)
      assert.match(errorLine(second), new RegExp(`upgrade ${r2} failed`))
      assert.deepEqual(await versionRows(s.db), [r1])
      assert.deepEqual(await ids(s, 'a'), [1])
      assert.deepEqual(await values(), [11], 'the block ran once')
      assert.ok((await userTables(s)).includes('after_block'))
      await rawQuery(s.db, 'CREATE TABLE missing_later (x integer)')
      const third = await s.strata(['upgrade', 'head'])
      assert.equal(third.code, 0, third.stdout + third.stderr)
      assert.deepEqual(await versionRows(s.db), [r2])
    } finally {
      await s.db.drop()
    }
  })

  it('verify names a file changed after it ran; upgrade refuses it unless --allow-changed; history --applied shows the steps', async () => {
    const s = await createScenario(project, dialect, 'checksums')
    try {
      const first = s.revision({ id: r0, down: null, message: 'first', imports: ['integer'], up: `  await op.createTable('v1', { id: integer().primaryKey() })`, down_: `  await op.dropTable('v1')` })
      assert.equal((await s.strata(['upgrade', 'head'])).code, 0)
      const clean = await s.strata(['verify'])
      assert.equal(clean.code, 0, clean.stdout + clean.stderr)
      appendFileSync(first, '// edited after it was applied\n')
      const dirty = await s.strata(['verify'])
      assert.equal(dirty.code, 1)
      assert.match(dirty.stdout, new RegExp(`${r0}: .*${r0}_first\\.ts changed after it was applied`))

      s.revision({ id: r1, down: r0, message: 'second', imports: ['integer'], up: `  await op.createTable('v2', { id: integer().primaryKey() })`, down_: `  await op.dropTable('v2')` })
      const refused = await s.strata(['upgrade', 'head'])
      assert.equal(refused.code, 1)
      assert.equal(refused.stderr.trim().split('\n').length, 1)
      assert.match(errorLine(refused), new RegExp(`${r0}_first\\.ts \\(${r0}\\) changed after it was applied.*--allow-changed`))
      assert.deepEqual(await versionRows(s.db), [r0], 'nothing ran')
      const allowed = await s.strata(['upgrade', 'head', '--allow-changed'])
      assert.equal(allowed.code, 0, allowed.stderr)
      assert.match(allowed.stdout, new RegExp(`Accepting the changed file of ${r0}`))
      assert.deepEqual(await versionRows(s.db), [r1])
      assert.equal((await s.strata(['verify'])).code, 0, 'the accepted content is the new reference')

      const applied = await s.strata(['history', '--applied'])
      assert.equal(applied.code, 0, applied.stderr)
      const lines = applied.stdout.trim().split('\n')
      assert.equal(lines.length, 3, applied.stdout)
      assert.match(lines[0]!, new RegExp(`upgrade\\s+${r0}\\s+done .*first`))
      assert.match(lines[1]!, new RegExp(`upgrade\\s+${r0}\\s+accepted`))
      assert.match(lines[2]!, new RegExp(`upgrade\\s+${r1}\\s+done .*second`))
      const json = JSON.parse((await s.strata(['history', '--applied', '--json'])).stdout) as Array<{ revision: string; checksum: string; status: string }>
      assert.deepEqual(
        json.map((r) => [r.revision, r.status]),
        [
          [r0, 'done'],
          [r0, 'accepted'],
          [r1, 'done'],
        ],
      )
      assert.ok(json.every((r) => /^[0-9a-f]{64}$/.test(r.checksum)))
    } finally {
      await s.db.drop()
    }
  })
})
