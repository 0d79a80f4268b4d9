/**
 * A run killed during a statement whose effect strata cannot read from the schema (raw SQL): the next run stops
 * and asks for --resume-skip or --resume-redo, and so does every run after it until one is given. Found by a
 * tester: the first refusal was recorded as a plain failure, and the second rerun resumed without asking, running
 * the statement again. The interrupted state is built by hand (statement 2 ran, its record did not), exactly as a
 * kill between the two leaves it. And on PostgreSQL, a concurrent index build that fails after its resumed run
 * dropped the invalid index an earlier failure left: the next run starts again from that drop (it resumed past it,
 * and every rerun failed with "already exists" until --restart-step).
 */
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { after, before, it } from 'node:test'
import { describeDialect, describeEachDialect } from '../support/databases.js'
import { rawQuery, tableNames, versionRows } from '../support/inspect.js'
import type { UserProject } from '../support/project.js'
import { createScenario, errorLine, linkUserProject, revId } from '../support/safe-project.js'

describeEachDialect('an interrupted raw statement: every rerun asks until told', ({ dialect }) => {
  let project: UserProject
  before(() => {
    project = linkUserProject(`resume-choice-${dialect}`)
  })
  after(() => project?.remove())

  const [r1, r2] = [revId(1, 'c'), revId(2, 'c')]
  const lastRow = async (db: Parameters<typeof rawQuery>[0]) =>
    (await rawQuery<{ status: string; statements_done: number | string }>(db, 'SELECT status, statements_done FROM strata_history ORDER BY id DESC')).map((r) => [r.status, Number(r.statements_done)])[0]

  it('refuses on every rerun until --resume-skip, which then skips the statement that ran', async () => {
    const s = await createScenario(project, dialect, 'choice')
    try {
      s.revision({ id: r1, down: null, message: 'base', imports: ['integer'], up: `  await op.createTable('f1', { id: integer().primaryKey() })`, down_: `  await op.dropTable('f1')` })
      const file = s.revision({
        id: r2,
        down: r1,
        message: 'raw',
        extra: 'export const transaction = false\n',
        up: `  await op.execute('CREATE TABLE f2 (id INTEGER)')\n  await op.execute('CREATE TABLE f3 (id INTEGER)')\n  await op.execute('CREATE TABLE f4 (id INTEGER)')`,
        down_: `  await op.execute('DROP TABLE f4')\n  await op.execute('DROP TABLE f3')\n  await op.execute('DROP TABLE f2')`,
      })
      assert.equal((await s.strata(['upgrade', r1])).code, 0)
      // The killed run: statement 1 recorded, statement 2 ran, the process died before its record.
      await rawQuery(s.db, 'CREATE TABLE f2 (id INTEGER)')
      await rawQuery(s.db, 'CREATE TABLE f3 (id INTEGER)')
      const checksum = createHash('sha256').update(readFileSync(file)).digest('hex')
      await rawQuery(
        s.db,
        `INSERT INTO strata_history (revision, direction, checksum, message, started_at, finished_at, duration_ms, status, statements_done, error) VALUES ('${r2}', 'up', '${checksum}', 'raw', '2026-01-01T00:00:00.000Z', NULL, NULL, 'running', 1, NULL)`,
      )
      for (const attempt of [1, 2, 3]) {
        const refused = await s.strata(['upgrade', 'head'])
        assert.equal(refused.code, 1, `attempt ${attempt}: ${refused.stdout}${refused.stderr}`)
        assert.equal(refused.stderr.trim().split('\n').length, 1, refused.stderr)
        assert.match(errorLine(refused), /stopped during statement 2 \(execute: CREATE TABLE f3 .*cannot tell from the schema whether it took effect.*--resume-skip if it did or --resume-redo if it did not/)
        assert.doesNotMatch(errorLine(refused), /did not take effect/, 'no claim the refusal cannot make')
        assert.deepEqual(await lastRow(s.db), ['interrupted', 1], `attempt ${attempt}: the record still says interrupted`)
        assert.deepEqual(await versionRows(s.db), [r1])
      }
      assert.equal((await s.strata(['current'])).stderr.includes(`upgrade ${r2} was interrupted after 1 statement(s)`), true)
      const skipped = await s.strata(['upgrade', 'head', '--resume-skip'])
      assert.equal(skipped.code, 0, skipped.stdout + skipped.stderr)
      assert.match(skipped.stdout, /Statement 2 of the interrupted step: assumed done \(--resume-skip\)/)
      assert.deepEqual(await versionRows(s.db), [r2])
      assert.deepEqual((await tableNames(s.db)).filter((t) => /^f\d$/.test(t)).sort(), ['f1', 'f2', 'f3', 'f4'])
      assert.deepEqual(await lastRow(s.db), ['done', 3])
    } finally {
      await s.db.drop()
    }
  })
})

describeDialect('postgres', 'a concurrent index build failing twice: the next run drops the invalid index again', () => {
  let project: UserProject
  before(() => {
    project = linkUserProject('resume-cic')
  })
  after(() => project?.remove())

  it('resumes from the drop, builds the index, and leaves no invalid index', async () => {
    const s = await createScenario(project, 'postgres', 'cic')
    const [c1, c2] = [revId(1, 'd'), revId(2, 'd')]
    const invalid = async () => (await rawQuery<{ valid: boolean }>(s.db, "SELECT i.indisvalid AS valid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = 'ix_t_a'")).map((r) => r.valid)
    try {
      s.revision({ id: c1, down: null, message: 'table', imports: ['integer'], up: `  await op.createTable('t', { id: integer().primaryKey(), a: integer() })`, down_: `  await op.dropTable('t')` })
      s.revision({
        id: c2,
        down: c1,
        message: 'unique online',
        up: `  await op.autocommit(async () => {\n    await op.createIndex('ix_t_a', 't', ['a'], { unique: true, online: true })\n  })`,
        down_: `  await op.dropIndex('ix_t_a', 't')`,
      })
      assert.equal((await s.strata(['upgrade', c1])).code, 0)
      await rawQuery(s.db, 'INSERT INTO t (id, a) VALUES (1, 7), (2, 7), (3, 8)')
      // Fails on the duplicate, leaving an invalid index; the rerun drops it, builds again, fails again.
      for (const attempt of [1, 2]) {
        const failed = await s.strata(['upgrade', 'head'])
        assert.equal(failed.code, 1, `attempt ${attempt}: ${failed.stdout}${failed.stderr}`)
        assert.match(failed.stderr, /could not create unique index "ix_t_a"/)
        assert.deepEqual(await invalid(), [false], `attempt ${attempt}: an invalid index is left`)
      }
      await rawQuery(s.db, 'DELETE FROM t WHERE id = 2')
      const fixed = await s.strata(['upgrade', 'head'])
      assert.equal(fixed.code, 0, fixed.stdout + fixed.stderr)
      assert.deepEqual(await invalid(), [true])
      assert.deepEqual(await versionRows(s.db), [c2])
      assert.equal((await s.strata(['check'])).stderr, '')
    } finally {
      await s.db.drop()
    }
  })
})

