import { RevisionError, commaList } from './errors.js'
import type { RevisionHeader } from './header.js'
import { findCycle } from './graph-order.js'

/** Characters Alembic reserves for target syntax (`label@rev`, `rev+2`, `a:b`). */
const ILLEGAL_ID_CHARACTERS = ['@', '-', '+', ':']
const ILLEGAL_ID_PATTERN = /[@\-+:]/
const RESERVED_NAMES = new Set(['head', 'heads', 'base', 'current'])

/** The shared empty edge list (most revisions have no dependencies, heads no children). */
const NONE: readonly number[] = Object.freeze([])

/**
 * The revision graph's edges and ranks as positions in the header list, built and validated in one go: ids and
 * labels usable and unique, every downRevision and dependsOn resolved, no cycle. RevisionGraph answers from it.
 */
export class GraphIndex {
  readonly indexById = new Map<string, number>()
  readonly labelOwnerIndex = new Map<string, number>()
  readonly parentsOf: (readonly number[])[]
  /** Resolved dependsOn (labels replaced by the revision carrying them), without duplicates. */
  readonly depsOf: (readonly number[])[]
  /** parents then dependencies, without duplicates: every edge an upgrade must respect. */
  readonly downOf: (readonly number[])[]
  readonly childrenOf: (readonly number[])[]
  readonly dependentsOf: (readonly number[])[]
  /** Longest path from a revision with no down edges; strictly decreases along every down edge. */
  rank: Int32Array
  dependencyCount = 0
  /** Whether `rank` came from a snapshot and has not (yet) failed a check. */
  private rankFromSnapshot: boolean

  /**
   * `validatedRanks`: the ranks stored when these headers were last validated (graph-snapshot.ts). Every check
   * still runs; the ranks are checked edge by edge instead of computed, and recomputed if any is wrong, so a stale
   * or damaged snapshot costs time, never correctness.
   */
  constructor(
    private readonly list: readonly RevisionHeader[],
    private readonly versionsDir: string | undefined,
    validatedRanks?: Int32Array,
  ) {
    const n = list.length
    this.parentsOf = new Array(n)
    this.depsOf = new Array(n)
    this.downOf = new Array(n)
    this.childrenOf = new Array<readonly number[]>(n).fill(NONE)
    this.dependentsOf = new Array<readonly number[]>(n).fill(NONE)
    this.rankFromSnapshot = validatedRanks?.length === n
    this.rank = this.rankFromSnapshot ? validatedRanks! : new Int32Array(n)
    this.indexHeaders()
    this.indexLabels()
    this.linkEdges()
    if (this.rankFromSnapshot) return
    // A stored rank that failed its check is only a lost shortcut: sort the graph as without one.
    if (validatedRanks) this.rank = new Int32Array(n)
    this.rankOrDetectCycle()
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
    for (let i = 0; i < list.length; i++) {
      const header = list[i]
      const down = header.downRevision
      // The usual revision has one parent and no dependencies: no intermediate arrays for it.
      const parents = down === null ? NONE : typeof down === 'string' ? [this.parentIndex(header, down)] : unique(down.map((parent) => this.parentIndex(header, parent)))
      const deps = header.dependsOn.length === 0 ? NONE : this.dependencyIndexes(header, i)
      this.dependencyCount += deps.length
      this.parentsOf[i] = parents
      this.depsOf[i] = deps
      const below = (this.downOf[i] = deps.length === 0 ? parents : unique([...parents, ...deps]))
      for (let k = 0; k < parents.length; k++) append(this.childrenOf, parents[k], i)
      for (let k = 0; k < deps.length; k++) append(this.dependentsOf, deps[k], i)
      if (this.rankFromSnapshot && !this.rankFits(i, below)) this.rankFromSnapshot = false
    }
  }

  /**
   * Whether `rank[i]` is one more than the highest rank below it (0 with nothing below): true for every revision
   * exactly when `rank` is the longest path from a root, which also proves there is no cycle.
   */
  private rankFits(i: number, down: readonly number[]): boolean {
    const rank = this.rank
    let expected = 0
    for (let k = 0; k < down.length; k++) if (rank[down[k]] + 1 > expected) expected = rank[down[k]] + 1
    return rank[i] === expected
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
    const pending = new Int32Array(n)
    const queue: number[] = []
    for (let i = 0; i < n; i++) {
      pending[i] = this.downOf[i].length
      if (pending[i] === 0) queue.push(i)
    }
    for (let head = 0; head < queue.length; head++) {
      const v = queue[head]
      for (const up of upEdges(this.childrenOf, this.dependentsOf, v)) {
        if (this.rank[up] <= this.rank[v]) this.rank[up] = this.rank[v] + 1
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

/** Children and dependents of a revision, without duplicates. */
export function upEdges(childrenOf: readonly (readonly number[])[], dependentsOf: readonly (readonly number[])[], i: number): readonly number[] {
  const dependents = dependentsOf[i]
  if (dependents.length === 0) return childrenOf[i]
  return unique([...childrenOf[i], ...dependents])
}

/** Adds `value` to the list at `at`, which may still be the shared empty list. */
function append(lists: (readonly number[])[], at: number, value: number): void {
  const list = lists[at]
  if (list === NONE) lists[at] = [value]
  else (list as number[]).push(value)
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
