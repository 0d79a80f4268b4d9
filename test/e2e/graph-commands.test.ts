/**
 * Issue 3, the graph commands that only read the revision files, through the `strata` binary: `revision` with
 * `--head/--splice/--branch-label/--depends-on` and its errors, `merge REVS…` and `merge heads`, `heads`, `branches`,
 * `show`, `history -v`, `history --graph` and `--json` on each. The project:
 *
 *   a → b → c1 → d1 ↘                    (label one on c1, two on c2)
 *        ↘ c2 → d2 → e (merge) → f
 *   x1 → x2                              (a second root, label other; x2 depends on lib1)
 *   lib1                                 (a third root: an effective head)
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { addRevision, createLinkedProject, fails, ok, strata } from '../support/graph-project.js'
import type { UserProject } from '../support/project.js'

interface HistoryJson {
  revision: string
  downRevision: string | string[] | null
  branchLabels: string[]
  dependsOn: string[]
  message: string
  children: string[]
  isHead: boolean
  isEffectiveHead: boolean
  isBranchPoint: boolean
  isMergePoint: boolean
  path: string
}

describe('graph: revision, merge and the read commands', () => {
  let project: UserProject
  const json = async <T>(args: string[]): Promise<T> => JSON.parse(await ok(project, [...args, '--json'])) as T
  const lines = async (args: string[]): Promise<string[]> => (await ok(project, args)).trimEnd().split('\n')

  before(async () => {
    project = createLinkedProject('graph-commands')
    await addRevision(project, 'a')
    await addRevision(project, 'b')
    await addRevision(project, 'c1', ['--branch-label', 'one'])
    await addRevision(project, 'd1')
    await addRevision(project, 'c2', ['--head', 'b', '--splice', '--branch-label', 'two'])
    await addRevision(project, 'd2', ['--head', 'c2'])
    await addRevision(project, 'e', [], ['d1', 'd2'])
    await addRevision(project, 'f')
    await addRevision(project, 'x1', ['--head', 'base', '--branch-label', 'other'])
    await addRevision(project, 'lib1', ['--head', 'base'])
    await addRevision(project, 'x2', ['--head', 'x1', '--depends-on', 'lib'])
  })
  after(() => project?.remove())

  it('revision refuses what would break or confuse the graph, and writes nothing', async () => {
    await fails(project, ['revision', '-m', 'x'], /several heads \(f, lib1, x2\): pass --head to choose the parent, or 'strata merge heads' first/)
    await fails(project, ['revision', '-m', 'x', '--head', 'c1'], /revision c1 is not a head; pass --splice to start a branch from it/)
    await fails(project, ['revision', '-m', 'x', '--head', 'f', '--branch-label', 'one'], /branch label 'one' is already used/)
    await fails(project, ['revision', '-m', 'x', '--head', 'f', '--rev-id', 'c2'], /revision id c2 already exists/)
    await fails(project, ['revision', '-m', 'x', '--head', 'f', '--depends-on', 'nope'], /Can't locate revision identified by 'nope'/)
    await fails(project, ['revision', '-m', 'x', '--head', 'd'], /Multiple revisions start with 'd': d1, d2/)
    await fails(project, ['revision', '-m', 'x', '--head', 'zz'], /Can't locate revision identified by 'zz'/)
    const all = await json<HistoryJson[]>(['history'])
    assert.equal(all.length, 11)
  })

  it('--depends-on resolves a prefix to the full id and keeps a branch label as written', async () => {
    const [x2] = await json<HistoryJson[]>(['show', 'x2'])
    assert.deepEqual(x2!.dependsOn, ['lib1'], 'the prefix lib became lib1')
    assert.equal(x2!.downRevision, 'x1')
  })

  it('heads: one line per head, (effective head) for a revision only a dependency points at; --json', async () => {
    assert.deepEqual(await lines(['heads']), ['f (head)', 'lib1 (effective head)', 'x2 (other) (head)'])
    const heads = await json<HistoryJson[]>(['heads'])
    assert.deepEqual(
      heads.map((h) => [h.revision, h.isEffectiveHead, h.branchLabels, h.message]),
      [
        ['f', false, [], 'f'],
        ['lib1', true, [], 'lib1'],
        ['x2', false, ['other'], 'x2'],
      ],
    )
    const verbose = await ok(project, ['heads', '-v'])
    assert.match(verbose, /^Rev: f \(head\)$/m)
    assert.match(verbose, /^Also depends on: lib1$/m)
  })

  it('branches: each branch point with the revisions it branches into; --json', async () => {
    assert.deepEqual(await lines(['branches']), ['b (branchpoint), b', '  -> c1 (one), c1', '  -> c2 (two), c2'])
    assert.deepEqual(
      (await json<HistoryJson[]>(['branches'])).map((b) => [b.revision, b.children, b.message]),
      [['b', ['c1', 'c2'], 'b']],
    )
  })

  it('show: ids, one-character prefixes, labels, label@head; ambiguity and unknown names are errors; --json', async () => {
    assert.match(await ok(project, ['show', 'e']), /^Rev: e \(mergepoint\)\nMerges: d1, d2\n/)
    assert.match(await ok(project, ['show', 'l']), /^Rev: lib1 \(head\)/)
    assert.match(await ok(project, ['show', 'two']), /^Rev: c2\nParent: b\nBranch names: two\n/)
    assert.match(await ok(project, ['show', 'two@head']), /^Rev: f \(head\)/, 'f descends from two, so it is its head')
    assert.match(await ok(project, ['show', 'other@head']), /^Rev: x2 \(head\)/)
    assert.match(await ok(project, ['show', 'x2-1']), /^Rev: x1\n/)
    await fails(project, ['show', 'x'], /Multiple revisions start with 'x': x1, x2/)
    await fails(project, ['show', 'zz'], /Can't locate revision identified by 'zz'/)
    await fails(project, ['show', 'head'], /Multiple heads are present for given argument 'head': f, lib1, x2/)
    await fails(project, ['show', 'base'], /'base' names no revision/)
    const [b] = await json<Array<HistoryJson & { children: string[] }>>(['show', 'b'])
    assert.deepEqual([b!.revision, b!.downRevision, b!.children, b!.isHead], ['b', 'a', ['c1', 'c2'], false])
    const both = await json<HistoryJson[]>(['show', 'heads'])
    assert.deepEqual(
      both.map((r) => r.revision),
      ['f', 'x2'],
    )
  })

  it('history --json: every revision once, newest first, with branch and merge points', async () => {
    const all = await json<HistoryJson[]>(['history'])
    const order = all.map((r) => r.revision)
    assert.deepEqual([...order].sort(), ['a', 'b', 'c1', 'c2', 'd1', 'd2', 'e', 'f', 'lib1', 'x1', 'x2'])
    for (const entry of all) {
      const parents = entry.downRevision === null ? [] : ([] as string[]).concat(entry.downRevision)
      for (const parent of [...parents, ...entry.dependsOn.map((d) => (d === 'lib' ? 'lib1' : d))])
        assert.ok(order.indexOf(parent) > order.indexOf(entry.revision), `${entry.revision} is listed before its parent ${parent}`)
    }
    const byId = new Map(all.map((r) => [r.revision, r]))
    assert.equal(byId.get('b')!.isBranchPoint, true)
    assert.equal(byId.get('e')!.isMergePoint, true)
    assert.deepEqual(byId.get('e')!.downRevision, ['d1', 'd2'])
    assert.deepEqual(byId.get('d1')!.branchLabels, ['one'])
    assert.deepEqual(byId.get('f')!.branchLabels, [], 'labels stop at the merge point')
    assert.deepEqual(
      all
        .filter((r) => r.isHead)
        .map((r) => r.revision)
        .sort(),
      ['f', 'lib1', 'x2'],
    )
    const text = await lines(['history', '-r', 'b:e'])
    assert.deepEqual(text, ['d1, d2 -> e (mergepoint), merge e', 'c1 -> d1 (one), d1', 'b -> c1 (one), c1', 'c2 -> d2 (two), d2', 'b -> c2 (two), c2', 'a -> b (branchpoint), b'])
    assert.deepEqual(await lines(['history', '-r', 'x1:heads']), ['x1 (lib1) -> x2 (other) (head), x2', '<base> -> x1 (other), x1'])
  })

  it('history -v: every detail of each revision', async () => {
    const verbose = await ok(project, ['history', '-v'])
    assert.match(verbose, /^Rev: e \(mergepoint\)\nMerges: d1, d2\nPath: .*e_merge_e\.ts\n/m)
    assert.match(verbose, /^Rev: b \(branchpoint\)\nParent: a\nBranches into: c1, c2\nPath: /m)
    assert.match(verbose, /^Rev: x2 \(head\)\nParent: x1\nAlso depends on: lib1\nBranch names: other\nPath: /m)
    assert.match(verbose, /^Rev: a\nParent: <base>\nPath: /m)
    assert.equal(verbose.match(/^Rev: /gm)!.length, 11)
  })

  it('history --graph draws the branch point and the merge point', async () => {
    const graph = await lines(['history', '--graph'])
    const at = (prefix: string) => graph.findIndex((line) => line.startsWith(prefix))
    // The merge: e, then its second parent's lane opening to the right.
    assert.equal(graph[at('* e merge e')], '* e merge e (mergepoint)')
    assert.equal(graph[at('* e merge e') + 1], '|\\')
    // Both branches side by side, then the lanes joining again at b.
    assert.match(graph.join('\n'), /\* \| d1 d1 \(one\)\n\* \| c1 c1 \(one\)\n\| \* d2 d2 \(two\)\n\| \* c2 c2 \(two\)\n\|\/\n\* b b \(branchpoint\)/)
    assert.equal(graph[at('* f ')], '* f f (head)')
    assert.equal(graph[at('* lib1 ')], '* lib1 lib1 (effective head) (base)')
    assert.equal(graph.filter((line) => /^[| ]*\*/.test(line)).length, 11, 'one star per revision')
    assert.equal(graph.filter((line) => / \(base\)$/.test(line)).length, 3, 'three roots')
  })

  it('merge: refuses ancestors, existing ids and a single revision; merge heads joins the real heads', async () => {
    await fails(project, ['merge', 'd1', 'f', '-m', 'x'], /cannot merge d1 and f: d1 is already an ancestor of f/)
    await fails(project, ['merge', 'f', 'x2', '-m', 'x', '--rev-id', 'e'], /revision id e already exists/)
    await fails(project, ['merge', 'f', '-m', 'x'], /merge needs at least two revisions; got f/)
    await fails(project, ['merge', 'f', 'x2', '-m', 'x', '--branch-label', 'two'], /branch label 'two' is already used/)
    const stdout = await ok(project, ['merge', 'heads', '-m', 'join everything', '--rev-id', 'm'])
    assert.match(stdout, /Generating migrations\/versions\/m_join_everything\.ts \.\.\. done/)
    const [m] = await json<HistoryJson[]>(['show', 'm'])
    assert.deepEqual(m!.downRevision, ['f', 'x2'])
    assert.equal(m!.message, 'join everything')
    assert.deepEqual(await lines(['heads']), ['lib1 (effective head)', 'm (head)'])
    await fails(project, ['merge', 'heads', '-m', 'again'], /merge needs at least two revisions; got m/)
    assert.equal((await strata(project, ['revision', '-m', 'next'])).code, 1, 'lib1 is still a head: --head is needed')
    const next = await ok(project, ['revision', '-m', 'next', '--head', 'm', '--rev-id', 'n'])
    assert.match(next, /n_next\.ts/)
    assert.deepEqual(await lines(['heads']), ['lib1 (effective head)', 'n (head)'])
  })
})
