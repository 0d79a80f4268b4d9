import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import {
  RevisionError,
  describeCurrent,
  drawGraph,
  formatHistoryLine,
  formatHistoryLines,
  formatRevisionLine,
  formatRevisionVerbose,
  historyRange,
} from '../../../src/revisions/index.js'
import { branched, graphOf, linear, merged, rev, twoRoots } from './fixtures.js'
import type { RevisionGraph } from '../../../src/revisions/index.js'

const range = (graph: RevisionGraph, text: string | undefined, current: string[] = []) =>
  historyRange(graph, text, current).map((header) => header.revision)

describe('historyRange', () => {
  it('lists every revision newest first, one branch at a time', () => {
    assert.deepEqual(range(merged(), undefined), ['f', 'e', 'd1', 'c1', 'd2', 'c2', 'b', 'a'])
    assert.deepEqual(range(twoRoots(), undefined), ['b1', 'a1', 'b2', 'a2'])
  })

  it('takes start:end with either side empty, inclusive', () => {
    assert.deepEqual(range(linear(), 'b:d'), ['d', 'c', 'b'])
    assert.deepEqual(range(linear(), ':c'), ['c', 'b', 'a'])
    assert.deepEqual(range(linear(), 'c:'), ['e', 'd', 'c'])
    assert.deepEqual(range(linear(), 'base:heads'), ['e', 'd', 'c', 'b', 'a'])
    assert.deepEqual(range(linear(), 'head-1:'), ['e', 'd'])
  })

  it('understands current on either side', () => {
    assert.deepEqual(range(linear(), 'current:', ['c']), ['e', 'd', 'c'])
    assert.deepEqual(range(linear(), ':current', ['c']), ['c', 'b', 'a'])
    assert.deepEqual(range(linear(), ':current', []), [])
  })

  it('counts a bare -N start down from the end, and a bare +N end up from the start, stopping at the ends', () => {
    assert.deepEqual(range(linear(), '-2:'), ['e', 'd', 'c'])
    assert.deepEqual(range(linear(), '-2:current', ['d']), ['d', 'c', 'b'])
    assert.deepEqual(range(linear(), 'base:+2'), ['b', 'a'])
    assert.deepEqual(range(linear(), 'c:+1'), ['d', 'c'])
    assert.deepEqual(range(linear(), '-10:'), ['e', 'd', 'c', 'b', 'a'])
  })

  it('follows branches and labels', () => {
    assert.deepEqual(range(branched(), 'b:heads'), ['d1', 'c1', 'd2', 'c2', 'b'])
    assert.deepEqual(range(branched(), 'c1:'), ['d1', 'c1'])
    assert.deepEqual(range(branched(), ':one@head'), ['d1', 'c1', 'b', 'a'])
  })

  it('rejects a start that is not below the end, and a range without a colon', () => {
    assert.throws(() => range(linear(), 'd:b'), (error: unknown) => {
      assert.ok(error instanceof RevisionError)
      assert.equal(error.message, 'Revision d is not an ancestor of revision b')
      return true
    })
    assert.throws(() => range(linear(), 'abc'), /History range requires \[start\]:\[end\], \[start\]:, or :\[end\]/)
    assert.throws(() => range(linear(), 'zz:'), /Can't locate revision identified by 'zz'/)
  })
})

describe('history lines', () => {
  it('formats the design sample like Alembic', () => {
    const graph = graphOf(rev('2fe1a3b4c5d6', null, { message: 'add last updated on package' }))
    assert.equal(formatHistoryLine(graph, '2fe1a3b4c5d6'), '<base> -> 2fe1a3b4c5d6 (head), add last updated on package')
  })

  it('formats merge points, branch points, labels and dependencies', () => {
    const graph = merged()
    assert.deepEqual(
      historyRange(graph, undefined, []).map((header) => formatHistoryLine(graph, header)),
      [
        'e -> f (head), msg f',
        'd1, d2 -> e (mergepoint), merge',
        'c1 -> d1 (one), msg d1',
        'b -> c1 (one), msg c1',
        'c2 -> d2 (two), msg d2',
        'b -> c2 (two), msg c2',
        'a -> b (branchpoint), msg b',
        '<base> -> a, msg a',
      ],
    )
    const withDependency = graphOf(rev('a', null), rev('b1', 'a'), rev('b2', 'a', { dependsOn: ['b1'] }))
    assert.equal(formatHistoryLine(withDependency, 'b2'), 'a (b1) -> b2 (head), msg b2')
    assert.equal(formatHistoryLine(withDependency, 'b1'), 'a -> b1 (effective head), msg b1')
    assert.equal(formatHistoryLine(linear(), 'c', false, ['c']), 'b -> c (current), msg c')
  })

  it('formats a whole listing as line by line, from the heads without looking ids up', () => {
    for (const graph of [linear(), branched(), merged(), twoRoots()]) {
      const all = graph.all().map((header) => header.revision)
      const listing = historyRange(graph, undefined, [])
      assert.deepEqual(listing.map((header) => header.revision), graph.sortNewestFirst(all, graph.heads))
      const current = [all[1]!]
      for (const verbose of [false, true]) {
        assert.deepEqual(formatHistoryLines(graph, listing, verbose, current), listing.map((header) => formatHistoryLine(graph, header, verbose, current)))
      }
    }
  })

  it('formats the verbose form like alembic history -v', () => {
    assert.equal(
      formatHistoryLine(merged(), 'e', true),
      'Rev: e (mergepoint)\nMerges: d1, d2\nPath: versions/e.ts\n\n    merge\n\n    Revision ID: e\n',
    )
    assert.equal(
      formatRevisionVerbose(branched(), 'b', { current: ['b'] }),
      'Rev: b (branchpoint) (current)\nParent: a\nBranches into: c1, c2\nPath: versions/b.ts\n\n    msg b\n\n    Revision ID: b\n',
    )
    const labeled = formatRevisionVerbose(branched(), 'd1')
    assert.match(labeled, /^Rev: d1 \(head\)\nParent: c1\nBranch names: one\nPath: versions\/d1\.ts\n/)
    const dependent = formatRevisionVerbose(graphOf(rev('a', null), rev('b', null, { dependsOn: ['a'] })), 'b')
    assert.match(dependent, /^Rev: b \(head\)\nParent: <base>\nAlso depends on: a\n/)
  })

  it('formats heads lines without tree indicators', () => {
    assert.equal(formatRevisionLine(branched(), 'd1', { includeBranches: true, treeIndicators: false }), 'd1 (one) (head)')
    assert.equal(formatRevisionLine(branched(), 'b', { treeIndicators: false }), 'b')
  })
})

describe('describeCurrent', () => {
  it('annotates the current revisions like alembic current', () => {
    assert.deepEqual(describeCurrent(branched(), ['d1', 'c2']), ['d1 (head)', 'c2'])
    assert.deepEqual(describeCurrent(merged(), ['b']), ['b (branchpoint)'])
    assert.deepEqual(describeCurrent(merged(), ['e']), ['e (mergepoint)'])
  })

  it('lists revisions implied through dependencies as effective heads', () => {
    const graph = graphOf(rev('a', null), rev('b', 'a'), rev('c1', 'b'), rev('c2', 'b', { dependsOn: ['c1'] }))
    assert.deepEqual(describeCurrent(graph, ['c2']), ['c2 (head)', 'c1 (effective head)'])
  })

  it('names a row no file defines', () => {
    assert.deepEqual(describeCurrent(linear(), ['zz']), ["zz (no revision file has this id: restore the file, or fix the version table with 'strata stamp --purge <rev>')"])
  })

  it('has a verbose form', () => {
    const [entry] = describeCurrent(linear(), ['e'], true)
    assert.match(entry, /^Rev: e \(head\)\nParent: d\nPath: versions\/e\.ts\n/)
  })
})

describe('drawGraph', () => {
  it('draws a chain', () => {
    assert.deepEqual(drawGraph(linear()), ['* e msg e (head)', '* d msg d', '* c msg c', '* b msg b', '* a msg a (base)'])
  })

  it('draws a branch point', () => {
    assert.deepEqual(drawGraph(branched()), [
      '* d1 msg d1 (one) (head)',
      '* c1 msg c1 (one)',
      '| * d2 msg d2 (two) (head)',
      '| * c2 msg c2 (two)',
      '|/',
      '* b msg b (branchpoint)',
      '* a msg a (base)',
    ])
  })

  it('draws a merge and marks current revisions', () => {
    assert.deepEqual(drawGraph(merged(), { current: ['d2'] }), [
      '* f msg f (head)',
      '* e merge (mergepoint)',
      '|\\',
      '* | d1 msg d1 (one)',
      '* | c1 msg c1 (one)',
      '| * d2 msg d2 (two) (current)',
      '| * c2 msg c2 (two)',
      '|/',
      '* b msg b (branchpoint)',
      '* a msg a (base)',
    ])
  })

  it('draws lanes that cross and close', () => {
    // Three branches from a; the middle one ends at its own base x, left of another lane.
    const graph = graphOf(
      rev('a', null),
      rev('b1', 'a'),
      rev('x', null),
      rev('b2', 'x'),
      rev('b3', 'a'),
      rev('m', ['b1', 'b2', 'b3']),
    )
    assert.deepEqual(drawGraph(graph), [
      '* m msg m (head) (mergepoint)',
      '|\\',
      '| |\\',
      '* | | b1 msg b1',
      '| * | b2 msg b2',
      '| * | x msg x (base)',
      '|  /',
      '| * b3 msg b3',
      '|/',
      '* a msg a (branchpoint) (base)',
    ])
  })

  it('collapses a lane that is not next to the one it joins', () => {
    // c also depends on w, so w's lane stays open between the two lanes waiting for a.
    const graph = graphOf(
      rev('a', null),
      rev('b', 'a'),
      rev('w', null),
      rev('z', 'w'),
      rev('c', 'a', { dependsOn: ['w'] }),
      rev('m', ['b', 'z', 'c']),
    )
    assert.deepEqual(drawGraph(graph), [
      '* m msg m (head) (mergepoint)',
      '|\\',
      '| |\\',
      '* | | b msg b',
      '| * | z msg z',
      '| | * c msg c',
      '|_|/',
      '* | a msg a (branchpoint) (base)',
      ' /',
      '* w msg w (base)',
    ])
  })
})
