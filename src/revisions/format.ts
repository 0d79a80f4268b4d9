import { commaList } from './errors.js'
import { type RevisionGraph, SHAPE_BRANCH_POINT, SHAPE_HEAD, SHAPE_MERGE_POINT, SHAPE_REAL_HEAD } from './graph.js'
import { allCurrentRevisions } from './resolve.js'

/** Which parts of a one-line revision description to show (Alembic's `Script._head_only`). */
export interface RevisionLineOptions {
  /** `a, b -> c` (with `(deps)` after the parents when the revision has dependsOn). */
  includeParents?: boolean
  /** The branch labels that apply, `(one)`. */
  includeBranches?: boolean
  /** `, <message>` at the end. */
  includeDoc?: boolean
  /** `(head)`, `(effective head)`, `(current)`; default true. */
  headIndicators?: boolean
  /** `(branchpoint)`, `(mergepoint)`; default true. */
  treeIndicators?: boolean
  /** Revisions to mark `(current)`. */
  current?: Iterable<string>
}

/** `<base>` for a first revision, else its downRevision ids: `a, b`. */
export function formatDownRevisions(graph: RevisionGraph, id: string): string {
  return downRevisionsAt(graph, graph.positionOf(id))
}

function downRevisionsAt(graph: RevisionGraph, i: number): string {
  // The usual revision has one parent: its header already holds the text.
  const down = graph.headerAt(i).downRevision
  if (typeof down === 'string') return down
  const parents = graph.parents(graph.headerAt(i).revision)
  return parents.length === 0 ? '<base>' : commaList(parents)
}

/** One line about a revision, e.g. `a, b -> e (mergepoint), merge` or `c1 (one) (head)`. */
export function formatRevisionLine(graph: RevisionGraph, id: string, options: RevisionLineOptions = {}): string {
  return formatLineAt(graph, graph.positionOf(id), options, options.current ? new Set(options.current) : undefined)
}

/** `formatRevisionLine` for many revisions: one id lookup each, and `current` made a set once. */
export function formatRevisionLines(graph: RevisionGraph, ids: readonly string[], options: RevisionLineOptions = {}): string[] {
  const current = options.current ? new Set(options.current) : undefined
  const lines: string[] = new Array(ids.length)
  for (let k = 0; k < ids.length; k++) lines[k] = formatLineAt(graph, graph.positionOf(ids[k]!), options, current)
  return lines
}

function formatLineAt(graph: RevisionGraph, i: number, options: RevisionLineOptions, current: ReadonlySet<string> | undefined): string {
  const header = graph.headerAt(i)
  const id = header.revision
  const headIndicators = options.headIndicators ?? true
  const treeIndicators = options.treeIndicators ?? true
  let text = id
  if (options.includeParents) {
    const deps = header.dependsOn.length > 0 ? ` (${commaList(header.dependsOn)})` : ''
    text = `${downRevisionsAt(graph, i)}${deps} -> ${text}`
  }
  if (options.includeBranches) {
    const labels = graph.labelsAt(i)
    if (labels.length > 0) text += ` (${commaList(labels)})`
  }
  const shape = headIndicators || treeIndicators ? graph.shapeFlagsAt(i) : 0
  if (headIndicators || treeIndicators) {
    if (shape & SHAPE_REAL_HEAD) text += ' (head)'
    else if (shape & SHAPE_HEAD) text += ' (effective head)'
    if (current?.has(id)) text += ' (current)'
  }
  if (treeIndicators) {
    if (shape & SHAPE_BRANCH_POINT) text += ' (branchpoint)'
    if (shape & SHAPE_MERGE_POINT) text += ' (mergepoint)'
  }
  if (options.includeDoc) text += `, ${header.message}`
  return text
}

/**
 * The multi-line description of `history -v`, `show` and `current -v` (Alembic's `log_entry`): Rev, Parent or
 * Merges, Also depends on, Branches into, Branch names, Path, then the doc comment indented. Ends with a newline,
 * so printed entries are separated by a blank line.
 */
export function formatRevisionVerbose(graph: RevisionGraph, id: string, options: { current?: Iterable<string> } = {}): string {
  const header = graph.require(id)
  const current = options.current ? new Set(options.current) : new Set<string>()
  const marks = [
    graph.isHead(id) ? ' (head)' : '',
    graph.isBranchPoint(id) ? ' (branchpoint)' : '',
    graph.isMergePoint(id) ? ' (mergepoint)' : '',
    current.has(id) ? ' (current)' : '',
  ].join('')
  const lines = [`Rev: ${id}${marks}`]
  lines.push(`${graph.isMergePoint(id) ? 'Merges' : 'Parent'}: ${formatDownRevisions(graph, id)}`)
  if (header.dependsOn.length > 0) lines.push(`Also depends on: ${commaList(header.dependsOn)}`)
  if (graph.isBranchPoint(id)) lines.push(`Branches into: ${commaList(graph.children(id))}`)
  const labels = graph.labelsOf(id)
  if (labels.length > 0) lines.push(`Branch names: ${commaList(labels)}`)
  lines.push(`Path: ${header.path}`)
  lines.push('')
  for (const line of header.doc.split('\n')) lines.push(line === '' ? '' : `    ${line}`)
  return `${lines.join('\n')}\n`
}

/**
 * What `current` prints for the version table `rows`: one line per current revision (dependencies implied by a
 * row count as current), like `c1 (head)` or `b (branchpoint)`; with `verbose`, the multi-line form. A row no file
 * defines is listed as such.
 */
export function describeCurrent(graph: RevisionGraph, rows: readonly string[], verbose = false): string[] {
  const lines: string[] = []
  for (const row of rows) {
    if (!graph.has(row)) lines.push(`${row} (no revision file has this id: restore the file, or fix the version table with 'strata stamp --purge <rev>')`)
  }
  for (const id of allCurrentRevisions(graph, rows)) {
    lines.push(verbose ? formatRevisionVerbose(graph, id) : formatRevisionLine(graph, id))
  }
  return lines
}
