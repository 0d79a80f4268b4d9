/** The revision graph of strata: reading revision headers, validating the graph, resolving targets, planning runs. */
import type { RevisionGraph } from './graph.js'
import { parseUpgradeTarget } from './resolve.js'

export { RevisionError, type RevisionErrorCode } from './errors.js'
export { parseRevisionHeader, leadingDocComment, type RevisionHeader } from './header.js'
export { loadRevisionHeaders, loadRevisionGraph, isRevisionFileName, revisionFileBytes, revisionFileChecksum, type LoadRevisionsOptions } from './script-directory.js'
export { RevisionGraph, parentIds, type RevisionGraphOptions, type TraversalOptions } from './graph.js'
export {
  parseRelativeTarget,
  resolveRevisionNumber,
  currentHead,
  resolveRevisions,
  resolveRevision,
  revisionForIdent,
  resolveBranch,
  filterForLineage,
  allCurrentRevisions,
  walk,
  parseUpgradeTarget,
  parseDowngradeTarget,
  type RelativeTarget,
  type TargetOptions,
  type DowngradeTarget,
} from './resolve.js'
export { planUpgrade, planDowngrade, planStamp, type MigrationStep } from './plan.js'
export { applyVersionChanges, VersionTableSimulator, type VersionChange } from './version-table.js'
export {
  formatRevisionLine,
  formatRevisionLines,
  formatRevisionVerbose,
  formatDownRevisions,
  describeCurrent,
  type RevisionLineOptions,
} from './format.js'
export { historyRange, formatHistoryLine, formatHistoryLines } from './history.js'
export { drawGraph, type DrawGraphOptions } from './graph-drawing.js'

/**
 * The revision ids a target names, absolute or relative to `currentHeads` (upgrade semantics): `heads` → every
 * head, `base` → [], `label@head`, `+1`, `abc+2`, a prefix…
 */
export function resolveRevisionIds(graph: RevisionGraph, target: string, currentHeads: readonly string[] = []): string[] {
  return parseUpgradeTarget(graph, currentHeads, target)
}
