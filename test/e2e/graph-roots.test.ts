/**
 * Issue 3, two independent roots a1 → b1 and a2 → b2 (the second made with `revision --head base`) sharing one
 * version table, through the `strata` binary on every dialect: `upgrade heads` inserts two rows, `stamp heads` twice
 * changes nothing the second time, each root goes down and up on its own.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { describeEachDialect } from '../support/databases.js'
import { GraphDatabase, addRevision, createLinkedProject, fails, ok, versionRowsThroughScript } from '../support/graph-project.js'
import type { UserProject } from '../support/project.js'

let roots: UserProject

describe('graph: building two roots through the CLI', () => {
  it('revision --head base starts a second root', async () => {
    roots = createLinkedProject('graph-roots')
    await addRevision(roots, 'a1')
    await addRevision(roots, 'b1')
    await addRevision(roots, 'a2', ['--head', 'base'])
    await fails(roots, ['revision', '--rev-id', 'b2', '-m', 'b2'], /several heads \(a2, b1\)/)
    await addRevision(roots, 'b2', ['--head', 'a2'])
    assert.deepEqual((await ok(roots, ['heads'])).trim().split('\n'), ['b1 (head)', 'b2 (head)'])
    const graph = (await ok(roots, ['history', '--graph'])).trim().split('\n')
    assert.equal(graph.filter((line) => / \(base\)$/.test(line)).length, 2, graph.join('\n'))
  })
})

after(() => roots?.remove())

describeEachDialect('graph: two independent roots a1 → b1, a2 → b2', ({ db }) => {
  let g: GraphDatabase
  before(() => {
    g = new GraphDatabase(roots, db)
  })

  it('upgrade heads from an empty database inserts two rows', async () => {
    const script = await g.ok(['upgrade', '--sql', 'heads'])
    const states = versionRowsThroughScript(script, [])
    assert.deepEqual(states[states.length - 1], ['b1', 'b2'])
    assert.equal(script.split('\n').filter((line) => /^INSERT INTO \W?strata_version\W?/.test(line)).length, 2, script)
    const steps = await g.run(['upgrade', 'heads'])
    assert.deepEqual([...steps].sort(), ['a1', 'a2', 'b1', 'b2'])
    assert.ok(steps.indexOf('a1') < steps.indexOf('b1') && steps.indexOf('a2') < steps.indexOf('b2'), steps.join(' '))
    await g.expectState(['b1', 'b2'], ['a1', 'b1', 'a2', 'b2'])
    assert.deepEqual((await g.currentJson()).versions.sort(), ['b1', 'b2'])
  })

  it('stamp heads twice changes nothing the second time', async () => {
    await g.ok(['stamp', 'base'])
    assert.deepEqual(await g.rows(), [])
    assert.match(await g.ok(['stamp', 'heads']), /Stamped b1, b2/)
    assert.deepEqual(await g.rows(), ['b1', 'b2'])
    assert.match(await g.ok(['stamp', 'heads']), /Stamped b1, b2/)
    await g.expectState(['b1', 'b2'], ['a1', 'b1', 'a2', 'b2'])
  })

  it('a root is taken down and up on its own (a1@base, a1@head)', async () => {
    assert.deepEqual(await g.run(['downgrade', 'a1@base']), ['b1', 'a1'])
    await g.expectState(['b2'], ['a2', 'b2'])
    assert.deepEqual(await g.run(['upgrade', 'a1@head']), ['a1', 'b1'])
    await g.expectState(['b1', 'b2'], ['a1', 'b1', 'a2', 'b2'])
    const steps = await g.run(['downgrade', 'base'])
    assert.deepEqual([...steps].sort(), ['a1', 'a2', 'b1', 'b2'])
    await g.expectState([], [])
  })
})

