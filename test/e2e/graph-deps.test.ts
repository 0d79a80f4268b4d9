/**
 * Issue 3, a dependency through the `strata` binary on every dialect: a → b → c1 (label lib) and b → c2 made with
 * `revision --depends-on c1`. Upgrading to c2 pulls in c1 first, downgrading c1 also downgrades c2, `upgrade heads`
 * follows real heads only, and `heads`/`current` call c1 an effective head.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { describeEachDialect } from '../support/databases.js'
import { GraphDatabase, addRevision, createLinkedProject, fails, ok } from '../support/graph-project.js'
import type { UserProject } from '../support/project.js'

let deps: UserProject

describe('graph: building a dependency through the CLI', () => {
  it('revision --depends-on records the dependency; the dependency is an effective head', async () => {
    deps = createLinkedProject('graph-deps')
    await addRevision(deps, 'a')
    await addRevision(deps, 'b')
    await addRevision(deps, 'c1', ['--branch-label', 'lib'])
    await fails(deps, ['revision', '--rev-id', 'c2', '-m', 'c2', '--head', 'b', '--splice', '--depends-on', 'nope'], /'nope'/)
    await addRevision(deps, 'c2', ['--head', 'b', '--splice', '--depends-on', 'c1'])
    const heads = JSON.parse(await ok(deps, ['heads', '--json'])) as Array<{ revision: string; isEffectiveHead: boolean }>
    assert.deepEqual(
      heads.map((h) => [h.revision, h.isEffectiveHead]),
      [
        ['c1', true],
        ['c2', false],
      ],
    )
    assert.deepEqual((await ok(deps, ['heads'])).trim().split('\n'), ['c1 (lib) (effective head)', 'c2 (head)'])
    const [c2] = JSON.parse(await ok(deps, ['show', 'c2', '--json'])) as Array<{ dependsOn: string[]; downRevision: string }>
    assert.deepEqual(c2!.dependsOn, ['c1'])
    assert.equal(c2!.downRevision, 'b')
    assert.match(await ok(deps, ['history', '-v', '-r', 'c2:c2']), /Also depends on: c1/)
  })
})

after(() => deps?.remove())

describeEachDialect('graph: c2 depends on c1', ({ db }) => {
  let g: GraphDatabase
  before(() => {
    g = new GraphDatabase(deps, db)
  })

  it('upgrading to c2 pulls in c1 first; one row {c2}; current lists c1 as implied', async () => {
    assert.deepEqual(await g.run(['upgrade', 'c2']), ['a', 'b', 'c1', 'c2'])
    await g.expectState(['c2'], ['a', 'b', 'c1', 'c2'])
    assert.deepEqual((await g.ok(['current'])).trim().split('\n'), ['c2 (head)', 'c1 (effective head)'])
  })

  it('downgrading c1 also downgrades c2', async () => {
    assert.deepEqual(await g.run(['downgrade', 'lib@-1']), ['c2', 'c1'])
    await g.expectState(['b'], ['a', 'b'])
    assert.deepEqual(await g.run(['upgrade', 'c2']), ['c1', 'c2'])
    assert.deepEqual(await g.run(['downgrade', 'b']), ['c2', 'c1'])
    await g.expectState(['b'], ['a', 'b'])
  })

  it('upgrade heads follows real heads: from c1 it runs c2 only', async () => {
    assert.deepEqual(await g.run(['upgrade', 'c1']), ['c1'])
    await g.expectState(['c1'], ['a', 'b', 'c1'])
    assert.deepEqual(await g.run(['upgrade', 'heads']), ['c2'])
    await g.expectState(['c2'], ['a', 'b', 'c1', 'c2'])
    assert.deepEqual(await g.run(['downgrade', 'base']), ['c2', 'c1', 'b', 'a'])
    await g.expectState([], [])
  })
})
