import { RevisionError, commaList } from './errors.js'
import type { RevisionHeader } from './header.js'
import { findCycle } from './graph-order.js'
import { EdgeLists, uniqueNumbers } from './graph-edges.js'

/** Characters Alembic reserves for target syntax (`label@rev`, `rev+2`, `a:b`). */
const ILLEGAL_ID_CHARACTERS = ['@', '-', '+', ':']
const ILLEGAL_ID_PATTERN = /[@\-+:]/
const RESERVED_NAMES = new Set(['head', 'heads', 'base', 'current'])

/** The shared empty edge list (most revisions have no dependencies). */
const NONE: readonly number[] = Object.freeze([])

/** What the graph snapshot stores of a validated graph (graph-snapshot.ts). */
export interface StoredGraph {
  rank: Int32Array
  parents: EdgeLists
  deps: EdgeLists
}

/**
 * The revision graph's edges and ranks as positions in the header list, built and validated in one go: ids and
 * labels usable and unique, every downRevision and dependsOn resolved, no cycle. RevisionGraph answers from it.
 */
export class GraphIndex {
  readonly indexById = new Map<string, number>()
  readonly labelOwnerIndex = new Map<string, number>()
  parentsOf!: EdgeLists
  /** Resolved dependsOn (labels replaced by the revision carrying them), without duplicates. */
  depsOf!: EdgeLists
  /** parents then dependencies, without duplicates: every edge an upgrade must respect. */
  downOf!: EdgeLists
  childrenOf!: EdgeLists
  dependentsOf!: EdgeLists
  /** Longest path from a revision with no down edges; strictly decreases along every down edge. */
  rank!: Int32Array

  /**
   * `stored`: what the graph snapshot kept when exactly these header fields were last validated (its caller
   * compares them byte for byte). Then only its own consistency is checked (edges against the headers, ranks
   * along the edges, ids unique); any disagreement means the whole validation below, as without a snapshot.
   */
  constructor(
    private readonly list: readonly RevisionHeader[],
    private readonly versionsDir: string | undefined,
    stored?: StoredGraph,
  ) {
    if (stored && this.adopt(stored)) return
    this.indexById.clear()
    this.labelOwnerIndex.clear()
    this.indexHeaders()
    this.indexLabels()
    this.linkEdges()
    this.rankOrDetectCycle()
  }

  get dependencyCount(): number {
    return this.depsOf.edgeCount
  }

  /** Takes a stored graph when it is whole and agrees with the headers (false: validate from scratch). */
  private adopt(stored: StoredGraph): boolean {
    const list = this.list
    const n = list.length
    if (stored.rank.length !== n || stored.parents.size !== n || stored.deps.size !== n) return false
    const indexById = this.indexById
    for (let i = 0; i < n; i++) indexById.set(list[i]!.revision, i)
    if (indexById.size !== n) return false
    for (let i = 0; i < n; i++) {
      const labels = list[i]!.branchLabels
      for (let k = 0; k < labels.length; k++) this.labelOwnerIndex.set(labels[k]!, i)
    }
    if (!storedEdgesMatch(list, stored)) return false
    this.setEdges(stored.parents, stored.deps)
    this.rank = stored.rank
    return ranksFit(this.downOf, this.rank)
  }

  private setEdges(parents: EdgeLists, deps: EdgeLists): void {
    this.parentsOf = parents
    this.depsOf = deps
    this.downOf = parents.union(deps)
    this.childrenOf = parents.reversed()
    this.dependentsOf = deps.reversed()
  }

  /** One pass over the headers, reading each field once: this runs cold (interpreted) on every command. */
  private indexHeaders(): void {
    const list = this.list
    const indexById = this.indexById
    for (let i = 0; i < list.length; i++) {
      const header = list[i]
      const id = header.revision
      if (ILLEGAL_ID_PATTERN.test(id) || RESERVED_NAMES.has(id)) throw unusableIdError(header)
      const down = header.downRevision
      if (down === id || (down !== null && typeof down !== 'string' && down.includes(id))) throw graphError(`revision '${id}' in ${header.path} names itself as its downRevision`)
      const deps = header.dependsOn
      if (deps.length > 0 && deps.includes(id)) throw graphError(`revision '${id}' in ${header.path} names itself in dependsOn`)
      const size = indexById.size
      indexById.set(id, i)
      if (indexById.size === size) {
        const earlier = list.findIndex((other) => other.revision === id)
        throw graphError(`revision '${id}' is defined twice: ${list[earlier].path} and ${header.path}`)
      }
    }
  }

  private indexLabels(): void {
    for (let i = 0; i < this.list.length; i++) {
      const header = this.list[i]
      if (header.branchLabels.length === 0) continue
      for (const label of header.branchLabels) {
        const where = `'${header.revision}' (${header.path})`
        if (/[@:]/.test(label) || label.trim() === '' || RESERVED_NAMES.has(label)) {
          throw graphError(`branch label '${label}' on ${where} is not usable (no @ or :, not head/heads/base/current)`)
        }
        const owner = this.labelOwnerIndex.get(label)
        if (owner !== undefined && owner !== i) {
          const other = this.list[owner]
          throw graphError(`branch label '${label}' is used twice: by '${other.revision}' (${other.path}) and by ${where}`)
        }
        const sameId = this.indexById.get(label)
        if (sameId !== undefined) {
          throw graphError(`branch label '${label}' on ${where} is also the id of revision '${label}' (${this.list[sameId].path})`)
        }
        this.labelOwnerIndex.set(label, i)
      }
    }
  }

  private linkEdges(): void {
    const list = this.list
    const parentLists: (readonly number[])[] = new Array(list.length)
    const depLists: (readonly number[])[] = new Array(list.length)
    for (let i = 0; i < list.length; i++) {
      const header = list[i]
      const down = header.downRevision
      parentLists[i] = down === null ? NONE : typeof down === 'string' ? [this.parentIndex(header, down)] : unique(down.map((parent) => this.parentIndex(header, parent)))
      depLists[i] = header.dependsOn.length === 0 ? NONE : this.dependencyIndexes(header, i)
    }
    this.setEdges(EdgeLists.fromLists(parentLists), EdgeLists.fromLists(depLists))
  }

  private parentIndex(header: RevisionHeader, parent: string): number {
    const index = this.indexById.get(parent)
    if (index === undefined) {
      throw graphError(`revision '${header.revision}' in ${header.path} revises '${parent}', which no file in ${this.versionsDir ?? 'the versions folder'} defines`)
    }
    return index
  }

  private dependencyIndexes(header: RevisionHeader, i: number): readonly number[] {
    return unique(
      header.dependsOn.map((dep) => {
        const index = this.indexById.get(dep) ?? this.labelOwnerIndex.get(dep)
        if (index === undefined) {
          throw graphError(
            `revision '${header.revision}' in ${header.path} depends on '${dep}', which is neither a revision nor a branch label in ${this.versionsDir ?? 'the versions folder'}`,
          )
        }
        if (index === i) throw graphError(`revision '${header.revision}' in ${header.path} depends on itself through label '${dep}'`)
        return index
      }),
    )
  }

  /** Kahn's algorithm over all down edges: ranks every revision, or names a cycle when some are left over. */
  private rankOrDetectCycle(): void {
    const n = this.list.length
    const rank = (this.rank = new Int32Array(n))
    const pending = new Int32Array(n)
    const queue: number[] = []
    for (let i = 0; i < n; i++) {
      pending[i] = this.downOf.count(i)
      if (pending[i] === 0) queue.push(i)
    }
    for (let head = 0; head < queue.length; head++) {
      const v = queue[head]
      for (const up of upEdges(this.childrenOf, this.dependentsOf, v)) {
        if (rank[up] <= rank[v]) rank[up] = rank[v] + 1
        if (--pending[up] === 0) queue.push(up)
      }
    }
    if (queue.length === n) return
    const cycle = findCycle(this.downOf, pending)
    const ids = [...cycle, cycle[0]].map((i) => this.list[i].revision)
    const files = cycle.map((i) => this.list[i].path)
    throw graphError(`revisions form a cycle (each revises or depends on the next): ${ids.join(' -> ')}; files: ${commaList(files)}`)
  }
}

/**
 * Whether the stored edges are those the headers name: each parent and dependency, in order, is the revision
 * with that id (or, for a dependency, carrying that label). Compares strings; builds nothing.
 */
function storedEdgesMatch(list: readonly RevisionHeader[], stored: StoredGraph): boolean {
  const { parents, deps } = stored
  for (let i = 0; i < list.length; i++) {
    const header = list[i]!
    const down = header.downRevision
    const count = parents.count(i)
    if (down === null ? count !== 0 : typeof down === 'string' ? count !== 1 || list[parents.at(i, 0)]?.revision !== down : !sameIds(list, parents, i, down, false)) return false
    if (header.dependsOn.length === 0 ? deps.count(i) !== 0 : !sameIds(list, deps, i, header.dependsOn, true)) return false
  }
  return true
}

/** Whether the edges of `i` are exactly `names` resolved (duplicates dropped), in order. */
function sameIds(list: readonly RevisionHeader[], edges: EdgeLists, i: number, names: readonly string[], labels: boolean): boolean {
  const distinct = [...new Set(names)]
  if (edges.count(i) !== distinct.length) return false
  return distinct.every((name, k) => {
    const target = list[edges.at(i, k)]
    return target !== undefined && edges.at(i, k) !== i && (target.revision === name || (labels && target.branchLabels.includes(name)))
  })
}

/**
 * Whether every rank is one more than the highest rank below it (0 with nothing below): true exactly when `rank`
 * is the longest path from a root, which also proves there is no cycle.
 */
function ranksFit(downOf: EdgeLists, rank: Int32Array): boolean {
  const { start, targets } = downOf
  for (let i = 0; i < rank.length; i++) {
    let expected = 0
    for (let e = start[i]!; e < start[i + 1]!; e++) {
      const below = rank[targets[e]!]! + 1
      if (below > expected) expected = below
    }
    if (rank[i] !== expected) return false
  }
  return true
}

/** Children and dependents of a revision, without duplicates. */
export function upEdges(childrenOf: EdgeLists, dependentsOf: EdgeLists, i: number): readonly number[] {
  if (dependentsOf.count(i) === 0) return childrenOf.list(i)
  return uniqueNumbers([...childrenOf.list(i), ...dependentsOf.list(i)])
}

function unique<T>(items: readonly T[]): readonly T[] {
  return items.length < 2 ? items : [...new Set(items)]
}

function unusableIdError(header: RevisionHeader): RevisionError {
  const id = header.revision
  if (RESERVED_NAMES.has(id)) return graphError(`revision id '${id}' in ${header.path} is a reserved word (head, heads, base, current)`)
  const illegal = ILLEGAL_ID_CHARACTERS.filter((ch) => id.includes(ch))
  return graphError(`revision id '${id}' in ${header.path} contains ${illegal.map((c) => `'${c}'`).join(', ')}, which targets reserve (@ - + :)`)
}

function graphError(message: string): RevisionError {
  return new RevisionError(message, 'graph')
}
