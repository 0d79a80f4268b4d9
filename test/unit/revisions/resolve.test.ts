import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import {
  RevisionError,
  type RevisionErrorCode,
  parseDowngradeTarget,
  parseRelativeTarget,
  parseUpgradeTarget,
  resolveRevision,
  resolveRevisionIds,
  resolveRevisions,
} from '../../../src/revisions/index.js'
import { branched, graphOf, linear, merged, rev, twoRoots } from './fixtures.js'

function assertRevisionError(run: () => unknown, code: RevisionErrorCode, pattern: RegExp) {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof RevisionError, `a RevisionError, got ${String(error)}`)
    assert.equal(error.code, code, error.message)
    assert.match(error.message, pattern)
    assert.ok(!error.message.includes('\n'), 'one line')
    return true
  })
}

const up = (graph = linear(), current: string[], target: string) => parseUpgradeTarget(graph, current, target)
const down = (graph = linear(), current: string[], target: string) => parseDowngradeTarget(graph, current, target)

describe('absolute targets', () => {
  it('resolves head, heads, base and full ids', () => {
    assert.deepEqual(resolveRevisions(linear(), 'head'), ['e'])
    assert.deepEqual(resolveRevisions(branched(), 'heads'), ['d1', 'd2'])
    assert.deepEqual(resolveRevisions(linear(), 'base'), [])
    assert.deepEqual(resolveRevisions(linear(), 'c'), ['c'])
    assert.equal(resolveRevision(linear(), 'base'), null)
  })

  it('rejects head when there are several heads, naming them', () => {
    assertRevisionError(() => resolveRevisions(branched(), 'head'), 'ambiguous', /^Multiple heads are present for given argument 'head': d1, d2; /)
    assertRevisionError(() => resolveRevision(branched(), 'heads'), 'ambiguous', /argument 'heads': d1, d2/)
  })

  it('resolves unique prefixes from one character, and lists candidates when ambiguous', () => {
    const graph = graphOf(rev('ab12cd', null), rev('ab34ef', 'ab12cd'), rev('ff00aa', 'ab34ef'))
    assert.deepEqual(resolveRevisions(graph, 'f'), ['ff00aa'])
    assert.deepEqual(resolveRevisions(graph, 'ab3'), ['ab34ef'])
    assertRevisionError(() => resolveRevisions(graph, 'ab'), 'ambiguous', /^Multiple revisions start with 'ab': ab12cd, ab34ef$/)
    assertRevisionError(() => resolveRevisions(graph, 'xyz'), 'unknown-revision', /^Can't locate revision identified by 'xyz'$/)
  })

  it('resolves a branch label to the revision carrying it', () => {
    assert.deepEqual(resolveRevisions(branched(), 'one'), ['c1'])
    assert.deepEqual(resolveRevisions(branched(), 'two'), ['c2'])
  })

  it('resolves label@head, label@heads, label@base and REV@head', () => {
    assert.deepEqual(resolveRevisions(branched(), 'one@head'), ['d1'])
    assert.deepEqual(resolveRevisions(branched(), 'two@heads'), ['d2'])
    assert.deepEqual(resolveRevisions(branched(), 'two@base'), [])
    assert.deepEqual(resolveRevisions(branched(), 'c2@head'), ['d2'])
    assert.deepEqual(resolveRevisions(branched(), 'one@c1'), ['c1'])
    assertRevisionError(() => resolveRevisions(branched(), 'b@head'), 'ambiguous', /argument 'b@head': d1, d2/)
  })

  it('rejects an unknown branch and a revision off the named branch', () => {
    assertRevisionError(() => resolveRevisions(branched(), 'nope@head'), 'unknown-revision', /Can't locate branch or revision identified by 'nope'/)
    assertRevisionError(() => resolveRevisions(branched(), 'one@d2'), 'unknown-revision', /^Revision d2 is not a member of branch 'one'$/)
  })

  it('refuses relative targets where only absolute ones make sense', () => {
    assertRevisionError(() => resolveRevisions(linear(), '-1'), 'unknown-revision', /relative target/)
  })

  it('resolveRevisionIds accepts both absolute and relative targets', () => {
    assert.deepEqual(resolveRevisionIds(branched(), 'heads'), ['d1', 'd2'])
    assert.deepEqual(resolveRevisionIds(linear(), '+2', ['a']), ['c'])
    assert.deepEqual(resolveRevisionIds(linear(), 'base'), [])
  })
})

describe('relative targets', () => {
  it('parses the relative syntax', () => {
    assert.deepEqual(parseRelativeTarget('two@head-1'), { branchLabel: 'two', symbol: 'head', relative: -1, text: '-1' })
    assert.deepEqual(parseRelativeTarget('+3'), { branchLabel: null, symbol: null, relative: 3, text: '+3' })
    assert.deepEqual(parseRelativeTarget('one@-2'), { branchLabel: 'one', symbol: null, relative: -2, text: '-2' })
    assert.equal(parseRelativeTarget('abc'), null)
    assert.equal(parseRelativeTarget('one@head'), null)
  })

  it('walks +N from the current revision (or from base when there is none)', () => {
    assert.deepEqual(up(linear(), ['a'], '+2'), ['c'])
    assert.deepEqual(up(linear(), [], '+1'), ['a'])
    assert.deepEqual(up(linear(), [], '+3'), ['c'])
  })

  it('walks REV+N, REV-N, head-N, heads-N and base+N', () => {
    assert.deepEqual(up(linear(), ['a'], 'b+2'), ['d'])
    assert.deepEqual(up(linear(), ['a'], 'd-2'), ['b'])
    assert.deepEqual(up(linear(), [], 'head-2'), ['c'])
    assert.deepEqual(up(linear(), [], 'heads-1'), ['d'])
    assert.deepEqual(up(linear(), [], 'base+2'), ['b'])
    assert.deepEqual(up(linear(), [], 'a-1'), [], 'one below the first revision is base')
  })

  it('walks label@+N, label@head-N and label@-N on the named branch', () => {
    assert.deepEqual(up(branched(), ['b'], 'two@head-1'), ['c2'])
    assert.deepEqual(up(branched(), ['c1'], 'two@+1'), ['c2'])
    assert.deepEqual(up(branched(), ['b'], 'one@+2'), ['d1'])
    assert.deepEqual(up(branched(), [], 'two@base+3'), ['c2'])
    assert.deepEqual(down(branched(), ['d1', 'd2'], 'one@-1'), { branchLabel: 'one', revision: 'c1' })
    assert.deepEqual(down(branched(), ['d1', 'd2'], 'two@base+2'), { branchLabel: 'two', revision: 'b' })
  })

  it('walks -N down from the single current revision', () => {
    assert.deepEqual(down(linear(), ['e'], '-3'), { branchLabel: 'e', revision: 'b' })
    assert.deepEqual(down(linear(), ['a'], '-1'), { branchLabel: 'a', revision: null })
  })

  it('fails when a relative walk runs past either end', () => {
    assertRevisionError(() => up(linear(), ['a'], '+5'), 'relative', /^relative \+5 from a did not produce 5 migrations$/)
    assertRevisionError(() => down(linear(), ['a'], '-2'), 'relative', /^relative -2 from a did not produce 2 migrations$/)
    assertRevisionError(() => down(linear(), [], '-1'), 'relative', /^relative -1 from <base> did not produce 1 migrations$/)
    assertRevisionError(() => up(linear(), [], 'head+1'), 'relative', /^relative \+1 from e did not produce 1 migrations$/)
    assertRevisionError(() => up(linear(), [], 'b-3'), 'relative', /^relative -3 from b did not produce 3 migrations$/)
  })

  it('rejects a relative direction that contradicts the command', () => {
    assertRevisionError(() => up(linear(), ['c'], '-1'), 'relative', /upgrade target '-1' points down/)
    assertRevisionError(() => down(linear(), ['c'], '+1'), 'relative', /downgrade target '\+1' points up/)
  })

  it('rejects +N and -N from several current revisions without a branch', () => {
    assertRevisionError(() => up(branched(), ['c1', 'c2'], '+1'), 'ambiguous', /^Ambiguous upgrade from multiple current revisions \(c1, c2\); name the branch/)
    assertRevisionError(() => down(branched(), ['d1', 'd2'], '-1'), 'ambiguous', /^downgrade -1 is ambiguous from several current revisions \(d1, d2\)/)
  })

  it('rejects walking up through a branch point or down through a merge point', () => {
    assertRevisionError(() => up(branched(), ['b'], '+1'), 'ambiguous', /^Can't walk up from b: it branches into c1, c2; name the branch/)
    assertRevisionError(() => up(twoRoots(), [], '+1'), 'ambiguous', /^Can't walk up from base: there are several bases a1, a2/)
    assertRevisionError(() => up(merged(), [], 'e-1'), 'ambiguous', /^Can't walk down from e: it merges d1, d2/)
  })

  it('rejects heads-N when there are several heads', () => {
    assertRevisionError(() => up(branched(), [], 'heads-1'), 'ambiguous', /Multiple heads are present for given argument 'heads'/)
  })

  it('resolves absolute downgrade targets with their branch', () => {
    assert.deepEqual(down(branched(), ['d1', 'd2'], 'b'), { branchLabel: null, revision: 'b' })
    assert.deepEqual(down(branched(), ['d1', 'd2'], 'one@base'), { branchLabel: 'one', revision: null })
    assert.deepEqual(down(branched(), ['d1', 'd2'], 'base'), { branchLabel: null, revision: null })
    assertRevisionError(() => down(branched(), ['d1'], 'nope@base'), 'unknown-revision', /'nope'/)
  })
})
