/**
 * Issue 3, linear history a → b → c → d → e, through the `strata` binary on every dialect: absolute and relative
 * targets, the errors past either end and above the current revision, history ranges. Each revision creates
 * table t_<rev>, so the tables show what really ran; the version rows are read with the raw drivers after each step.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { describeEachDialect } from '../support/databases.js'
import { GraphDatabase, addRevision, createLinkedProject, ok } from '../support/graph-project.js'
import type { UserProject } from '../support/project.js'

let project: UserProject

describe('graph: building a → b → c → d → e through the CLI', () => {
  it('revision --rev-id writes each file on top of the single head', async () => {
    project = createLinkedProject('graph-linear')
    for (const id of ['a', 'b', 'c', 'd', 'e']) await addRevision(project, id)
    const heads = JSON.parse(await ok(project, ['heads', '--json'])) as Array<{ revision: string }>
    assert.deepEqual(
      heads.map((h) => h.revision),
      ['e'],
    )
    const history = JSON.parse(await ok(project, ['history', '--json'])) as Array<{ revision: string; downRevision: string | null }>
    assert.deepEqual(
      history.map((h) => `${h.downRevision ?? '<base>'}->${h.revision}`),
      ['d->e', 'c->d', 'b->c', 'a->b', '<base>->a'],
    )
  })
})

after(() => project?.remove())

describeEachDialect('graph: linear a → b → c → d → e', ({ db }) => {
  let g: GraphDatabase
  before(() => {
    g = new GraphDatabase(project, db)
  })

  it('from nothing, upgrade c runs a, b, c', async () => {
    assert.deepEqual((await g.currentJson()).versions, [])
    assert.deepEqual(await g.run(['upgrade', 'c']), ['a', 'b', 'c'])
    await g.expectState(['c'], ['a', 'b', 'c'])
    assert.deepEqual((await g.currentJson()).versions, ['c'])
  })

  it('history -r with current, base, heads and relative ends', async () => {
    const range = async (spec: string) => (JSON.parse(await g.ok(['history', '-r', spec, '--json'])) as Array<{ revision: string }>).map((r) => r.revision)
    assert.deepEqual(await range('current:'), ['e', 'd', 'c'])
    assert.deepEqual(await range('base:current'), ['c', 'b', 'a'])
    assert.deepEqual(await range('-1:current'), ['c', 'b'])
    assert.deepEqual(await range('current:+1'), ['d', 'c'])
    assert.deepEqual(await range('b:d'), ['d', 'c', 'b'])
    assert.deepEqual(await range('head-1:heads'), ['e', 'd'])
    assert.deepEqual(await range('base:base+2'), ['b', 'a'])
    const text = await g.ok(['history', '-r', 'current:'])
    assert.deepEqual(text.trim().split('\n'), ['d -> e (head), e', 'c -> d, d', 'b -> c, c'])
    await g.fails(['history', '-r', 'd:b'], /Revision d is not an ancestor of revision b/)
    await g.fails(['history', '-r', 'c'], /History range requires \[start\]:\[end\]/)
  })

  it('from c, upgrade e runs d, e', async () => {
    assert.deepEqual(await g.run(['upgrade', 'e']), ['d', 'e'])
    await g.expectState(['e'], ['a', 'b', 'c', 'd', 'e'])
  })

  it('from e, downgrade c runs e, d', async () => {
    assert.deepEqual(await g.run(['downgrade', 'c']), ['e', 'd'])
    await g.expectState(['c'], ['a', 'b', 'c'])
  })

  it('downgrading to the current revision does nothing', async () => {
    const stdout = await g.ok(['downgrade', 'c'])
    assert.deepEqual(runningLines(stdout), [])
    assert.match(stdout, /nothing to downgrade/i)
    await g.expectState(['c'], ['a', 'b', 'c'])
  })

  it('a downgrade target above the current revision is an error', async () => {
    await g.fails(['downgrade', 'e'], /Destination e is not a valid downgrade target from current head\(s\) \(c\)/)
    await g.fails(['downgrade', 'd'], /Destination d is not a valid downgrade target/)
    await g.expectState(['c'], ['a', 'b', 'c'])
  })

  it('-3 from e runs e, d, c', async () => {
    assert.deepEqual(await g.run(['upgrade', 'head']), ['d', 'e'])
    assert.deepEqual(await g.run(['downgrade', '-3']), ['e', 'd', 'c'])
    await g.expectState(['b'], ['a', 'b'])
  })

  it('downgrade base leaves no rows (and no tables)', async () => {
    assert.deepEqual(await g.run(['downgrade', 'base']), ['b', 'a'])
    await g.expectState([], [])
    assert.deepEqual((await g.currentJson()).versions, [])
  })

  it('from a, +2 runs b, c', async () => {
    assert.deepEqual(await g.run(['upgrade', '+1']), ['a'])
    await g.expectState(['a'], ['a'])
    assert.deepEqual(await g.run(['upgrade', '+2']), ['b', 'c'])
    await g.expectState(['c'], ['a', 'b', 'c'])
  })

  it('from a, b+2 runs b, c, d', async () => {
    assert.deepEqual(await g.run(['downgrade', 'a']), ['c', 'b'])
    await g.expectState(['a'], ['a'])
    assert.deepEqual(await g.run(['upgrade', 'b+2']), ['b', 'c', 'd'])
    await g.expectState(['d'], ['a', 'b', 'c', 'd'])
  })

  it('from a, d-2 runs b', async () => {
    assert.deepEqual(await g.run(['downgrade', '-3']), ['d', 'c', 'b'])
    await g.expectState(['a'], ['a'])
    assert.deepEqual(await g.run(['upgrade', 'd-2']), ['b'])
    await g.expectState(['b'], ['a', 'b'])
  })

  it('-2 past base and +5 past the head are errors that change nothing', async () => {
    assert.deepEqual(await g.run(['downgrade', '-1']), ['b'])
    await g.fails(['downgrade', '-2'], /^error: relative -2 from a did not produce 2 migrations$/)
    await g.fails(['upgrade', '+5'], /^error: relative \+5 from a did not produce 5 migrations$/)
    await g.expectState(['a'], ['a'])
  })

  it('head-N, base+N and a one-character prefix name revisions too', async () => {
    assert.deepEqual(await g.run(['upgrade', 'head-1']), ['b', 'c', 'd'])
    await g.expectState(['d'], ['a', 'b', 'c', 'd'])
    assert.deepEqual(await g.run(['downgrade', 'base+1']), ['d', 'c', 'b'])
    await g.expectState(['a'], ['a'])
    assert.deepEqual(await g.run(['upgrade', 'e']), ['b', 'c', 'd', 'e'])
    assert.deepEqual(await g.run(['upgrade', 'heads']), [])
    await g.expectState(['e'], ['a', 'b', 'c', 'd', 'e'])
    await g.fails(['upgrade', 'zz'], /Can't locate revision identified by 'zz'/)
  })
})

function runningLines(stdout: string): string[] {
  return stdout.split('\n').filter((line) => line.startsWith('Running '))
}
