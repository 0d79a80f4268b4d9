import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { RevisionError, RevisionGraph, allCurrentRevisions, planUpgrade } from '../../../src/revisions/index.js'
import { SHAPE_BRANCH_POINT, SHAPE_HEAD, SHAPE_MERGE_POINT, SHAPE_REAL_HEAD } from '../../../src/revisions/graph.js'
import { branched, graphOf, linear, merged, rev, twoRoots } from './fixtures.js'

function assertGraphError(build: () => unknown, pattern: RegExp) {
  assert.throws(build, (error: unknown) => {
    assert.ok(error instanceof RevisionError, 'a RevisionError')
    assert.equal(error.code, 'graph')
    assert.match(error.message, pattern)
    assert.ok(!error.message.includes('\n'), 'one line')
    return true
  })
}

const sorted = (items: Iterable<string>) => [...items].sort()

describe('RevisionGraph validation', () => {
  it('rejects a revision listed twice, naming both files', () => {
    assertGraphError(
      () => new RevisionGraph([rev('a', null), { ...rev('a', null), path: 'versions/other.ts' }]),
      /^revision 'a' is defined twice: versions\/a\.ts and versions\/other\.ts$/,
    )
  })

  it('rejects a revision that revises itself or depends on itself', () => {
    assertGraphError(() => graphOf(rev('a', 'a')), /revision 'a' in versions\/a\.ts names itself as its downRevision/)
    assertGraphError(() => graphOf(rev('a', null, { dependsOn: ['a'] })), /revision 'a' in versions\/a\.ts names itself in dependsOn/)
    assertGraphError(
      () => graphOf(rev('a', null, { labels: ['mine'], dependsOn: ['mine'] })),
      /revision 'a' in versions\/a\.ts depends on itself through label 'mine'/,
    )
  })

  it('rejects a missing parent, naming the file and the folder', () => {
    assertGraphError(
      () => graphOf(rev('a', null), rev('b', 'zz')),
      /^revision 'b' in versions\/b\.ts revises 'zz', which no file in versions defines$/,
    )
  })

  it('rejects a missing dependency', () => {
    assertGraphError(
      () => graphOf(rev('a', null), rev('b', 'a', { dependsOn: ['nope'] })),
      /revision 'b' in versions\/b\.ts depends on 'nope', which is neither a revision nor a branch label/,
    )
  })

  it('rejects a cycle through downRevision, naming the revisions and files', () => {
    assertGraphError(
      () => graphOf(rev('root', null), rev('a', 'c'), rev('b', 'a'), rev('c', 'b')),
      /revisions form a cycle \(each revises or depends on the next\): (a -> c -> b -> a|b -> a -> c -> b|c -> b -> a -> c); files: /,
    )
  })

  it('rejects a cycle through dependsOn', () => {
    assertGraphError(
      () => graphOf(rev('a', null), rev('b', 'a', { dependsOn: ['c'] }), rev('c', 'a', { dependsOn: ['b'] })),
      /revisions form a cycle .*: (b -> c -> b|c -> b -> c); files: versions\/[bc]\.ts, versions\/[bc]\.ts$/,
    )
  })

  it('rejects a branch label used twice', () => {
    assertGraphError(
      () => graphOf(rev('a', null, { labels: ['x'] }), rev('b', 'a', { labels: ['x'] })),
      /^branch label 'x' is used twice: by 'a' \(versions\/a\.ts\) and by 'b' \(versions\/b\.ts\)$/,
    )
  })

  it('rejects a branch label equal to a revision id', () => {
    assertGraphError(
      () => graphOf(rev('a', null), rev('b', 'a', { labels: ['a'] })),
      /^branch label 'a' on 'b' \(versions\/b\.ts\) is also the id of revision 'a' \(versions\/a\.ts\)$/,
    )
  })

  it('rejects revision ids with target characters or reserved words, and unusable labels', () => {
    assertGraphError(() => graphOf(rev('a-b', null)), /revision id 'a-b' in versions\/a-b\.ts contains '-'/)
    assertGraphError(() => graphOf(rev('a@b', null)), /contains '@'/)
    assertGraphError(() => graphOf(rev('head', null)), /revision id 'head' .* is a reserved word/)
    assertGraphError(() => graphOf(rev('a', null, { labels: ['x@y'] })), /branch label 'x@y' on 'a' .* is not usable/)
    assertGraphError(() => graphOf(rev('a', null, { labels: ['heads'] })), /branch label 'heads' on 'a' .* is not usable/)
  })

  it('accepts an empty graph', () => {
    const graph = graphOf()
    assert.deepEqual(graph.heads, [])
    assert.deepEqual(graph.bases, [])
    assert.deepEqual(graph.topologicalOrder(), [])
  })
})

describe('RevisionGraph shape', () => {
  it('finds heads, bases, branch points and merge points', () => {
    const graph = merged()
    assert.deepEqual(graph.heads, ['f'])
    assert.deepEqual(graph.realHeads, ['f'])
    assert.deepEqual(graph.bases, ['a'])
    assert.deepEqual(graph.branchPoints, ['b'])
    assert.deepEqual(graph.mergePoints, ['e'])
    assert.deepEqual(graph.children('b'), ['c1', 'c2'])
    assert.deepEqual(graph.parents('e'), ['d1', 'd2'])
    assert.equal(graph.isMergePoint('e'), true)
    assert.equal(graph.isBranchPoint('b'), true)
    assert.equal(graph.isBase('a'), true)
    assert.deepEqual(twoRoots().heads, ['b1', 'b2'])
    assert.deepEqual(twoRoots().bases, ['a1', 'a2'])
  })

  it('get returns undefined for unknown ids; require throws Alembic\'s message', () => {
    const graph = linear()
    assert.equal(graph.get('c')?.revision, 'c')
    assert.equal(graph.get('zz'), undefined)
    assert.throws(() => graph.require('zz'), /^RevisionError: Can't locate revision identified by 'zz'$/)
  })

  it('marks a revision only depended on as an effective head, not a real head', () => {
    const graph = graphOf(rev('a', null), rev('b', 'a'), rev('c1', 'b'), rev('c2', 'b', { dependsOn: ['c1'] }))
    assert.deepEqual(graph.heads, ['c1', 'c2'])
    assert.deepEqual(graph.realHeads, ['c2'])
    assert.equal(graph.isEffectiveHead('c1'), true)
    assert.equal(graph.isRealHead('c1'), false)
    assert.equal(graph.isEffectiveHead('c2'), false)
    assert.deepEqual(graph.dependents('c1'), ['c2'])
    assert.deepEqual(graph.dependencies('c2'), ['c1'])
  })

  it('resolves dependsOn given as a branch label to the labeled revision', () => {
    const graph = graphOf(rev('a', null, { labels: ['lib'] }), rev('x', null, { dependsOn: ['lib'] }))
    assert.deepEqual(graph.dependencies('x'), ['a'])
    assert.deepEqual(graph.realHeads, ['x'])
  })

  it('applies a branch label to its revision and descendants up to the next branch or merge point', () => {
    const graph = graphOf(
      rev('a', null),
      rev('b', 'a', { labels: ['feature'] }),
      rev('c', 'b'),
      rev('d1', 'c'),
      rev('d2', 'c'),
      rev('x', 'a', { labels: ['other'] }),
      rev('m', ['d1', 'x']),
    )
    assert.deepEqual(graph.labelsOf('a'), [])
    assert.deepEqual(graph.labelsOf('b'), ['feature'])
    assert.deepEqual(graph.labelsOf('c'), ['feature'], 'the branch point carries the label')
    assert.deepEqual(graph.labelsOf('d1'), [])
    assert.deepEqual(graph.labelsOf('x'), ['other'])
    assert.deepEqual(graph.labelsOf('m'), [], 'a merge point belongs to no single branch')
    assert.deepEqual(branched().labelsOf('d1'), ['one'])
    assert.equal(branched().labelOwner('two'), 'c2')
    assert.equal(branched().hasLabel('two'), true)
  })

  it('computes ancestors and descendants with and without dependencies', () => {
    const graph = graphOf(rev('a', null), rev('b', 'a'), rev('x', null), rev('y', 'x', { dependsOn: ['b'] }))
    assert.deepEqual(sorted(graph.ancestors(['y'])), ['a', 'b', 'x', 'y'])
    assert.deepEqual(sorted(graph.ancestors(['y'], { includeDependencies: false })), ['x', 'y'])
    assert.deepEqual(sorted(graph.ancestors(['y'], { inclusive: false })), ['a', 'b', 'x'])
    assert.deepEqual(sorted(graph.descendants(['a'])), ['a', 'b', 'y'])
    assert.deepEqual(sorted(graph.descendants(['a'], { includeDependencies: false })), ['a', 'b'])
    assert.deepEqual(sorted(graph.lineage(['b'])), ['a', 'b'])
    assert.deepEqual(sorted(graph.lineage(['b'], true)), ['a', 'b', 'y'])
  })

  it('orders topologically, one branch completed before the next', () => {
    assert.deepEqual(merged().topologicalOrder(), ['a', 'b', 'c1', 'd1', 'c2', 'd2', 'e', 'f'])
    const graph = merged()
    assert.deepEqual(graph.sortNewestFirst(['c1', 'd1', 'c2', 'd2', 'e', 'f'], ['f']), ['f', 'e', 'd1', 'c1', 'd2', 'c2'])
    assert.deepEqual(branched().sortNewestFirst(['c1', 'd1', 'c2', 'd2'], ['d2', 'd1']), ['d2', 'c2', 'd1', 'c1'])
  })

  it('ranks every ancestor below its descendants', () => {
    const graph = merged()
    for (const id of ['b', 'c1', 'd1', 'c2', 'd2', 'e', 'f']) {
      for (const parent of graph.parents(id)) assert.ok(graph.rankOf(parent) < graph.rankOf(id), `${parent} < ${id}`)
    }
  })

  it('normalizes dependencies an ancestor already declared', () => {
    const graph = graphOf(
      rev('lib', null),
      rev('a', null, { dependsOn: ['lib'] }),
      rev('b', 'a', { dependsOn: ['lib'] }),
      rev('other', null),
      rev('c', 'b', { dependsOn: ['lib', 'other'] }),
    )
    assert.deepEqual(graph.normalizedDependencies('a'), ['lib'])
    assert.deepEqual(graph.normalizedDependencies('b'), [], "a already depends on lib")
    assert.deepEqual(graph.normalizedDependencies('c'), ['other'])
    assert.deepEqual(graph.normalizedDownRevisions('c'), ['b', 'other'])
  })

  it('builds a 10,000-revision chain and finds its head (speed: bench/, not here)', () => {
    const headers = [rev('r0', null)]
    for (let i = 1; i < 10_000; i++) headers.push(rev(`r${i}`, `r${i - 1}`))
    const graph = new RevisionGraph(headers)
    assert.deepEqual(graph.heads, ['r9999'])
    assert.equal(graph.topologicalOrder().length, 10_000)
  })
})

describe('RevisionGraph read shortcuts', () => {
  const withDependency = () => graphOf(rev('a', null), rev('b', 'a'), rev('x', null), rev('c', 'b', { dependsOn: ['x'] }), rev('y', 'x'))

  it('shapeFlags says what isRealHead, isHead, isBranchPoint and isMergePoint say, in one lookup', () => {
    for (const graph of [linear(), branched(), merged(), twoRoots(), withDependency()]) {
      for (const { revision: id } of graph.all()) {
        const flags = graph.shapeFlags(id)
        assert.deepEqual(
          [!!(flags & SHAPE_REAL_HEAD), !!(flags & SHAPE_HEAD), !!(flags & SHAPE_BRANCH_POINT), !!(flags & SHAPE_MERGE_POINT)],
          [graph.isRealHead(id), graph.isHead(id), graph.isBranchPoint(id), graph.isMergePoint(id)],
          id,
        )
      }
    }
    // x is a head only through c's dependency: an effective head, not a real one.
    const effective = graphOf(rev('a', null), rev('x', null), rev('c', 'a', { dependsOn: ['x'] }))
    assert.equal(effective.shapeFlags('x'), SHAPE_HEAD)
    assert.throws(() => linear().shapeFlags('zz'), RevisionError)
  })

  it('hasDependencies is true only when some revision has dependsOn', () => {
    assert.equal(linear().hasDependencies, false)
    assert.equal(merged().hasDependencies, false)
    assert.equal(withDependency().hasDependencies, true)
  })

  it('allCurrentRevisions: one row is the only current revision without dependencies, not with them', () => {
    assert.deepEqual(allCurrentRevisions(linear(), ['c']), ['c'])
    assert.deepEqual(allCurrentRevisions(linear(), ['c', 'gone']), ['c'])
    // c depends on x: x is applied and has no applied child, so it is current too.
    assert.deepEqual(allCurrentRevisions(withDependency(), ['c']).sort(), ['c', 'x'])
  })

  it('planUpgrade at its target plans nothing; one step short plans that step', () => {
    assert.deepEqual(planUpgrade(linear(), ['e'], 'head'), [])
    assert.deepEqual(planUpgrade(branched(), ['d1', 'd2'], 'heads'), [])
    assert.deepEqual(planUpgrade(branched(), ['d2', 'd1'], 'one@head'), [])
    assert.deepEqual(
      planUpgrade(linear(), ['d'], 'head').map((step) => step.revision.revision),
      ['e'],
    )
    assert.throws(() => planUpgrade(linear(), ['gone'], 'head'), RevisionError)
  })
})
