/**
 * Tampering with applied revision files is caught by `strata verify`: an edited file, a deleted file (the current
 * head's, so that the graph still loads), and a file whose revision id was changed. Each is one line on stdout,
 * exit 1, and an entry in `--json`; the database itself is untouched by verify.
 */
import assert from 'node:assert/strict'
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { after, before, it } from 'node:test'
import { describeEachDialect } from '../support/databases.js'
import { rawQuery, versionRows } from '../support/inspect.js'
import type { UserProject } from '../support/project.js'
import { type Scenario, createScenario, linkUserProject, revId } from '../support/safe-project.js'

interface VerifyJson {
  ok: boolean
  problems: Array<{ code: string; revision: string; path?: string; message: string }>
}

describeEachDialect('faults: verify catches tampered revision files', ({ dialect }) => {
  let project: UserProject
  before(() => {
    project = linkUserProject(`tamper-${dialect}`)
  })
  after(() => project?.remove())

  const [r1, r2] = [revId(1, 'fa1'), revId(2, 'fa2')]

  /** Two applied revisions, each inserting a row (so the data shows they ran exactly once). */
  async function applied(label: string): Promise<{ s: Scenario; first: string; second: string }> {
    const s = await createScenario(project, dialect, label)
    const first = s.revision({ id: r1, down: null, message: 'one', imports: ['integer'], up: `  await op.createTable('t', { id: integer().primaryKey() })\n  await op.bulkInsert('t', [{ id: 1 }])`, down_: `  await op.dropTable('t')` })
    const second = s.revision({ id: r2, down: r1, message: 'two', up: `  await op.bulkInsert('t', [{ id: 2 }])`, down_: `  await op.execute('DELETE FROM t WHERE id = 2')` })
    const upgrade = await s.strata(['upgrade', 'head'])
    assert.equal(upgrade.code, 0, upgrade.stderr)
    const clean = await s.strata(['verify'])
    assert.equal(clean.code, 0, clean.stdout + clean.stderr)
    assert.match(clean.stdout, /All applied revision files are present and match/)
    return { s, first, second }
  }

  /** `body` on a fresh scenario with both revisions applied; its database is dropped afterwards. */
  async function withApplied(label: string, body: (scenario: { s: Scenario; first: string; second: string }) => Promise<void>): Promise<void> {
    const scenario = await applied(label)
    try {
      await body(scenario)
    } finally {
      await scenario.s.db.drop()
    }
  }

  async function rows(s: Scenario): Promise<number[]> {
    return (await rawQuery<{ id: number | string }>(s.db, 'SELECT id FROM t ORDER BY id')).map((r) => Number(r.id))
  }

  /** verify fails with exactly the expected lines, and --json carries the same problems. */
  async function verifyFails(s: Scenario, expected: Array<{ code: string; revision: string; line: RegExp }>): Promise<void> {
    const result = await s.strata(['verify'])
    assert.equal(result.code, 1, result.stdout + result.stderr)
    assert.equal(result.stderr, '')
    const lines = result.stdout.trim().split('\n')
    assert.equal(lines.length, expected.length, result.stdout)
    expected.forEach((e, i) => assert.match(lines[i]!, e.line))
    const json = await s.strata(['verify', '--json'])
    assert.equal(json.code, 1)
    const parsed = JSON.parse(json.stdout) as VerifyJson
    assert.equal(parsed.ok, false)
    assert.deepEqual(
      parsed.problems.map((p) => [p.code, p.revision]),
      expected.map((e) => [e.code, e.revision]),
    )
    assert.deepEqual(parsed.problems.map((p) => p.message), lines)
  }

  it('an applied file that was edited', async () => {
    await withApplied('edited', async ({ s, first }) => {
      writeFileSync(first, readFileSync(first, 'utf8').replace('[{ id: 1 }]', '[{ id: 1 }, { id: 3 }]'))
      await verifyFails(s, [{ code: 'changed-file', revision: r1, line: new RegExp(`^${r1}: .*${r1}_one\\.ts changed after it was applied$`) }])
      assert.deepEqual(await rows(s), [1, 2])
    })
  })

  it("the current revision's file was deleted", async () => {
    await withApplied('deleted', async ({ s, second }) => {
      rmSync(second)
      await verifyFails(s, [{ code: 'missing-file', revision: r2, line: new RegExp(`^${r2}: applied, but no revision file defines it any more`) }])
      assert.deepEqual(await versionRows(s.db), [r2])
      assert.deepEqual(await rows(s), [1, 2])
    })
  })

  it('the revision id in an applied file was changed (same path)', async () => {
    await withApplied('renamed-id', async ({ s, second }) => {
      const other = revId(9, 'fa9')
      writeFileSync(second, readFileSync(second, 'utf8').replaceAll(r2, other))
      await verifyFails(s, [{ code: 'changed-id', revision: r2, line: new RegExp(`^${r2}: .*${r2}_two\\.ts now declares revision '${other}', but '${r2}' was applied`) }])
      // The file renamed along with its id: no file carries the old id any more.
      renameSync(second, second.replace(r2, other))
      await verifyFails(s, [{ code: 'missing-file', revision: r2, line: new RegExp(`^${r2}: applied, but no revision file defines it any more`) }])
      assert.deepEqual(await rows(s), [1, 2])
    })
  })

  it('a file below the current revision deleted: the graph no longer loads, verify fails with one line', async () => {
    await withApplied('deleted-below', async ({ s, first }) => {
      rmSync(first)
      const result = await s.strata(['verify'])
      assert.equal(result.code, 1)
      assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr)
      assert.match(result.stderr, new RegExp(`revises '${r1}', which no file in .* defines`))
      const json = await s.strata(['verify', '--json'])
      assert.equal(json.code, 1)
      assert.equal((JSON.parse(json.stdout) as { error: { code: string } }).error.code, 'graph')
    })
  })
})
