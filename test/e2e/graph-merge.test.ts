/**
 * Issue 3, a merged history through the `strata` binary on every dialect:
 *
 *   a → b → c1 → d1 ↘
 *        ↘ c2 → d2 → e (merge, made with `strata merge d1 d2`) → f
 *
 * Upgrading from b to f ends with the single row {f}, the merge step deleting one branch row and updating the
 * other; downgrading from f to b goes back through the two-row state {d1, d2} to {b}. Online runs are checked
 * through the version rows and t_<rev> tables; the statement-level row moves through the offline (`--sql`) script.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { describeEachDialect } from '../support/databases.js'
import { GraphDatabase, addRevision, createLinkedProject, ok, versionRowsThroughScript } from '../support/graph-project.js'
import type { UserProject } from '../support/project.js'

let project: UserProject

describe('graph: building a merged history through the CLI', () => {
  it('strata merge d1 d2 -m merge writes a revision with both parents; f goes on top', async () => {
    project = createLinkedProject('graph-merge')
    await addRevision(project, 'a')
    await addRevision(project, 'b')
    await addRevision(project, 'c1', ['--branch-label', 'one'])
    await addRevision(project, 'd1')
    await addRevision(project, 'c2', ['--head', 'b', '--splice', '--branch-label', 'two'])
    await addRevision(project, 'd2', ['--head', 'c2'])
    await addRevision(project, 'e', [], ['d1', 'd2'])
    await addRevision(project, 'f')
    const [e] = JSON.parse(await ok(project, ['show', 'e', '--json'])) as Array<{ downRevision: string[]; message: string; children: string[] }>
    assert.deepEqual(e!.downRevision, ['d1', 'd2'])
    assert.equal(e!.message, 'merge e')
    assert.deepEqual(e!.children, ['f'])
    const heads = JSON.parse(await ok(project, ['heads', '--json'])) as Array<{ revision: string }>
    assert.deepEqual(
      heads.map((h) => h.revision),
      ['f'],
    )
  })
})

after(() => project?.remove())

describeEachDialect('graph: merged (c1 → d1 | c2 → d2) → e → f', ({ db }) => {
  let g: GraphDatabase
  before(() => {
    g = new GraphDatabase(project, db)
  })
  const all = ['a', 'b', 'c1', 'd1', 'c2', 'd2', 'e', 'f']

  it('upgrade from b to f runs both branches, the merge, then f; one row {f}', async () => {
    assert.deepEqual(await g.run(['upgrade', 'b']), ['a', 'b'])
    await g.expectState(['b'], ['a', 'b'])
    const steps = await g.run(['upgrade', 'f'])
    assert.deepEqual([...steps.slice(0, 4)].sort(), ['c1', 'c2', 'd1', 'd2'])
    assert.deepEqual(steps.slice(4), ['e', 'f'])
    await g.expectState(['f'], all)
    assert.deepEqual((await g.currentJson()).versions, ['f'])
  })

  it('the merge step deletes one branch row and updates the other (offline script from b)', async () => {
    const script = await g.ok(['upgrade', '--sql', 'b:f'])
    const states = versionRowsThroughScript(script, ['b'])
    assert.equal(states.length, 6, script)
    assert.deepEqual(states[3], ['d1', 'd2'], 'both branch heads are rows before the merge')
    assert.deepEqual(states[4], ['e'])
    assert.deepEqual(states[5], ['f'])
    const mergeStep = script.slice(script.indexOf('-- Running upgrade d1, d2 -> e'), script.indexOf('-- Running upgrade e -> f'))
    const versionStatements = mergeStep.split('\n').filter((line) => /strata_version/.test(line))
    assert.equal(versionStatements.length, 2, mergeStep)
    assert.match(versionStatements[0]!, /^DELETE FROM \W?strata_version\W? WHERE version_num = 'd[12]'/)
    assert.match(versionStatements[1]!, /^UPDATE \W?strata_version\W? SET version_num = 'e' WHERE version_num = 'd[12]'/)
  })

  it('downgrade from f to b goes through the two-row state {d1, d2} and restores {b}', async () => {
    assert.deepEqual(await g.run(['downgrade', '-1']), ['f'])
    await g.expectState(['e'], ['a', 'b', 'c1', 'd1', 'c2', 'd2', 'e'])
    await g.fails(['downgrade', '-1'], /Can't walk down from e: it merges d1, d2/)
    assert.deepEqual(await g.run(['downgrade', 'd1']), ['e'])
    await g.expectState(['d1', 'd2'], ['a', 'b', 'c1', 'd1', 'c2', 'd2'])
    const steps = await g.run(['downgrade', 'b'])
    assert.deepEqual([...steps].sort(), ['c1', 'c2', 'd1', 'd2'])
    await g.expectState(['b'], ['a', 'b'])
  })

  it('in one run from f to b: the script passes through {e} and {d1, d2}; the database ends at {b}', async () => {
    const up = await g.run(['upgrade', 'heads'])
    assert.deepEqual([...up].sort(), ['c1', 'c2', 'd1', 'd2', 'e', 'f'])
    await g.expectState(['f'], all)
    const script = await g.ok(['downgrade', '--sql', 'f:b'])
    const states = versionRowsThroughScript(script, ['f'])
    assert.equal(states.length, 6, script)
    assert.deepEqual(states.slice(0, 2), [['e'], ['d1', 'd2']])
    assert.deepEqual(states[5], ['b'])
    const down = await g.run(['downgrade', 'b'])
    assert.deepEqual(down.slice(0, 2), ['f', 'e'])
    assert.deepEqual([...down.slice(2)].sort(), ['c1', 'c2', 'd1', 'd2'])
    await g.expectState(['b'], ['a', 'b'])
  })
})
