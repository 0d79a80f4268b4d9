import { RevisionError, commaList } from './errors.js'
import type { RevisionGraph } from './graph.js'
import type { RevisionHeader } from './header.js'
import { formatRevisionLine, formatRevisionLines, formatRevisionVerbose } from './format.js'
import { unknownCurrentError } from './plan.js'
import { parseDowngradeTarget, parseRelativeTarget, parseUpgradeTarget } from './resolve.js'

/**
 * The revisions `history -r <range>` shows, newest first. `range` is `start:end` where either side may be empty
 * (base, heads), `current` (the version table rows), a revision, a label form, or relative: `-N` as the start
 * counts down from the end, `+N` as the end counts up from the start, `head-N`, `REV+N`… Relative walks stop at
 * the ends of the graph instead of failing. Without a range, every revision.
 */
export function historyRange(graph: RevisionGraph, range: string | undefined, currentHeads: readonly string[]): RevisionHeader[] {
  // `current` is only checked when the range uses it: a row no file has must not silently mean "base".
  const current = () => {
    const unknown = currentHeads.filter((row) => !graph.has(row))
    if (unknown.length > 0) throw unknownCurrentError(graph, unknown)
    return [...currentHeads]
  }
  if (range === undefined || range.trim() === '') return graph.allNewestFirst()
  const colon = range.indexOf(':')
  if (colon < 0) throw new RevisionError(`History range requires [start]:[end], [start]:, or :[end] (got '${range}')`, 'range')
  const startText = range.slice(0, colon).trim()
  const endText = range.slice(colon + 1).trim()

  const endIsRelativeToStart = isBareRelative(endText)
  let end: string[] = endIsRelativeToStart ? [] : resolveEnd(graph, endText, current, [])
  const start = resolveStart(graph, startText, current, end)
  if (endIsRelativeToStart) end = resolveEnd(graph, endText, current, start)

  const shown = graph.ancestors(end)
  for (const lower of start) {
    if (!shown.has(lower)) {
      throw new RevisionError(`Revision ${lower} is not an ancestor of revision ${commaList(end) || 'base'}`, 'not-ancestor')
    }
  }
  let selected = [...shown]
  if (start.length > 0) {
    const above = graph.descendants(start, { includeDependencies: false })
    selected = selected.filter((id) => above.has(id))
  }
  return ids(graph, graph.sortNewestFirst(selected, end))
}

/** `+N` / `-N` with no revision before the sign: relative to the other end of the range. */
function isBareRelative(text: string): boolean {
  const relative = parseRelativeTarget(text)
  return relative !== null && relative.symbol === null && relative.branchLabel === null
}

function resolveEnd(graph: RevisionGraph, text: string, current: () => string[], start: string[]): string[] {
  if (text === '' || text === 'heads') return graph.realHeads
  if (text === 'current') return current()
  return parseUpgradeTarget(graph, start, text, { assertRelativeLength: false })
}

function resolveStart(graph: RevisionGraph, text: string, current: () => string[], end: string[]): string[] {
  if (text === '' || text === 'base') return []
  if (text === 'current') return current()
  if (parseRelativeTarget(text)) {
    const { revision } = parseDowngradeTarget(graph, end, text, { assertRelativeLength: false })
    return revision === null ? [] : [revision]
  }
  return parseUpgradeTarget(graph, [], text)
}

function ids(graph: RevisionGraph, list: string[]): RevisionHeader[] {
  return list.map((id) => graph.require(id))
}

/**
 * One `history` entry as Alembic prints it: `<base> -> 2fe1a3b4c5d6 (head), add last updated on package`,
 * `a, b -> e (mergepoint), merge`, `b -> c1 (one), …`; with `verbose`, the multi-line form. Revisions in `current`
 * get `(current)`.
 */
export function formatHistoryLine(
  graph: RevisionGraph,
  revision: RevisionHeader | string,
  verbose = false,
  current?: Iterable<string>,
): string {
  const id = typeof revision === 'string' ? revision : revision.revision
  if (verbose) return formatRevisionVerbose(graph, id, { current })
  return formatRevisionLine(graph, id, { includeParents: true, includeBranches: true, includeDoc: true, current })
}

/** `formatHistoryLine` for every revision of a `history` listing, with one lookup per line. */
export function formatHistoryLines(graph: RevisionGraph, revisions: readonly RevisionHeader[], verbose = false, current?: Iterable<string>): string[] {
  if (verbose) return revisions.map((revision) => formatHistoryLine(graph, revision, true, current))
  const ids = revisions.map((revision) => revision.revision)
  return formatRevisionLines(graph, ids, { includeParents: true, includeBranches: true, includeDoc: true, current })
}
