/**
 * Statements in flight (PostgreSQL sends a transaction's migration statements without waiting for each answer):
 * a failure is reported for the step whose statement failed, even when later steps' code already ran or threw,
 * no later step is reported as run, and the history rows of the steps that did run carry their own timings.
 */
import assert from 'node:assert/strict'
import { after, before, it } from 'node:test'
import { describeEachDialect } from '../support/databases.js'
import { rawQuery, versionRows } from '../support/inspect.js'
import type { UserProject } from '../support/project.js'
import { type Scenario, createScenario, errorLine, linkUserProject, revId } from '../support/safe-project.js'

const COUNT = 40
const FAILING = 12

/** A chain of one-table revisions; revision FAILING creates `conflict`, and the one after it throws in its code. */
function chain(s: Scenario): string[] {
  const ids: string[] = []
  for (let i = 1; i <= COUNT; i++) {
    const id = revId(i, 'c')
    const table = i === FAILING ? 'conflict' : `c${i}`
    const thrown = i === FAILING + 1 ? `\n  throw new Error('revision ${i} must not be the one reported')` : ''
    s.revision({ id, down: ids.at(-1) ?? null, message: `step ${i}`, imports: ['integer'], up: `  await op.createTable('${table}', { id: integer().primaryKey() })${thrown}`, down_: `  await op.dropTable('${table}')` })
    ids.push(id)
  }
  return ids
}

const ran = (stdout: string) => [...stdout.matchAll(/^Running upgrade .*-> (\S+),/gm)].map((m) => m[1])

describeEachDialect('statements in flight', ({ dialect }) => {
  let project: UserProject
  before(() => {
    project = linkUserProject(`in-flight-${dialect}`)
  })
  after(() => project?.remove())

  it('a failing statement is reported for its own step, even when a later step already threw', async () => {
    const s = await createScenario(project, dialect, 'fails')
    try {
      const ids = chain(s)
      assert.equal((await s.strata(['upgrade', ids[0]!])).code, 0)
      await rawQuery(s.db, 'CREATE TABLE conflict (id INTEGER)')
      const failed = await s.strata(['upgrade', 'head'])
      assert.equal(failed.code, 1, failed.stdout + failed.stderr)
      const failing = ids[FAILING - 1]!
      assert.match(errorLine(failed), new RegExp(`^upgrade ${failing} failed in createTable \\(.*conflict.*\\) at statement 1: .*already exists`, 'i'))
      assert.deepEqual(ran(failed.stdout), ids.slice(1, FAILING - 1), 'only the steps before the failing one are reported as run')
      const transactional = dialect !== 'mysql'
      assert.deepEqual(await versionRows(s.db), [transactional ? ids[0] : ids[FAILING - 2]])
      const rows = await rawQuery<{ revision: string; status: string }>(s.db, 'SELECT revision, status FROM strata_history ORDER BY id')
      assert.deepEqual(rows.at(-1), { revision: failing, status: 'failed' })
      assert.equal(rows.filter((r) => r.status === 'done').length, transactional ? 1 : FAILING - 1)
    } finally {
      await s.db.drop()
    }
  })

  it('a step failing after its op.autocommit block is reported with what the block committed, even when the next step threw first', async () => {
    const s = await createScenario(project, dialect, 'autocommit')
    try {
      const [r1, r2, r3] = [revId(1, 'd'), revId(2, 'd'), revId(3, 'd')]
      s.revision({ id: r1, down: null, message: 'table', imports: ['integer'], up: `  await op.createTable('a', { id: integer().primaryKey(), v: integer() })`, down_: `  await op.dropTable('a')` })
      const index = dialect === 'postgres' ? 'CREATE INDEX CONCURRENTLY ix_a_v ON a (v)' : 'CREATE INDEX ix_a_v ON a (v)'
      const up = `  await op.autocommit(async () => {\n    await op.execute('${index}')\n  })\n  await op.createTable('after_block', { id: integer() })\n  await op.execute('SELECT * FROM no_such_table')`
      s.revision({ id: r2, down: r1, message: 'autocommit', imports: ['integer'], up })
      s.revision({ id: r3, down: r2, message: 'throws', imports: [], up: `  throw new Error('revision 3 must not be the one reported')` })
      assert.equal((await s.strata(['upgrade', r1])).code, 0)
      const failed = await s.strata(['upgrade', 'head'])
      assert.equal(failed.code, 1, failed.stdout + failed.stderr)
      assert.match(errorLine(failed), new RegExp(`^upgrade ${r2} failed in execute .* at statement 3: SELECT \\* FROM no_such_table`))
      // The block's statement is committed and recorded: the message says so, and a rerun resumes after it.
      if (dialect !== 'mysql') assert.match(errorLine(failed), /the database holds the effect of its first 1 statement\(s\); statement 2 did not take effect; fix the cause and rerun 'strata upgrade' to resume at statement 2/)
      assert.deepEqual(await versionRows(s.db), [r1])
    } finally {
      await s.db.drop()
    }
  })

  it('every step of a successful run has its own done row, in order, with a duration', async () => {
    const s = await createScenario(project, dialect, 'timed')
    try {
      const ids = chain(s).slice(0, FAILING - 1)
      const run = await s.strata(['upgrade', ids.at(-1)!])
      assert.equal(run.code, 0, run.stderr)
      assert.deepEqual(ran(run.stdout), ids)
      const rows = await rawQuery<{ revision: string; status: string; finished_at: string; duration_ms: number | string | null }>(
        s.db,
        'SELECT revision, status, finished_at, duration_ms FROM strata_history ORDER BY id',
      )
      assert.deepEqual(
        rows.map((r) => [r.revision, r.status]),
        ids.map((id) => [id, 'done']),
      )
      for (const [i, row] of rows.entries()) {
        assert.ok(row.duration_ms !== null && Number(row.duration_ms) >= 0, `${row.revision}: duration ${row.duration_ms}`)
        if (i > 0) assert.ok(row.finished_at >= rows[i - 1]!.finished_at, `${row.revision} finished after ${rows[i - 1]!.revision}`)
      }
    } finally {
      await s.db.drop()
    }
  })
})
