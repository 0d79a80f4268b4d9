/**
 * Issue 3, a branched history through the `strata` binary on every dialect:
 *
 *   a → b → c1 → d1   (label one on c1)
 *        ↘ c2 → d2   (label two on c2)
 *
 * Files are made with `revision --head/--splice/--branch-label`; then `upgrade heads`, label targets
 * (`two@head-1`, `two@+1`, `one@-1`, `two@base+2`), ambiguity errors and `stamp`, checking the version rows and the
 * t_<rev> tables after every step.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { describeEachDialect } from '../support/databases.js'
import { GraphDatabase, addRevision, createLinkedProject, fails, ok } from '../support/graph-project.js'
import type { UserProject } from '../support/project.js'

let project: UserProject

describe('graph: building a branched history through the CLI', () => {
  it('revision --splice and --branch-label start a branch; --head is required once there are several heads', async () => {
    project = createLinkedProject('graph-branches')
    await addRevision(project, 'a')
    await addRevision(project, 'b')
    await addRevision(project, 'c1', ['--branch-label', 'one'])
    await addRevision(project, 'd1')
    await fails(project, ['revision', '--rev-id', 'c2', '-m', 'c2', '--head', 'b'], /revision b is not a head; pass --splice/)
    await addRevision(project, 'c2', ['--head', 'b', '--splice', '--branch-label', 'two'])
    await fails(project, ['revision', '--rev-id', 'd2', '-m', 'd2'], /several heads \(c2, d1\): pass --head/)
    await fails(project, ['revision', '--rev-id', 'd2', '-m', 'd2', '--head', 'head'], /Multiple heads are present for given argument 'head': (c2, d1|d1, c2)/)
    await fails(project, ['revision', '--rev-id', 'x', '-m', 'x', '--head', 'd1', '--branch-label', 'two'], /branch label 'two' is already used/)
    await addRevision(project, 'd2', ['--head', 'two@head'])
    const heads = JSON.parse(await ok(project, ['heads', '--json'])) as Array<{ revision: string; branchLabels: string[]; isEffectiveHead: boolean }>
    assert.deepEqual(
      heads.map((h) => [h.revision, h.branchLabels, h.isEffectiveHead]),
      [
        ['d1', ['one'], false],
        ['d2', ['two'], false],
      ],
    )
  })
})

after(() => project?.remove())

/** True when each branch's revisions run one after the other (c1 right before d1, c2 right before d2). */
function branchesCompletedInTurn(steps: string[], pairs: Array<[string, string]>): boolean {
  return pairs.every(([first, second]) => Math.abs(steps.indexOf(first) - steps.indexOf(second)) === 1)
}

describeEachDialect('graph: branched a → b → (c1 → d1 | c2 → d2)', ({ db }) => {
  let g: GraphDatabase
  before(() => {
    g = new GraphDatabase(project, db)
  })
  const all = ['a', 'b', 'c1', 'd1', 'c2', 'd2']

  it('upgrade heads from a runs every revision once, each branch completed in turn; rows {d1, d2}', async () => {
    assert.deepEqual(await g.run(['upgrade', 'a']), ['a'])
    await g.expectState(['a'], ['a'])
    const steps = await g.run(['upgrade', 'heads'])
    assert.equal(steps[0], 'b')
    assert.deepEqual([...steps].sort(), ['b', 'c1', 'c2', 'd1', 'd2'])
    assert.ok(branchesCompletedInTurn(steps, [['c1', 'd1'], ['c2', 'd2']]), steps.join(' '))
    assert.ok(steps.indexOf('c1') < steps.indexOf('d1') && steps.indexOf('c2') < steps.indexOf('d2'), steps.join(' '))
    await g.expectState(['d1', 'd2'], all)
    assert.deepEqual((await g.currentJson()).versions.sort(), ['d1', 'd2'])
  })

  it('head and -1 are ambiguous with two heads / two current revisions', async () => {
    await g.fails(['upgrade', 'head'], /Multiple heads are present for given argument 'head': d1, d2/)
    await g.fails(['downgrade', '-1'], /downgrade -1 is ambiguous from several current revisions \((d1, d2|d2, d1)\)/)
    await g.expectState(['d1', 'd2'], all)
  })

  it('downgrade b from (d1, d2) runs both branches down and leaves {b}', async () => {
    const steps = await g.run(['downgrade', 'b'])
    assert.deepEqual([...steps].sort(), ['c1', 'c2', 'd1', 'd2'])
    assert.ok(steps.indexOf('d1') < steps.indexOf('c1') && steps.indexOf('d2') < steps.indexOf('c2'), steps.join(' '))
    assert.ok(branchesCompletedInTurn(steps, [['d1', 'c1'], ['d2', 'c2']]), steps.join(' '))
    await g.expectState(['b'], ['a', 'b'])
  })

  it('two@head-1 from b runs c2', async () => {
    assert.deepEqual(await g.run(['upgrade', 'two@head-1']), ['c2'])
    await g.expectState(['c2'], ['a', 'b', 'c2'])
  })

  it('two@+1 from c1 runs c2; rows {c1, c2}', async () => {
    assert.deepEqual(await g.run(['downgrade', 'two@-1']), ['c2'])
    await g.expectState(['b'], ['a', 'b'])
    assert.deepEqual(await g.run(['upgrade', 'one@+1']), ['c1'])
    await g.expectState(['c1'], ['a', 'b', 'c1'])
    assert.deepEqual(await g.run(['upgrade', 'two@+1']), ['c2'])
    await g.expectState(['c1', 'c2'], ['a', 'b', 'c1', 'c2'])
  })

  it('+1 from (c1, c2) is ambiguous and changes nothing', async () => {
    await g.fails(['upgrade', '+1'], /Ambiguous upgrade from multiple current revisions \((c1, c2|c2, c1)\)/)
    await g.expectState(['c1', 'c2'], ['a', 'b', 'c1', 'c2'])
  })

  it('downgrade one@-1 from (d1, d2) runs d1', async () => {
    assert.deepEqual([...await g.run(['upgrade', 'heads'])].sort(), ['d1', 'd2'])
    await g.expectState(['d1', 'd2'], all)
    assert.deepEqual(await g.run(['downgrade', 'one@-1']), ['d1'])
    await g.expectState(['c1', 'd2'], ['a', 'b', 'c1', 'c2', 'd2'])
  })

  it('downgrade two@base+2 takes branch two down to b and leaves branch one untouched', async () => {
    assert.deepEqual(await g.run(['upgrade', 'one@head']), ['d1'])
    await g.expectState(['d1', 'd2'], all)
    assert.deepEqual(await g.run(['downgrade', 'two@base+2']), ['d2', 'c2'])
    await g.expectState(['d1'], ['a', 'b', 'c1', 'd1'])
  })

  it('stamping b from (d1, c2) leaves {b} and runs nothing', async () => {
    assert.deepEqual(await g.run(['upgrade', 'two@+1']), ['c2'])
    await g.expectState(['c2', 'd1'], ['a', 'b', 'c1', 'd1', 'c2'])
    const stdout = await g.ok(['stamp', 'b'])
    assert.doesNotMatch(stdout, /Running/)
    await g.expectState(['b'], ['a', 'b', 'c1', 'd1', 'c2'])
  })

  it('stamp several revisions, stamp heads, stamp --purge, stamp base', async () => {
    await g.ok(['stamp', 'd1', 'c2'])
    await g.expectState(['c2', 'd1'], ['a', 'b', 'c1', 'd1', 'c2'])
    await g.ok(['stamp', 'heads'])
    assert.deepEqual(await g.rows(), ['d1', 'd2'])
    await g.ok(['stamp', '--purge', 'c1'])
    assert.deepEqual(await g.rows(), ['c1'])
    await g.ok(['stamp', 'base'])
    assert.deepEqual(await g.rows(), [])
    // Put the rows back where the tables are, then take everything down through the CLI.
    await g.ok(['stamp', 'd1', 'c2'])
    assert.deepEqual([...await g.run(['downgrade', 'base'])].sort(), ['a', 'b', 'c1', 'c2', 'd1'])
    await g.expectState([], [])
  })
})
