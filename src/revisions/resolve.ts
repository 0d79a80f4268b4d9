import { RevisionError, commaList } from './errors.js'
import type { RevisionGraph } from './graph.js'

/**
 * Target resolution, following Alembic's `RevisionMap`: `head`, `heads`, `base`, full ids, unique prefixes, branch
 * labels, `label@head`, `label@base`, `REV@head`, and relative forms `+N`, `-N`, `REV+N`, `head-N`, `base+N`,
 * `label@+N`, `label@-N`, `label@head-N`. A position is a revision id, or null for "base" (before every revision).
 */

export interface RelativeTarget {
  branchLabel: string | null
  symbol: string | null
  relative: number
  text: string
}

const RELATIVE_TARGET = /^(?:([^@]+)@)?([^@+\-:]+)?([+-]\d+)$/

/** Splits `label@symbol+N` and friends; null when the target is absolute. */
export function parseRelativeTarget(target: string): RelativeTarget | null {
  const match = RELATIVE_TARGET.exec(target.trim())
  if (!match) return null
  return { branchLabel: match[1] ?? null, symbol: match[2] ?? null, relative: Number(match[3]), text: match[3] }
}

/** `x@y` → label x; `heads`, `head`, `base` → the revisions they stand for; otherwise the id as given. */
export function resolveRevisionNumber(graph: RevisionGraph, target: string): { ids: string[]; branchLabel: string | null } {
  let branchLabel: string | null = null
  let id = target
  const at = target.indexOf('@')
  if (at >= 0) {
    branchLabel = target.slice(0, at) || null
    id = target.slice(at + 1)
  }
  if (id === 'heads') {
    return { ids: branchLabel ? filterForLineage(graph, graph.heads, branchLabel) : graph.realHeads, branchLabel }
  }
  if (id === 'head') {
    const head = currentHead(graph, branchLabel)
    return { ids: head === null ? [] : [head], branchLabel }
  }
  if (id === 'base' || id === '') return { ids: [], branchLabel }
  return { ids: [id], branchLabel }
}

/** The single head (of a branch when `branchLabel` is given); null when there are no revisions. */
export function currentHead(graph: RevisionGraph, branchLabel: string | null = null): string | null {
  const heads = branchLabel ? filterForLineage(graph, graph.heads, branchLabel) : graph.heads
  if (heads.length > 1) throw multipleHeads(branchLabel ? `${branchLabel}@head` : 'head', heads)
  return heads[0] ?? null
}

function multipleHeads(argument: string, heads: readonly string[]): RevisionError {
  return new RevisionError(
    `Multiple heads are present for given argument '${argument}': ${commaList(heads)}; name one revision, ` +
      `use '<branch label>@head' to narrow to one branch, or 'heads' for all of them`,
    'ambiguous',
  )
}

/** Every revision an absolute target names (Alembic's `get_revisions`); `base` gives []. */
export function resolveRevisions(graph: RevisionGraph, target: string): string[] {
  if (parseRelativeTarget(target)) {
    throw new RevisionError(`'${target}' is a relative target; only an absolute revision is accepted here`, 'unknown-revision')
  }
  const { ids, branchLabel } = resolveRevisionNumber(graph, target)
  return ids.map((id) => revisionForIdent(graph, id, branchLabel))
}

/** The single revision an absolute target names; null for base; throws when it names several (`heads`). */
export function resolveRevision(graph: RevisionGraph, target: string): string | null {
  const { ids, branchLabel } = resolveRevisionNumber(graph, target)
  if (ids.length > 1) throw multipleHeads(target, ids)
  return ids.length === 0 ? null : revisionForIdent(graph, ids[0], branchLabel)
}

/** A full id, a branch label, or a unique prefix; checked to be on `checkBranch` when one is given. */
export function revisionForIdent(graph: RevisionGraph, ident: string, checkBranch: string | null = null): string {
  const branchRevision = checkBranch ? resolveBranch(graph, checkBranch) : null
  let revision = graph.has(ident) ? ident : graph.labelOwner(ident)
  if (revision === undefined) {
    let candidates = graph.idsWithPrefix(ident)
    if (checkBranch && candidates.length > 1) candidates = filterForLineage(graph, candidates, checkBranch)
    if (candidates.length === 0) {
      throw new RevisionError(`Can't locate revision identified by '${ident}'`, 'unknown-revision')
    }
    if (candidates.length > 1) {
      const shown = candidates.length > 10 ? [...candidates.slice(0, 10), '…'] : candidates
      throw new RevisionError(`Multiple revisions start with '${ident}': ${commaList(shown)}`, 'ambiguous')
    }
    revision = candidates[0]
  }
  if (branchRevision !== null && !graph.lineage([branchRevision]).has(revision)) {
    throw new RevisionError(`Revision ${revision} is not a member of branch '${checkBranch}'`, 'unknown-revision')
  }
  return revision
}

/** A branch label's revision; a revision id (or prefix) is accepted as a branch name too. */
export function resolveBranch(graph: RevisionGraph, branch: string): string {
  const owner = graph.labelOwner(branch)
  if (owner !== undefined) return owner
  try {
    return revisionForIdent(graph, branch)
  } catch (error) {
    if (error instanceof RevisionError && error.code === 'unknown-revision') {
      throw new RevisionError(`Can't locate branch or revision identified by '${branch}'`, 'unknown-revision')
    }
    throw error
  }
}

/** The revisions of `ids` that are ancestors or descendants of what `checkAgainst` names (Alembic's filter_for_lineage). */
export function filterForLineage(
  graph: RevisionGraph,
  ids: readonly string[],
  checkAgainst: string,
  includeDependencies = false,
): string[] {
  const lineage = lineageOf(graph, checkAgainst, includeDependencies)
  return lineage === null ? [...ids] : ids.filter((id) => lineage.has(id))
}

/** Every revision sharing lineage with what `target` names; null when it names nothing (base), which matches all. */
function lineageOf(graph: RevisionGraph, target: string, includeDependencies: boolean): Set<string> | null {
  const { ids: named, branchLabel } = resolveRevisionNumber(graph, target)
  const shares = branchLabel ? [branchLabel, ...named] : named
  if (shares.length === 0) return null
  return graph.lineage(
    shares.map((share) => resolveBranch(graph, share)),
    includeDependencies,
  )
}

/**
 * The revisions the database is at, including those implied by dependencies, reduced to the tips (Alembic's
 * `_get_all_current`): what `current` prints.
 */
export function allCurrentRevisions(graph: RevisionGraph, rows: readonly string[]): string[] {
  const known = rows.filter((row) => graph.has(row))
  // One row and no dependsOn anywhere: everything below it is reached through a child, so the row is the only tip.
  if (known.length === 1 && !graph.hasDependencies) return known
  const all = graph.ancestors(known)
  const tips = [...all].filter((id) => !graph.children(id).some((child) => all.has(child)))
  return graph.sortNewestFirst(tips, [...rows])
}

/**
 * Walks `steps` revisions up (positive) or down (negative) from `start` (null = base). Walking up follows the
 * branch `branchLabel` when given. Returns undefined when the walk runs off the graph and `noOverwalk` is set,
 * otherwise stops at the end. Throws when the way is ambiguous.
 */
export function walk(
  graph: RevisionGraph,
  start: string | null,
  steps: number,
  branchLabel: string | null = null,
  noOverwalk = true,
): string | null | undefined {
  let position = start
  const branch = branchLabel && steps > 0 ? lineageOf(graph, branchLabel, false) : null
  for (let step = 0; step < Math.abs(steps); step++) {
    let next: (string | null)[]
    if (steps > 0) {
      next = position === null ? graph.bases : graph.children(position)
      if (branch) next = next.filter((id) => branch.has(id as string))
      if (next.length > 1) {
        const from = position === null ? 'base: there are several bases' : `${position}: it branches into`
        throw new RevisionError(`Can't walk up from ${from} ${commaList(next as string[])}; name the branch (label@+N)`, 'ambiguous')
      }
    } else {
      if (position === null) next = []
      else {
        const parents = graph.parents(position)
        if (parents.length > 1) {
          throw new RevisionError(`Can't walk down from ${position}: it merges ${commaList(parents)}; start from one of them`, 'ambiguous')
        }
        next = parents.length === 0 ? [null] : parents
      }
    }
    if (next.length === 0) return noOverwalk ? undefined : position
    position = next[0]
  }
  return position
}

function relativeError(relative: RelativeTarget, from: string | null): RevisionError {
  const count = Math.abs(relative.relative)
  return new RevisionError(`relative ${relative.text} from ${from ?? '<base>'} did not produce ${count} migrations`, 'relative')
}

export interface TargetOptions {
  /** Fail when a relative walk runs off the graph (default); history passes false to stop at the end instead. */
  assertRelativeLength?: boolean
}

/** The revisions an upgrade target means, given the version table rows (Alembic's `_parse_upgrade_target`). */
export function parseUpgradeTarget(
  graph: RevisionGraph,
  currentHeads: readonly string[],
  target: string,
  options: TargetOptions = {},
): string[] {
  const noOverwalk = options.assertRelativeLength ?? true
  const relative = parseRelativeTarget(target)
  if (!relative) return resolveRevisions(graph, target)
  const { branchLabel, symbol } = relative
  let start: string | null
  let result: string | null | undefined
  if (relative.relative > 0 && symbol === null) {
    start = upgradeStart(graph, unique(currentHeads), branchLabel, target)
    result = walk(graph, start, relative.relative, branchLabel, noOverwalk)
  } else if (relative.relative > 0) {
    start = resolveRevision(graph, symbol as string)
    result = walk(graph, start, relative.relative, branchLabel, noOverwalk)
  } else {
    if (symbol === null) {
      throw new RevisionError(`upgrade target '${target}' points down; use 'downgrade ${target}'`, 'relative')
    }
    start = resolveRevision(graph, branchLabel ? `${branchLabel}@${symbol}` : symbol)
    result = walk(graph, start, relative.relative, null, noOverwalk)
  }
  if (result === undefined) throw relativeError(relative, start)
  return result === null ? [] : [result]
}

/** Where `+N` (or `label@+N`) starts from: the one current revision on the branch, or the branch's tip below it. */
function upgradeStart(graph: RevisionGraph, current: string[], branchLabel: string | null, target: string): string | null {
  let starts: (string | null)[] = current.length > 0 ? current : [null]
  if (branchLabel) {
    starts = filterForLineage(graph, current, branchLabel)
    if (starts.length === 0) {
      // The branch is not current: start from the highest current revision on its line (or base).
      const active = filterForLineage(graph, [...graph.ancestors(current)], branchLabel)
      const below = new Set(active.flatMap((id) => graph.normalizedDownRevisions(id)))
      starts = active.filter((id) => !below.has(id))
      if (starts.length === 0) starts = [null]
    }
  }
  if (starts.length > 1) {
    throw new RevisionError(
      `Ambiguous upgrade from multiple current revisions (${commaList(starts as string[])}); ` +
        `name the branch, e.g. '<branch label>@${target.replace(/^.*@/, '')}' or '<revision>@${target.replace(/^.*@/, '')}'`,
      'ambiguous',
    )
  }
  return starts[0]
}

export interface DowngradeTarget {
  /** The branch the downgrade is restricted to (a label or revision id), when the target names one. */
  branchLabel: string | null
  /** The revision to go down to; null for base. */
  revision: string | null
}

/** What a downgrade target means, given the version table rows (Alembic's `_parse_downgrade_target`). */
export function parseDowngradeTarget(
  graph: RevisionGraph,
  currentHeads: readonly string[],
  target: string,
  options: TargetOptions = {},
): DowngradeTarget {
  const noOverwalk = options.assertRelativeLength ?? true
  const relative = parseRelativeTarget(target)
  if (!relative) {
    const at = target.lastIndexOf('@')
    const branchLabel = at > 0 ? target.slice(0, at) : null
    if (branchLabel) resolveBranch(graph, branchLabel)
    return { branchLabel, revision: resolveRevision(graph, target) }
  }
  let { branchLabel, symbol } = relative
  if (relative.relative >= 0) {
    if (symbol === null) {
      throw new RevisionError(`downgrade target '${target}' points up; use 'upgrade ${target}'`, 'relative')
    }
    const start = resolveRevision(graph, symbol)
    const result = walk(graph, start, relative.relative, branchLabel, noOverwalk)
    if (result === undefined) throw relativeError(relative, start)
    return { branchLabel, revision: result }
  }
  if (symbol === null) {
    const current = unique(currentHeads)
    if (branchLabel) {
      let onBranch = filterForLineage(graph, current, branchLabel)
      if (onBranch.length === 0) onBranch = filterForLineage(graph, allCurrentRevisions(graph, current), branchLabel)
      if (onBranch.length === 0) {
        throw new RevisionError(`no current revision is on branch '${branchLabel}' (current: ${commaList(current) || 'none'})`, 'relative')
      }
      if (onBranch.length > 1) {
        throw new RevisionError(
          `downgrade ${target} is ambiguous: several current revisions are on branch '${branchLabel}' (${commaList(onBranch)})`,
          'ambiguous',
        )
      }
      symbol = onBranch[0]
    } else {
      if (current.length === 0) throw relativeError(relative, null)
      if (current.length > 1) {
        throw new RevisionError(
          `downgrade ${target} is ambiguous from several current revisions (${commaList(current)}); ` +
            `name the branch, e.g. '<branch label>@${target}' or '<revision>@${target}'`,
          'ambiguous',
        )
      }
      symbol = current[0]
      branchLabel = symbol
    }
  }
  const start = resolveRevision(graph, branchLabel ? `${branchLabel}@${symbol}` : symbol)
  const result = walk(graph, start, relative.relative, null, noOverwalk)
  if (result === undefined) throw relativeError(relative, start)
  return { branchLabel, revision: result }
}

function unique(items: readonly string[]): string[] {
  return [...new Set(items)]
}
