import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import {
  RevisionError,
  type MigrationStep,
  type VersionChange,
  applyVersionChanges,
  planDowngrade,
  planStamp,
  planUpgrade,
} from '../../../src/revisions/index.js'
import { branched, graphOf, linear, merged, rev, twoRoots } from './fixtures.js'

/** `up c` / `down d` for each step, in order. */
const names = (steps: MigrationStep[]) => steps.map((step) => `${step.direction} ${step.revision.revision}`)

/** Applies every step's version changes to `rows` (checking each like the runtime), returning the rows after each step. */
function simulate(rows: string[], steps: MigrationStep[]): string[][] {
  const states: string[][] = []
  let table = rows
  for (const step of steps) {
    table = applyVersionChanges(table, step.versionChanges)
    states.push([...table].sort())
  }
  return states
}

const finalRows = (rows: string[], steps: MigrationStep[]) => simulate(rows, steps).at(-1) ?? [...rows].sort()

const ins = (revision: string): VersionChange => ({ kind: 'insert', revision })
const del = (revision: string): VersionChange => ({ kind: 'delete', revision })
const upd = (from: string, to: string): VersionChange => ({ kind: 'update', from, to })

function assertError(run: () => unknown, pattern: RegExp) {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof RevisionError, `a RevisionError, got ${String(error)}`)
    assert.match(error.message, pattern)
    return true
  })
}

describe('linear a → b → c → d → e', () => {
  it('from c, upgrade e runs d, e updating the one row', () => {
    const steps = planUpgrade(linear(), ['c'], 'e')
    assert.deepEqual(names(steps), ['up d', 'up e'])
    assert.deepEqual(steps.map((s) => s.versionChanges), [[upd('c', 'd')], [upd('d', 'e')]])
    assert.deepEqual(finalRows(['c'], steps), ['e'])
  })

  it('from nothing, upgrade c runs a, b, c: insert then updates', () => {
    const steps = planUpgrade(linear(), [], 'c')
    assert.deepEqual(names(steps), ['up a', 'up b', 'up c'])
    assert.deepEqual(steps.map((s) => s.versionChanges), [[ins('a')], [upd('a', 'b')], [upd('b', 'c')]])
    assert.deepEqual(finalRows([], steps), ['c'])
  })

  it('from a, +2 runs b, c', () => {
    assert.deepEqual(names(planUpgrade(linear(), ['a'], '+2')), ['up b', 'up c'])
  })

  it('from a, b+2 runs b, c, d and d-2 runs b', () => {
    assert.deepEqual(names(planUpgrade(linear(), ['a'], 'b+2')), ['up b', 'up c', 'up d'])
    assert.deepEqual(names(planUpgrade(linear(), ['a'], 'd-2')), ['up b'])
  })

  it('-2 and +5 past the ends are errors', () => {
    assertError(() => planDowngrade(linear(), ['a'], '-2'), /^relative -2 from a did not produce 2 migrations$/)
    assertError(() => planUpgrade(linear(), ['a'], '+5'), /^relative \+5 from a did not produce 5 migrations$/)
  })

  it('from e, downgrade c runs e, d', () => {
    const steps = planDowngrade(linear(), ['e'], 'c')
    assert.deepEqual(names(steps), ['down e', 'down d'])
    assert.deepEqual(steps.map((s) => s.versionChanges), [[upd('e', 'd')], [upd('d', 'c')]])
    assert.deepEqual(finalRows(['e'], steps), ['c'])
  })

  it('from e, -3 runs e, d, c', () => {
    const steps = planDowngrade(linear(), ['e'], '-3')
    assert.deepEqual(names(steps), ['down e', 'down d', 'down c'])
    assert.deepEqual(finalRows(['e'], steps), ['b'])
  })

  it('downgrade base runs everything down and leaves no rows', () => {
    const steps = planDowngrade(linear(), ['e'], 'base')
    assert.deepEqual(names(steps), ['down e', 'down d', 'down c', 'down b', 'down a'])
    assert.deepEqual(steps.at(-1)?.versionChanges, [del('a')])
    assert.deepEqual(finalRows(['e'], steps), [])
  })

  it('a downgrade target above the current revision is an error', () => {
    assertError(() => planDowngrade(linear(), ['c'], 'e'), /^Destination e is not a valid downgrade target from current head\(s\) \(c\)/)
  })

  it('downgrading or upgrading to the current revision does nothing', () => {
    assert.deepEqual(planDowngrade(linear(), ['c'], 'c'), [])
    assert.deepEqual(planUpgrade(linear(), ['c'], 'c'), [])
    assert.deepEqual(planUpgrade(linear(), ['e'], 'head'), [])
    assert.deepEqual(planUpgrade(linear(), ['e'], 'c'), [], 'an upgrade to a lower revision runs nothing')
  })

  it('rejects a version table row no file defines, with the way out', () => {
    const graph = graphOf(rev('a', null))
    assertError(
      () => planUpgrade(graph, ['gone'], 'head'),
      /^the database is at revision 'gone', which no file in versions has; restore the file, or run 'strata stamp --purge <rev>' to record the revision the database is really at$/,
    )
    assertError(() => planDowngrade(graph, ['gone'], 'base'), /revision 'gone'/)
  })

  it('writes each row change a runtime can apply one row at a time', () => {
    const steps = planUpgrade(linear(), [], 'heads')
    assert.deepEqual(simulate([], steps), [['a'], ['b'], ['c'], ['d'], ['e']])
  })
})

describe('branched: a → b; b → c1 → d1 (one); b → c2 → d2 (two)', () => {
  it('upgrade heads from a runs every revision once, each branch completed in turn', () => {
    const steps = planUpgrade(branched(), ['a'], 'heads')
    assert.deepEqual(names(steps), ['up b', 'up c1', 'up d1', 'up c2', 'up d2'])
    assert.deepEqual(steps.map((s) => s.versionChanges), [
      [upd('a', 'b')],
      [upd('b', 'c1')],
      [upd('c1', 'd1')],
      [ins('c2')],
      [upd('c2', 'd2')],
    ])
    assert.deepEqual(finalRows(['a'], steps), ['d1', 'd2'])
  })

  it('two@head-1 from b runs c2', () => {
    const steps = planUpgrade(branched(), ['b'], 'two@head-1')
    assert.deepEqual(names(steps), ['up c2'])
    assert.deepEqual(finalRows(['b'], steps), ['c2'])
  })

  it('two@+1 from c1 runs c2 and leaves rows c1, c2', () => {
    const steps = planUpgrade(branched(), ['c1'], 'two@+1')
    assert.deepEqual(names(steps), ['up c2'])
    assert.deepEqual(steps[0].versionChanges, [ins('c2')])
    assert.deepEqual(finalRows(['c1'], steps), ['c1', 'c2'])
  })

  it('+1 from (c1, c2) is ambiguous', () => {
    assertError(() => planUpgrade(branched(), ['c1', 'c2'], '+1'), /^Ambiguous upgrade from multiple current revisions \(c1, c2\)/)
  })

  it('one@head from (c1, c2) upgrades one branch only', () => {
    const steps = planUpgrade(branched(), ['c1', 'c2'], 'one@head')
    assert.deepEqual(names(steps), ['up d1'])
    assert.deepEqual(finalRows(['c1', 'c2'], steps), ['c2', 'd1'])
  })

  it('downgrade one@-1 from (d1, d2) runs d1', () => {
    const steps = planDowngrade(branched(), ['d1', 'd2'], 'one@-1')
    assert.deepEqual(names(steps), ['down d1'])
    assert.deepEqual(finalRows(['d1', 'd2'], steps), ['c1', 'd2'])
  })

  it('downgrade two@base+2 from (d1, d2) takes branch two down to b and leaves the other branch untouched', () => {
    const steps = planDowngrade(branched(), ['d1', 'd2'], 'two@base+2')
    assert.deepEqual(names(steps), ['down d2', 'down c2'])
    assert.deepEqual(steps.map((s) => s.versionChanges), [[upd('d2', 'c2')], [del('c2')]])
    assert.deepEqual(finalRows(['d1', 'd2'], steps), ['d1'])
  })

  it('downgrade b from (d1, d2) runs both branches down and leaves {b}', () => {
    const steps = planDowngrade(branched(), ['d1', 'd2'], 'b')
    assert.deepEqual(names(steps), ['down d1', 'down c1', 'down d2', 'down c2'])
    assert.deepEqual(simulate(['d1', 'd2'], steps), [['c1', 'd2'], ['d2'], ['c2'], ['b']])
  })

  it('downgrade one@base from (d1, d2) follows Alembic: the shared root goes, so everything does', () => {
    const steps = planDowngrade(branched(), ['d1', 'd2'], 'one@base')
    assert.equal(steps.length, 6)
    assert.deepEqual(finalRows(['d1', 'd2'], steps), [])
  })

  it('stamping b from (d1, c2) leaves {b}', () => {
    const changes = planStamp(branched(), ['d1', 'c2'], ['b'], false)
    assert.deepEqual(changes, [del('d1'), upd('c2', 'b')])
    assert.deepEqual(applyVersionChanges(['d1', 'c2'], changes), ['b'])
  })

  it('stamping heads from b moves b to one head and inserts the other', () => {
    const changes = planStamp(branched(), ['b'], ['heads'], false)
    assert.deepEqual(changes, [upd('b', 'd1'), ins('d2')])
  })

  it('stamping base deletes the rows; stamping one@base only those on branch one', () => {
    assert.deepEqual(planStamp(branched(), ['d1', 'd2'], ['base'], false), [del('d1'), del('d2')])
    assert.deepEqual(planStamp(branched(), ['d1', 'd2'], [], false), [del('d1'), del('d2')])
    assert.deepEqual(planStamp(branched(), ['d1', 'd2'], ['one@base'], false), [del('d1')])
  })
})

describe('merged: branched, plus e merging d1 and d2, and f after e', () => {
  it('upgrade from b to f ends with the single row {f}; the merge deletes one branch row and updates the other', () => {
    const steps = planUpgrade(merged(), ['b'], 'f')
    assert.deepEqual(names(steps), ['up c1', 'up d1', 'up c2', 'up d2', 'up e', 'up f'])
    assert.deepEqual(steps[4].versionChanges, [del('d1'), upd('d2', 'e')])
    assert.deepEqual(simulate(['b'], steps), [['c1'], ['d1'], ['c2', 'd1'], ['d1', 'd2'], ['e'], ['f']])
  })

  it('downgrade from f to b restores {b} through the two-row state', () => {
    const steps = planDowngrade(merged(), ['f'], 'b')
    assert.deepEqual(names(steps), ['down f', 'down e', 'down d1', 'down c1', 'down d2', 'down c2'])
    assert.deepEqual(steps[1].versionChanges, [ins('d1'), upd('e', 'd2')])
    assert.deepEqual(simulate(['f'], steps), [['e'], ['d1', 'd2'], ['c1', 'd2'], ['d2'], ['c2'], ['b']])
  })

  it('upgrading from rows on both branches merges them; downgrading to one parent of the merge restores both rows', () => {
    const steps = planUpgrade(merged(), ['d1', 'c2'], 'heads')
    assert.deepEqual(names(steps), ['up d2', 'up e', 'up f'])
    assert.deepEqual(simulate(['d1', 'c2'], steps), [['d1', 'd2'], ['e'], ['f']])
    const back = planDowngrade(merged(), ['f'], 'd2')
    assert.deepEqual(names(back), ['down f', 'down e'])
    assert.deepEqual(simulate(['f'], back), [['e'], ['d1', 'd2']])
  })

  it('a relative downgrade cannot walk down through the merge', () => {
    assertError(() => planDowngrade(merged(), ['f'], '-2'), /^Can't walk down from e: it merges d1, d2/)
  })
})

describe('two independent roots a1 → b1, a2 → b2', () => {
  it('upgrade heads from empty inserts two rows', () => {
    const steps = planUpgrade(twoRoots(), [], 'heads')
    assert.deepEqual(names(steps), ['up a1', 'up b1', 'up a2', 'up b2'])
    assert.deepEqual(steps.map((s) => s.versionChanges), [[ins('a1')], [upd('a1', 'b1')], [ins('a2')], [upd('a2', 'b2')]])
    assert.deepEqual(finalRows([], steps), ['b1', 'b2'])
  })

  it('stamp heads twice changes nothing the second time', () => {
    const first = planStamp(twoRoots(), [], ['heads'], false)
    assert.deepEqual(first, [ins('b1'), ins('b2')])
    const rows = applyVersionChanges([], first)
    assert.deepEqual(planStamp(twoRoots(), rows, ['heads'], false), [])
  })

  it('downgrade base takes both roots down', () => {
    const steps = planDowngrade(twoRoots(), ['b1', 'b2'], 'base')
    assert.deepEqual(names(steps), ['down b1', 'down a1', 'down b2', 'down a2'])
    assert.deepEqual(simulate(['b1', 'b2'], steps), [['a1', 'b2'], ['b2'], ['a2'], []])
  })

  it('stamp --purge replaces rows, even rows no file defines', () => {
    const changes = planStamp(twoRoots(), ['gone', 'b1'], ['a2'], true)
    assert.deepEqual(changes, [del('gone'), del('b1'), ins('a2')])
    assertError(() => planStamp(twoRoots(), ['gone'], ['a2'], false), /revision 'gone'.*strata stamp --purge/)
  })
})

describe('dependencies', () => {
  /** a → b → c1; b → c2 with c2 depending on c1 */
  const withDependency = () => graphOf(rev('a', null), rev('b', 'a'), rev('c1', 'b'), rev('c2', 'b', { dependsOn: ['c1'] }))
  /** a → b → c1 and a → x → c2, with c2 depending on c1 */
  const acrossBranches = () =>
    graphOf(rev('a', null), rev('b', 'a'), rev('c1', 'b'), rev('x', 'a'), rev('c2', 'x', { dependsOn: ['c1'] }))

  it('upgrading to c2 pulls in c1 first; the row of c1 is absorbed by c2', () => {
    const steps = planUpgrade(withDependency(), [], 'c2')
    assert.deepEqual(names(steps), ['up a', 'up b', 'up c1', 'up c2'])
    assert.deepEqual(steps[3].versionChanges, [upd('c1', 'c2')])
    assert.deepEqual(finalRows([], steps), ['c2'])
  })

  it('upgrade heads follows real heads only', () => {
    assert.deepEqual(names(planUpgrade(withDependency(), ['b'], 'heads')), ['up c1', 'up c2'])
  })

  it('downgrading c1 also downgrades c2', () => {
    const steps = planDowngrade(withDependency(), ['c2'], 'b')
    assert.deepEqual(names(steps), ['down c2', 'down c1'])
    assert.deepEqual(simulate(['c2'], steps), [['c1'], ['b']])
  })

  it('across branches: the dependency merges the rows, and downgrading c1 unmerges them', () => {
    const graph = acrossBranches()
    const steps = planUpgrade(graph, [], 'heads')
    assert.deepEqual(names(steps), ['up a', 'up x', 'up b', 'up c1', 'up c2'])
    assert.deepEqual(steps[4].versionChanges, [del('x'), upd('c1', 'c2')])
    assert.deepEqual(finalRows([], steps), ['c2'])
    const back = planDowngrade(graph, ['c2'], 'b')
    assert.deepEqual(names(back), ['down c2', 'down c1'])
    assert.deepEqual(back[0].versionChanges, [ins('x'), upd('c2', 'c1')])
    assert.deepEqual(simulate(['c2'], back), [['c1', 'x'], ['b', 'x']])
  })
})

describe('a version table where a row sits below another row', () => {
  it('still moves rows like Alembic', () => {
    const up = planUpgrade(linear(), ['a', 'c'], 'e')
    assert.deepEqual(names(up), ['up d', 'up e'])
    assert.deepEqual(simulate(['a', 'c'], up), [['a', 'd'], ['a', 'e']])
    const down = planDowngrade(linear(), ['b', 'd'], 'a')
    assert.deepEqual(names(down), ['down d', 'down c', 'down b'])
    assert.deepEqual(simulate(['b', 'd'], down), [['b', 'c'], ['b'], ['a']])
    const merge = planUpgrade(merged(), ['d1', 'b', 'd2'], 'e')
    assert.deepEqual(merge[0].versionChanges, [del('d1'), upd('d2', 'e')])
    assert.deepEqual(finalRows(['d1', 'b', 'd2'], merge), ['b', 'e'])
  })
})
