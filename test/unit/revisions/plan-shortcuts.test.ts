import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { type RevisionGraph, type RevisionHeader, VersionTableSimulator, planUpgrade } from '../../../src/revisions/index.js'
import { graphOf, rev } from './fixtures.js'
import { seededRandom as random } from '../../support/seeded-random.js'

/**
 * A random history of `size` revisions: mostly one parent, some new roots and merges, and some dependencies on
 * earlier revisions, so single-parent steps sit next to every other kind.
 */
function randomGraph(next: () => number, size: number): RevisionGraph {
  const headers: RevisionHeader[] = []
  const pick = () => headers[Math.floor(next() * headers.length)]!.revision
  for (let i = 0; i < size; i++) {
    const id = `r${i}`
    const roll = next()
    let down: string | string[] | null = null
    if (headers.length > 0 && roll > 0.1) down = pick()
    if (headers.length > 2 && roll > 0.85) {
      const other = pick()
      if (other !== down) down = [down as string, other]
    }
    const dependsOn = headers.length > 3 && next() < 0.15 ? [pick()] : []
    headers.push(rev(id, down, { dependsOn: Array.isArray(down) || dependsOn[0] === down ? [] : dependsOn }))
  }
  return graphOf(...headers)
}

/** What one step of a simulator gave: its changes, or its error's message. */
function outcome(run: () => unknown): unknown {
  try {
    return run()
  } catch (error) {
    return `error: ${(error as Error).message}`
  }
}

describe('the version table simulator: its single-parent shortcut', () => {
  it('gives the same changes and errors as the general rule, step by step, on 300 random histories with downgrades between', () => {
    let compared = 0
    let shortcutSteps = 0
    for (let seed = 1; seed <= 300; seed++) {
      const next = random(seed)
      const graph = randomGraph(next, 6 + Math.floor(next() * 10))
      const ids = graph.topologicalOrder()
      // Rows to start from: any few revisions, not only well-kept heads (rows below rows take the walking paths).
      const rows = ids.filter(() => next() < 0.2)
      const fast = new VersionTableSimulator(graph, rows)
      const general = new VersionTableSimulator(graph, rows, { singleParentShortcut: false })
      // Upgrades in history order with some shuffled, so in-order and out-of-order steps both occur.
      const order = ids.filter(() => next() < 0.7)
      for (let i = 0; i < order.length; i++) {
        if (next() < 0.2) {
          const j = Math.floor(next() * order.length)
          ;[order[i], order[j]] = [order[j]!, order[i]!]
        }
      }
      // Downgrades in between: they read the applied set the shortcut keeps up to date.
      const steps: Array<[string, 'upgrade' | 'downgrade']> = []
      for (const id of order) {
        steps.push([id, 'upgrade'])
        if (next() < 0.3) steps.push(['', 'downgrade'])
      }
      for (const [step, direction] of steps) {
        const current = fast.rows
        if (direction === 'downgrade' && current.length === 0) continue
        const id = direction === 'upgrade' ? step : current[Math.floor(next() * current.length)]!
        if (direction === 'upgrade' && graph.soleParent(id) !== undefined) shortcutSteps++
        const a = outcome(() => fast[direction](id))
        const b = outcome(() => general[direction](id))
        assert.deepEqual(a, b, `seed ${seed}, ${direction} ${id} from rows ${JSON.stringify(rows)}`)
        assert.deepEqual(fast.rows, general.rows, `seed ${seed}, rows after ${direction} ${id}`)
        compared++
        if (typeof a === 'string') break
      }
    }
    // The comparison covers the shortcut many times over (a test that never takes it could not fail).
    assert.ok(shortcutSteps > 500, `only ${shortcutSteps} single-parent steps`)
    assert.ok(compared > 1000, `only ${compared} steps compared`)
  })

  it('plans `upgrade heads` exactly as the general rule does, from every single row', () => {
    for (let seed = 1000; seed < 1100; seed++) {
      const next = random(seed)
      const graph = randomGraph(next, 8 + Math.floor(next() * 8))
      for (const start of [[], ...graph.topologicalOrder().map((id) => [id])]) {
        const steps = outcome(() => planUpgrade(graph, start, 'heads'))
        if (typeof steps === 'string') continue
        const general = new VersionTableSimulator(graph, start, { singleParentShortcut: false })
        for (const step of steps as ReturnType<typeof planUpgrade>) {
          assert.deepEqual(step.versionChanges, general.upgrade(step.revision.revision), `seed ${seed}, from ${start}, step ${step.revision.revision}`)
        }
      }
    }
  })

  it('is taken only for one parent and no dependencies', () => {
    const graph = graphOf(rev('a', null), rev('b', 'a'), rev('c', 'a'), rev('m', ['b', 'c']), rev('d', 'm', { dependsOn: ['b'] }), rev('e', 'd'))
    assert.deepEqual(
      ['a', 'b', 'c', 'm', 'd', 'e'].map((id) => graph.soleParent(id)),
      [undefined, 'a', 'a', undefined, undefined, 'd'],
    )
  })
})

describe('the upgrade order: one walk by position', () => {
  it('equals sortOldestFirst of the targets’ ancestors minus the current rows’ on 300 random histories', () => {
    let nonEmpty = 0
    for (let seed = 2000; seed < 2300; seed++) {
      const next = random(seed)
      const graph = randomGraph(next, 6 + Math.floor(next() * 14))
      const ids = graph.topologicalOrder()
      for (let trial = 0; trial < 5; trial++) {
        // Any rows (rows below rows too) and one to three targets, repeats and already-applied ones included.
        const current = ids.filter(() => next() < 0.15)
        const targets = Array.from({ length: 1 + Math.floor(next() * 3) }, () => ids[Math.floor(next() * ids.length)]!)
        const applied = graph.ancestors(current)
        const expected = graph.sortOldestFirst([...graph.ancestors(targets)].filter((id) => !applied.has(id)), targets)
        const actual = graph.upgradeOrder(current, targets).map((header) => header.revision)
        assert.deepEqual(actual, expected, `seed ${seed}, trial ${trial}: from ${JSON.stringify(current)} to ${JSON.stringify(targets)}`)
        if (actual.length > 0) nonEmpty++
      }
    }
    assert.ok(nonEmpty > 1000, `only ${nonEmpty} plans with steps`)
  })

  it('gives each step the header object the graph holds', () => {
    const graph = graphOf(rev('a', null), rev('b', 'a'), rev('c', 'b'))
    assert.deepEqual(
      graph.upgradeOrder(['a'], ['c']).map((header) => header === graph.require(header.revision)),
      [true, true],
    )
  })
})
