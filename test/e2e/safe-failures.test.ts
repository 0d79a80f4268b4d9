/**
 * Failing migrations: what the error says, what the database keeps (nothing since the last commit on PostgreSQL
 * and SQLite; an exact record on MySQL), and resuming a MySQL step after the cause is fixed — with the file
 * unchanged (resume at the first statement not done) or changed (refused unless --restart-step).
 */
import assert from 'node:assert/strict'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { after, before, it } from 'node:test'
import { describeEachDialect } from '../support/databases.js'
import { rawQuery, tableNames, versionRows } from '../support/inspect.js'
import type { UserProject } from '../support/project.js'
import { type Scenario, createScenario, errorLine, linkUserProject, revId } from '../support/safe-project.js'

interface HistoryRecord {
  revision: string
  direction: string
  status: string
  statements_done: number | string
  error: string | null
}

const history = (s: Scenario) =>
  rawQuery<HistoryRecord>(s.db, 'SELECT revision, direction, status, statements_done, error FROM strata_history ORDER BY id').then((rows) =>
    rows.map((r) => ({ ...r, statements_done: Number(r.statements_done) })),
  )
const userTables = async (s: Scenario) => (await tableNames(s.db)).filter((t) => !t.startsWith('strata_'))
const count = async (s: Scenario, table: string) => Number(Object.values((await rawQuery(s.db, `SELECT COUNT(*) AS n FROM ${table}`))[0]!)[0])

describeEachDialect('safe runs: a migration failing in its third statement', ({ dialect }) => {
  let project: UserProject
  before(() => {
    project = linkUserProject(`fail-${dialect}`)
  })
  after(() => project?.remove())

  const [r1, r2, r3] = [revId(1, 'b'), revId(2, 'b'), revId(3, 'b')]
  const third = (s: Scenario) => {
    s.revision({ id: r1, down: null, message: 'base table', imports: ['integer'], up: `  await op.createTable('f1', { id: integer().primaryKey() })`, down_: `  await op.dropTable('f1')` })
    s.revision({ id: r2, down: r1, message: 'second', imports: ['integer'], up: `  await op.createTable('f2', { id: integer().primaryKey() })`, down_: `  await op.dropTable('f2')` })
    return s.revision({
      id: r3,
      down: r2,
      message: 'third fails',
      imports: ['integer', 'varchar'],
      up: [
        `  await op.createTable('f3', { id: integer().primaryKey(), name: varchar({ length: 20 }) })`,
        `  await op.bulkInsert('f3', [{ id: 1, name: 'one' }, { id: 2, name: 'two' }])`,
        `  await op.createTable('conflict', { id: integer().primaryKey() })`,
        `  await op.addColumn('f1', 'extra', integer())`,
      ].join('\n'),
      down_: `  await op.dropColumn('f1', 'extra')\n  await op.dropTable('conflict')\n  await op.dropTable('f3')`,
    })
  }

  it('the error names the revision, the operation, the statement and the database message; the database keeps only what was committed', async () => {
    const s = await createScenario(project, dialect, 'third')
    try {
      third(s)
      assert.equal((await s.strata(['upgrade', r1])).code, 0)
      // The cause: a table made by hand, in the way of the third statement.
      await rawQuery(s.db, 'CREATE TABLE conflict (id INTEGER)')
      const failed = await s.strata(['upgrade', 'head'])
      assert.equal(failed.code, 1, failed.stdout + failed.stderr)
      assert.equal(failed.stderr.trim().split('\n').length, 1, failed.stderr)
      assert.doesNotMatch(failed.stderr, /\n\s+at /)
      const line = errorLine(failed)
      assert.match(line, new RegExp(`^upgrade ${r3} failed in createTable \\(.*conflict.*\\) at statement 3: CREATE TABLE [\`"]?conflict[\`"]? .*: .*already exists`, 'i'))
      if (dialect === 'mysql') {
        // MySQL committed the second revision and the first two statements of the third; the history says so.
        assert.deepEqual(await versionRows(s.db), [r2])
        assert.deepEqual(await userTables(s), ['conflict', 'f1', 'f2', 'f3'])
        assert.equal(await count(s, 'f3'), 2)
        const last = (await history(s)).at(-1)!
        assert.deepEqual([last.revision, last.status, last.statements_done], [r3, 'failed', 2])
        assert.match(last.error ?? '', /already exists/)
        assert.match(line, /holds the effect of its first 2 statement\(s\).*resume at statement 3/)
      } else {
        // Rolled back to the last commit: the first run's state.
        assert.deepEqual(await versionRows(s.db), [r1])
        assert.deepEqual(await userTables(s), ['conflict', 'f1'])
        assert.match(line, /rolled back; the database is as it was before this run/)
        assert.deepEqual(
          (await history(s)).map((h) => [h.revision, h.status]),
          [
            [r1, 'done'],
            [r3, 'failed'],
          ],
        )
      }
      // `current` (and `check`, whose differences are that step's) say where the step stopped, on stderr.
      const shown = await s.strata(['current'])
      assert.equal(shown.code, 0, shown.stderr)
      assert.equal(shown.stdout.trim(), dialect === 'mysql' ? `${r2}` : `${r1}`)
      const behind = await s.strata(['check', '--allow-behind'])
      if (dialect === 'mysql') {
        const note = `note: upgrade ${r3} failed after 2 statement\\(s\\): the database holds the effect of its first 2 statement\\(s\\); 'strata upgrade' resumes it`
        assert.match(shown.stderr, new RegExp(`^${note}`))
        assert.equal(behind.code, 1, behind.stdout + behind.stderr)
        assert.match(behind.stderr, new RegExp(`^${note}`, 'm'))
      } else assert.equal(shown.stderr, '')
      // The user removes the cause; the file is unchanged.
      await rawQuery(s.db, 'DROP TABLE conflict')
      const fixed = await s.strata(['upgrade', 'head'])
      assert.equal(fixed.code, 0, fixed.stderr)
      if (dialect === 'mysql') {
        assert.match(fixed.stdout, new RegExp(`Revision ${r3} failed after 2 statement\\(s\\) last time; resuming at statement 3`))
        assert.doesNotMatch(fixed.stdout, /Running upgrade .* -> b0+2/, 'the second revision is not run again')
      }
      assert.deepEqual(await versionRows(s.db), [r3])
      assert.equal(await count(s, 'f3'), 2, 'the rows were inserted once')
      const done = (await history(s)).filter((h) => h.status === 'done').map((h) => h.revision)
      assert.deepEqual(done, [r1, r2, r3])
      assert.equal((await s.strata(['current'])).stderr, '', 'nothing left part-way')
    } finally {
      await s.db.drop()
    }
  })

  it('a downgrade left part-way: upgrade refuses instead of saying "already at head"; stamp settles it after a manual repair', async () => {
    const s = await createScenario(project, dialect, 'half_down')
    try {
      s.revision({ id: r1, down: null, message: 'base table', imports: ['integer'], up: `  await op.createTable('f1', { id: integer().primaryKey(), a: integer() })`, down_: `  await op.dropTable('f1')` })
      s.revision({
        id: r2,
        down: r1,
        message: 'index',
        imports: [],
        up: `  await op.createIndex('ix_f1_a', 'f1', ['a'])`,
        down_: `  await op.dropIndex('ix_f1_a', 'f1')\n  await op.execute('INSERT INTO not_there VALUES (1)')`,
      })
      assert.equal((await s.strata(['upgrade', 'head'])).code, 0)
      assert.equal((await s.strata(['downgrade', '-1'])).code, 1)
      const upgrade = await s.strata(['upgrade', 'head'])
      if (dialect !== 'mysql') {
        // Rolled back: nothing is left part-way.
        assert.equal(upgrade.code, 0, upgrade.stderr)
        assert.match(upgrade.stdout, /Already at head/)
        return
      }
      // MySQL kept the dropped index: the database is not at head, whatever the version row says.
      assert.equal(upgrade.code, 1, upgrade.stdout)
      assert.equal(upgrade.stderr.trim().split('\n').length, 1, upgrade.stderr)
      assert.match(
        errorLine(upgrade),
        new RegExp(`^downgrade ${r2} failed after 1 statement\\(s\\) last time and the database holds their effect, but this run would do nothing: finish that step first \\('strata downgrade -1' resumes it\\), or undo its statements by hand and settle it with 'strata stamp`),
      )
      assert.doesNotMatch(upgrade.stdout, /Already at head/)
      // Going elsewhere is refused too, before anything runs.
      const elsewhere = await s.strata(['downgrade', 'base'])
      assert.equal(elsewhere.code, 1)
      assert.deepEqual(await userTables(s), ['f1'])
      // The user re-creates the index by hand and says where the database is.
      await rawQuery(s.db, 'CREATE INDEX ix_f1_a ON f1 (a)')
      assert.equal((await s.strata(['stamp', r2])).code, 0)
      const settled = await s.strata(['upgrade', 'head'])
      assert.equal(settled.code, 0, settled.stderr)
      assert.match(settled.stdout, /Already at head/)
      assert.equal((await s.strata(['current'])).stderr, '')
      assert.deepEqual((await history(s)).slice(-2).map((h) => [h.revision, h.direction, h.status]), [[r2, 'down', 'failed'], [r2, 'down', 'accepted']])
    } finally {
      await s.db.drop()
    }
  })

  it('a step that stopped part-way and whose file changed since is refused, unless --restart-step after a manual undo', async () => {
    const s = await createScenario(project, dialect, 'changed')
    try {
      const file = third(s)
      assert.equal((await s.strata(['upgrade', r2])).code, 0)
      await rawQuery(s.db, 'CREATE TABLE conflict (id INTEGER)')
      assert.equal((await s.strata(['upgrade', 'head'])).code, 1)
      // The user edits the file: the third statement now makes another table.
      writeFileSync(file, readFileSync(file, 'utf8').replace("op.createTable('conflict'", "op.createTable('conflict2'"))
      const before = { versions: await versionRows(s.db), tables: await userTables(s) }
      const refused = await s.strata(['upgrade', 'head'])
      if (dialect === 'mysql') {
        assert.equal(refused.code, 1, refused.stdout)
        assert.equal(refused.stderr.trim().split('\n').length, 1, refused.stderr)
        assert.match(errorLine(refused), new RegExp(`revision ${r3} failed after 2 statement\\(s\\) last time and its file .*${r3}_third_fails\\.ts has changed since.*--restart-step`))
        assert.deepEqual({ versions: await versionRows(s.db), tables: await userTables(s) }, before, 'nothing changed')
        // The user undoes the two statements that ran, then redoes the step from its start.
        await rawQuery(s.db, 'DROP TABLE f3')
        const restarted = await s.strata(['upgrade', 'head', '--restart-step'])
        assert.equal(restarted.code, 0, restarted.stderr)
        assert.match(restarted.stdout, /restarting it from its first statement/)
      } else {
        // Nothing of the failed step stayed, so there is nothing to resume: the changed file simply runs.
        assert.equal(refused.code, 0, refused.stderr)
      }
      assert.deepEqual(await versionRows(s.db), [r3])
      assert.deepEqual(await userTables(s), ['conflict', 'conflict2', 'f1', 'f2', 'f3'])
      assert.equal(await count(s, 'f3'), 2)
    } finally {
      await s.db.drop()
    }
  })

  it('a migration that throws (not SQL) names the file and line; nothing of the run stays where DDL is transactional', async () => {
    const s = await createScenario(project, dialect, 'throws')
    try {
      s.revision({ id: r1, down: null, message: 'fine', imports: ['integer'], up: `  await op.createTable('t1', { id: integer().primaryKey() })`, down_: `  await op.dropTable('t1')` })
      const thrower = s.revision({
        id: r2,
        down: r1,
        message: 'throws',
        up: `  const rows: Array<{ n: number }> = []\n  if (rows.length === 0) throw new Error('no rows to migrate')`,
      })
      const failed = await s.strata(['upgrade', 'head'])
      assert.equal(failed.code, 1)
      assert.equal(failed.stderr.trim().split('\n').length, 1, failed.stderr)
      const line = readFileSync(thrower, 'utf8').split('\n').findIndex((l) => l.includes('throw new Error')) + 1
      assert.match(errorLine(failed), new RegExp(`^upgrade ${r2} \\(.*${r2}_throws\\.ts:${line}\\) failed: no rows to migrate`))
      if (dialect === 'mysql') assert.deepEqual(await versionRows(s.db), [r1])
      // The run created the SQLite file and wrote nothing that stayed: the file is gone too.
      else if (dialect === 'sqlite') assert.ok(!existsSync(s.db.file!), 'not even the database file')
      else {
        assert.deepEqual(await userTables(s), [])
        assert.equal(await versionRows(s.db), null, "not even strata's tables")
      }
      const verbose = await s.strata(['upgrade', 'head', '--verbose'])
      assert.equal(verbose.code, 1)
      assert.match(verbose.stderr, /\n\s+at /, '--verbose shows the stack')
    } finally {
      await s.db.drop()
    }
  })
})
