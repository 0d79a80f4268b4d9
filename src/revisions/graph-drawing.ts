import type { RevisionGraph } from './graph.js'

export interface DrawGraphOptions {
  /** Revisions to mark `(current)`. */
  current?: Iterable<string>
}

/**
 * The revision graph as text, like `git log --graph --oneline`: newest first, one `*` line per revision
 * (`* <rev> <message> (labels) (head) (branchpoint) (mergepoint)`), and `|`, `/`, `\` lanes between them so
 * branch points and merges are visible. Only downRevision edges are drawn (dependsOn is listed in `history -v`).
 * Each lane occupies two columns; a lane holds the revision it is waiting for.
 */
export function drawGraph(graph: RevisionGraph, options: DrawGraphOptions = {}): string[] {
  const current = new Set(options.current ?? [])
  const order = graph.sortNewestFirst(
    graph.all().map((header) => header.revision),
    graph.heads,
  )
  const lanes: string[] = []
  const lines: string[] = []
  for (const id of order) {
    let column = lanes.indexOf(id)
    if (column < 0) {
      lanes.push(id)
      column = lanes.length - 1
    }
    // Several children were waiting for this revision: bring their lanes together (a branch point).
    for (let other = lanes.indexOf(id, column + 1); other >= 0; other = lanes.indexOf(id, column + 1)) {
      lines.push(collapseRow(lanes.length, column, other))
      lanes.splice(other, 1)
    }
    lines.push(`${laneRow(lanes.length, column)} ${describe(graph, id, current)}`)
    const parents = graph.parents(id)
    if (parents.length === 0) {
      if (column < lanes.length - 1) lines.push(closeRow(lanes.length, column))
      lanes.splice(column, 1)
      continue
    }
    lanes[column] = parents[0]
    // A merge: one new lane per further parent, opened to the right of this one.
    for (let k = 1; k < parents.length; k++) {
      lines.push(openRow(lanes.length, column + k - 1))
      lanes.splice(column + k, 0, parents[k])
    }
  }
  return lines.map((line) => line.trimEnd())
}

function describe(graph: RevisionGraph, id: string, current: Set<string>): string {
  const header = graph.require(id)
  let text = header.message ? `${id} ${header.message}` : id
  const labels = graph.labelsOf(id)
  if (labels.length > 0) text += ` (${labels.join(', ')})`
  if (graph.isRealHead(id)) text += ' (head)'
  else if (graph.isHead(id)) text += ' (effective head)'
  if (current.has(id)) text += ' (current)'
  if (graph.isBranchPoint(id)) text += ' (branchpoint)'
  if (graph.isMergePoint(id)) text += ' (mergepoint)'
  if (graph.isBase(id)) text += ' (base)'
  return text
}

function blank(laneCount: number): string[] {
  return new Array(Math.max(laneCount * 2 - 1, 1)).fill(' ')
}

/** `| * |`: the revision's own lane gets the star. */
function laneRow(laneCount: number, column: number): string {
  const row = blank(laneCount)
  for (let k = 0; k < laneCount; k++) row[2 * k] = k === column ? '*' : '|'
  return row.join('')
}

/** Lane `from` joins lane `into` (to its left); the lanes after it move one to the left: `|/`, `|_|/ /`. */
function collapseRow(laneCount: number, into: number, from: number): string {
  const row = blank(laneCount)
  for (let k = 0; k < laneCount; k++) {
    if (k < from) row[2 * k] = '|'
    else row[2 * k - 1] = '/'
  }
  for (let position = 2 * into + 1; position < 2 * from - 1; position += 2) row[position] = '_'
  return row.join('')
}

/** Lane `column` ended (a base); the lanes after it move one to the left: `|  /`. */
function closeRow(laneCount: number, column: number): string {
  const row = blank(laneCount)
  for (let k = 0; k < laneCount; k++) {
    if (k < column) row[2 * k] = '|'
    else if (k > column) row[2 * k - 1] = '/'
  }
  return row.join('')
}

/** A new lane opens right after lane `after`; the lanes after it move one to the right: `|\`, `| |\ \`. */
function openRow(laneCount: number, after: number): string {
  const row = new Array(laneCount * 2 + 1).fill(' ')
  for (let k = 0; k < laneCount; k++) {
    if (k <= after) row[2 * k] = '|'
    else row[2 * k + 1] = '\\'
  }
  row[2 * after + 1] = '\\'
  return row.join('')
}
