import { RevisionError, commaList } from './errors.js'
import type { RevisionGraph } from './graph.js'
import type { RevisionHeader } from './header.js'
import { filterForLineage, parseDowngradeTarget, parseUpgradeTarget, resolveBranch, resolveRevisions } from './resolve.js'
import { VersionTableSimulator, type VersionChange } from './version-table.js'

export type { VersionChange } from './version-table.js'

export interface MigrationStep {
  revision: RevisionHeader
  direction: 'up' | 'down'
  /** What to do to the version table after the step's migration ran, in order. */
  versionChanges: VersionChange[]
}

/**
 * The steps of `upgrade <target>` from the version table rows `currentHeads`: the target's ancestors (with
 * dependencies) that are not already applied, oldest first, one branch finished before the next.
 */
export function planUpgrade(graph: RevisionGraph, currentHeads: readonly string[], target: string): MigrationStep[] {
  const current = checkCurrent(graph, currentHeads)
  const targets = parseUpgradeTarget(graph, current, target)
  // Already there (the usual `upgrade head` with nothing to do): every target's ancestors are applied, no walk needed.
  if (targets.every((id) => current.includes(id))) return []
  const order = graph.upgradeOrder(current, targets)
  const table = new VersionTableSimulator(graph, current)
  const steps: MigrationStep[] = new Array(order.length)
  for (let k = 0; k < order.length; k++) {
    const revision = order[k]!
    steps[k] = { revision, direction: 'up', versionChanges: table.upgrade(revision.revision) }
  }
  return steps
}

/**
 * The steps of `downgrade <target>`: every applied revision above the target (and everything that depends on
 * those), newest first. `base` takes everything down; the current revision gives no steps; a target that is not
 * below the current revisions is an error.
 */
export function planDowngrade(graph: RevisionGraph, currentHeads: readonly string[], target: string): MigrationStep[] {
  const current = checkCurrent(graph, currentHeads)
  const { branchLabel, revision } = parseDowngradeTarget(graph, current, target)
  let roots = revision === null ? graph.bases : graph.children(revision)
  if (branchLabel && roots.length > 1) {
    // Only the roots on the named branch go.
    const onBranch = graph.ancestors([resolveBranch(graph, branchLabel)], { includeDependencies: false })
    roots = roots.filter((root) => onBranch.has(root))
    if (roots.length === 0) {
      throw new RevisionError(`'${target}' is not a valid downgrade target from the current revisions (${commaList(current)})`, 'not-ancestor')
    }
  }
  const applied = graph.ancestors(current)
  const dropped = [...graph.descendants(roots)].filter((id) => applied.has(id))
  if (revision !== null && dropped.length === 0 && !current.includes(revision)) {
    throw new RevisionError(
      `Destination ${revision} is not a valid downgrade target from current head(s) (${commaList(current) || 'none'}): it is not below them`,
      'not-ancestor',
    )
  }
  const order = graph.sortNewestFirst(dropped, current)
  const table = new VersionTableSimulator(graph, current)
  return order.map((id) => ({ revision: graph.require(id), direction: 'down', versionChanges: table.downgrade(id) }))
}

/**
 * The version table changes of `stamp <targets…>` (after Alembic's `_stamp_revs`): no migration runs. Each
 * destination replaces the rows on its own line (its ancestors and descendants): one is updated to it, the others
 * deleted; a destination with no row on its line is inserted; one already a row is left alone. `base` (or no
 * target) deletes the rows on the named line (every row for plain `base`). With `purge`, every row is deleted
 * first, rows unknown to the graph included, so a table pointing at missing files can be reset.
 */
export function planStamp(
  graph: RevisionGraph,
  currentHeads: readonly string[],
  targets: readonly string[],
  purge: boolean,
): VersionChange[] {
  const changes: VersionChange[] = []
  let current: string[]
  if (purge) {
    for (const row of unique(currentHeads)) changes.push({ kind: 'delete', revision: row })
    current = []
  } else {
    current = checkCurrent(graph, currentHeads)
  }
  const table = new VersionTableSimulator(graph, current)
  const named = targets.length > 0 ? [...targets] : ['base']
  const destinations = unique(named.flatMap((target) => resolveRevisions(graph, target)))
  if (destinations.length === 0) {
    const affected = unique(named.flatMap((target) => filterForLineage(graph, current, target, true)))
    for (const row of affected) changes.push(...table.apply([{ kind: 'delete', revision: row }]))
    return changes
  }
  for (const destination of destinations) {
    const rows = table.rows
    if (rows.includes(destination)) continue
    const line = graph.lineage([destination], true)
    const replaced = rows.filter((row) => line.has(row))
    changes.push(...table.apply(stampChanges(replaced, destination)))
  }
  return changes
}

/** Moves the `replaced` rows (maybe none) to `destination` in one step. */
function stampChanges(replaced: string[], destination: string): VersionChange[] {
  if (replaced.length === 0) return [{ kind: 'insert', revision: destination }]
  const changes: VersionChange[] = replaced.slice(0, -1).map((row) => ({ kind: 'delete', revision: row }))
  changes.push({ kind: 'update', from: replaced[replaced.length - 1], to: destination })
  return changes
}

/** The version table rows, deduplicated; a row no file defines stops the run with a way out. */
function checkCurrent(graph: RevisionGraph, currentHeads: readonly string[]): string[] {
  const rows = unique(currentHeads)
  const unknown = rows.filter((row) => !graph.has(row))
  if (unknown.length > 0) throw unknownCurrentError(graph, unknown)
  return rows
}

/**
 * The version table names revisions no file defines (a file deleted, another branch checked out). Plain `stamp`
 * cannot place such a row on the graph either, so the way out is `stamp --purge`, or bringing the file back.
 */
export function unknownCurrentError(graph: RevisionGraph, unknown: readonly string[]): RevisionError {
  const where = graph.versionsDir ?? 'the versions folder'
  const what = unknown.length === 1 ? `revision '${unknown[0]}', which no file in ${where} has` : `revisions ${unknown.map((id) => `'${id}'`).join(', ')}, which no file in ${where} has`
  return new RevisionError(
    `the database is at ${what}; restore the file, or run 'strata stamp --purge <rev>' to record the revision the database is really at`,
    'unknown-current',
  )
}

function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)]
}
