/**
 * Issue 16: a fresh PostgreSQL database built from a 5,000-revision history on the server's default settings. One
 * transaction for the whole run would outgrow the shared lock table (max_locks_per_transaction × connections);
 * strata commits at step boundaries before it does, says so, and reaches head. Not a timing test.
 */
import assert from 'node:assert/strict'
import { after, before, it } from 'node:test'
import { describeEachDialect } from '../support/databases.js'
import { rawQuery, versionRows } from '../support/inspect.js'
import type { UserProject } from '../support/project.js'
import { createScenario, linkUserProject, revId } from '../support/safe-project.js'

const REVISIONS = 5000

describeEachDialect('a 5,000-revision history on stock PostgreSQL', ({ dialect }) => {
  let project: UserProject
  before(() => {
    project = linkUserProject(`long-${dialect}`)
  })
  after(() => project?.remove())

  it('reaches head in the default transaction mode, committing in several steps, each one atomic', async (t) => {
    if (dialect !== 'postgres') return t.skip('the lock-table limit is PostgreSQL\'s')
    const s = await createScenario(project, dialect, 'long')
    try {
      const [settings] = await rawQuery<{ per: string; conns: string }>(s.db, `SELECT current_setting('max_locks_per_transaction') AS per, current_setting('max_connections') AS conns`)
      // One CREATE TABLE with a primary key holds 2+ relation locks; 5,000 of them outgrow the table on these settings.
      assert.ok(Number(settings!.per) * Number(settings!.conns) < REVISIONS * 2, `the server's lock table (${settings!.per} × ${settings!.conns}) is larger than this test assumes`)
      let down: string | null = null
      for (let i = 0; i < REVISIONS; i++) {
        const id = revId(i, 'p')
        s.revision({ id, down, message: `t${i}`, imports: ['integer'], up: `  await op.createTable('t${i}', { id: integer().primaryKey() })`, down_: `  await op.dropTable('t${i}')` })
        down = id
      }
      const run = await s.strata(['upgrade', 'head'])
      assert.equal(run.code, 0, run.stderr.slice(0, 2000))
      assert.match(run.stdout, /Committing after p[0-9a-f]+: one transaction would outgrow PostgreSQL's lock table/)
      assert.deepEqual(await versionRows(s.db), [down])
      const [tables] = await rawQuery<{ n: string }>(s.db, `SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = current_schema() AND table_name LIKE 't%'`)
      assert.equal(Number(tables!.n), REVISIONS)
      const [done] = await rawQuery<{ n: string }>(s.db, `SELECT COUNT(*) AS n FROM strata_history WHERE status = 'done'`)
      assert.equal(Number(done!.n), REVISIONS)
    } finally {
      await s.db.drop()
    }
  })
}, { needsServer: 'stock PostgreSQL' })
