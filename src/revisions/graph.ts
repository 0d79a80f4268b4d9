import { RevisionError, commaList } from './errors.js'
import type { RevisionHeader } from './header.js'
import { depthFirstPostOrder } from './graph-order.js'
import { GraphIndex, type StoredGraph, upEdges } from './graph-index.js'
import type { EdgeLists } from './graph-edges.js'

export interface RevisionGraphOptions {
  /** The folder the headers came from, named in error messages. */
  versionsDir?: string
  /**
   * What a previous validation of exactly these header fields stored (the graph snapshot): checked against the
   * headers and adopted instead of validating again. Only for the loader, which compares the fields byte for byte.
   */
  stored?: StoredGraph
}

export interface TraversalOptions {
  /** Follow dependsOn edges as well as downRevision edges (default true). */
  includeDependencies?: boolean
  /** Include the starting revisions themselves (default true). */
  inclusive?: boolean
  /** Only for ancestors: skip revisions whose rank is below this (their ancestors cannot matter to the caller). */
  minRank?: number
}

const NO_LABELS: readonly string[] = Object.freeze([])

export const SHAPE_HEAD = 1
export const SHAPE_REAL_HEAD = 2
export const SHAPE_BRANCH_POINT = 4
export const SHAPE_MERGE_POINT = 8

/**
 * The revision graph, validated up front: every downRevision and dependsOn resolves, ids and branch labels are
 * unique, and there is no cycle. Everything is computed in time linear in the number of revisions (normalized
 * dependencies, labels and sorts lazily, on demand). Methods take and return revision ids.
 */
export class RevisionGraph {
  readonly versionsDir: string | undefined
  private readonly list: RevisionHeader[]
  // Edges and ranks as positions in `list`, built and validated by GraphIndex (what each one is: graph-index.ts).
  private readonly indexById: Map<string, number>
  private readonly labelOwnerIndex: Map<string, number>
  private readonly parentsOf: EdgeLists
  private readonly depsOf: EdgeLists
  private readonly downOf: EdgeLists
  private readonly childrenOf: EdgeLists
  private readonly dependentsOf: EdgeLists
  private readonly rank: Int32Array
  private readonly mark: Uint32Array
  private epoch = 0
  private readonly dependencyCount: number
  private labelsCache: (string[] | undefined)[] | undefined
  private shapeCache: Map<string, string[]> | undefined
  private readonly normalizedDepsCache: (string[] | undefined)[]

  constructor(headers: readonly RevisionHeader[], options: RevisionGraphOptions = {}) {
    this.versionsDir = options.versionsDir
    this.list = [...headers]
    const built = new GraphIndex(this.list, options.versionsDir, options.stored)
    this.indexById = built.indexById
    this.labelOwnerIndex = built.labelOwnerIndex
    this.parentsOf = built.parentsOf
    this.depsOf = built.depsOf
    this.downOf = built.downOf
    this.childrenOf = built.childrenOf
    this.dependentsOf = built.dependentsOf
    this.rank = built.rank
    this.dependencyCount = built.dependencyCount
    const n = this.list.length
    this.mark = new Uint32Array(n)
    this.normalizedDepsCache = new Array(n)
  }

  // ---- lookup ----

  /** Whether any revision has dependsOn. */
  get hasDependencies(): boolean {
    return this.dependencyCount > 0
  }

  get size(): number {
    return this.list.length
  }

  /** All headers, in the order given (file-name order when loaded from a folder). */
  all(): RevisionHeader[] {
    return [...this.list]
  }

  has(id: string): boolean {
    return this.indexById.has(id)
  }

  /** The header of a full revision id, or undefined (like Map.get). */
  get(id: string): RevisionHeader | undefined {
    const i = this.indexById.get(id)
    return i === undefined ? undefined : this.list[i]
  }

  /** The header of a full revision id; throws "Can't locate revision identified by 'x'" otherwise. */
  require(id: string): RevisionHeader {
    return this.list[this.indexOf(id)]
  }

  hasLabel(label: string): boolean {
    return this.labelOwnerIndex.has(label)
  }

  /** The revision carrying `label` directly, if any. */
  labelOwner(label: string): string | undefined {
    const i = this.labelOwnerIndex.get(label)
    return i === undefined ? undefined : this.list[i].revision
  }

  /** Every branch label, with the revision that carries it. */
  labels(): Map<string, string> {
    return new Map([...this.labelOwnerIndex].map(([label, i]) => [label, this.list[i].revision]))
  }

  /** Revision ids starting with `prefix`, in graph order. */
  idsWithPrefix(prefix: string): string[] {
    const found: string[] = []
    for (const header of this.list) if (header.revision.startsWith(prefix)) found.push(header.revision)
    return found
  }

  // ---- shape ----

  /** Revisions no downRevision points at (Alembic's heads); includes revisions only other dependsOn point at. */
  get heads(): string[] {
    return this.shape('heads', (i) => this.childrenOf.count(i) === 0)
  }

  /** Revisions nothing points at, through downRevision or dependsOn (what `heads` as a target means). */
  get realHeads(): string[] {
    return this.shape('realHeads', (i) => this.childrenOf.count(i) === 0 && this.dependentsOf.count(i) === 0)
  }

  get bases(): string[] {
    return this.shape('bases', (i) => this.parentsOf.count(i) === 0)
  }

  get branchPoints(): string[] {
    return this.shape('branchPoints', (i) => this.childrenOf.count(i) > 1)
  }

  get mergePoints(): string[] {
    return this.shape('mergePoints', (i) => this.parentsOf.count(i) > 1)
  }

  /** A list of revisions with some shape, computed once (returned as a copy). */
  private shape(name: string, test: (i: number) => boolean): string[] {
    if (!this.shapeCache) this.shapeCache = new Map()
    let found = this.shapeCache.get(name)
    if (!found) {
      found = []
      for (let i = 0; i < this.list.length; i++) if (test(i)) found.push(this.list[i].revision)
      this.shapeCache.set(name, found)
    }
    return [...found]
  }

  /** What the one-line description marks, from one lookup: a sum of the `SHAPE_*` flags. */
  shapeFlags(id: string): number {
    return this.shapeFlagsAt(this.indexOf(id))
  }

  /** The position of a revision id in the header order (throws like `require`): for the `…At` methods. */
  positionOf(id: string): number {
    return this.indexOf(id)
  }

  /** The header at a position (`positionOf`). */
  headerAt(i: number): RevisionHeader {
    return this.list[i]!
  }

  /** `shapeFlags` by position. */
  shapeFlagsAt(i: number): number {
    const children = this.childrenOf.count(i)
    let flags = 0
    if (children === 0) flags |= this.dependentsOf.count(i) === 0 ? SHAPE_REAL_HEAD | SHAPE_HEAD : SHAPE_HEAD
    if (children > 1) flags |= SHAPE_BRANCH_POINT
    if (this.parentsOf.count(i) > 1) flags |= SHAPE_MERGE_POINT
    return flags
  }

  isHead(id: string): boolean {
    return this.childrenOf.count(this.indexOf(id)) === 0
  }

  isRealHead(id: string): boolean {
    const i = this.indexOf(id)
    return this.childrenOf.count(i) === 0 && this.dependentsOf.count(i) === 0
  }

  /** A head only because the revisions after it merely depend on it. */
  isEffectiveHead(id: string): boolean {
    return this.isHead(id) && !this.isRealHead(id)
  }

  isBase(id: string): boolean {
    return this.parentsOf.count(this.indexOf(id)) === 0
  }

  isBranchPoint(id: string): boolean {
    return this.childrenOf.count(this.indexOf(id)) > 1
  }

  isMergePoint(id: string): boolean {
    return this.parentsOf.count(this.indexOf(id)) > 1
  }

  /** downRevision ids. */
  parents(id: string): string[] {
    return this.ids(this.parentsOf.list(this.indexOf(id)))
  }

  /**
   * The one revision `id` revises, when it has exactly one parent and no dependencies (most steps of most
   * histories); undefined for a base, a merge point or a revision with dependencies. Allocates nothing.
   */
  soleParent(id: string): string | undefined {
    const i = this.indexOf(id)
    if (this.parentsOf.count(i) !== 1 || this.depsOf.count(i) !== 0) return undefined
    return this.list[this.parentsOf.at(i, 0)]!.revision
  }

  /** Revisions whose downRevision is `id`. */
  children(id: string): string[] {
    return this.ids(this.childrenOf.list(this.indexOf(id)))
  }

  /** dependsOn resolved to revision ids. */
  dependencies(id: string): string[] {
    return this.ids(this.depsOf.list(this.indexOf(id)))
  }

  /** Revisions whose dependsOn names `id` (or its label). */
  dependents(id: string): string[] {
    return this.ids(this.dependentsOf.list(this.indexOf(id)))
  }

  /** What the graph snapshot stores: ranks and edges (the graph's own arrays: not to be changed). */
  stored(): StoredGraph {
    return { rank: this.rank, parents: this.parentsOf, deps: this.depsOf }
  }

  /** Longest path from a root; an ancestor always has a lower rank than its descendants. */
  rankOf(id: string): number {
    return this.rank[this.indexOf(id)]
  }

  /**
   * dependsOn without the dependencies an ancestor (through downRevision) already declared: Alembic's
   * `_normalized_resolved_dependencies`, which decides how version-table rows move.
   */
  normalizedDependencies(id: string): string[] {
    const i = this.indexOf(id)
    const cached = this.normalizedDepsCache[i]
    if (cached) return cached
    const result = this.ids(this.computeNormalizedDeps(i))
    this.normalizedDepsCache[i] = result
    return result
  }

  /** downRevision ids followed by the normalized dependencies: the revisions a step moves rows from/to. */
  normalizedDownRevisions(id: string): string[] {
    return [...new Set([...this.parents(id), ...this.normalizedDependencies(id)])]
  }

  private computeNormalizedDeps(i: number): number[] {
    const ownDeps = this.depsOf.list(i)
    const candidates = new Set(ownDeps)
    if (candidates.size === 0) return []
    // Only a revision that depends on a candidate can remove it; the walk below stops under the lowest of those.
    let minRank = Infinity
    for (const dep of candidates) {
      for (const x of this.dependentsOf.list(dep)) if (x !== i && this.rank[x] < minRank) minRank = this.rank[x]
    }
    if (minRank !== Infinity) {
      const stamp = this.nextEpoch()
      const todo = this.parentsOf.list(i)
      while (todo.length > 0 && candidates.size > 0) {
        const v = todo.pop() as number
        if (this.mark[v] === stamp || this.rank[v] < minRank) continue
        this.mark[v] = stamp
        for (const dep of this.depsOf.list(v)) candidates.delete(dep)
        for (const parent of this.parentsOf.list(v)) todo.push(parent)
      }
    }
    return ownDeps.filter((dep) => candidates.has(dep))
  }

  /**
   * Branch labels that apply to a revision: its own, and those of the labeled revision it descends from without
   * passing a merge point or going past a branch point (the branch point itself still carries the label).
   */
  labelsOf(id: string): string[] {
    const labels = this.labelsAt(this.indexOf(id))
    return labels === NO_LABELS ? [] : (labels as string[])
  }

  /** `labelsOf` by position (the list is the graph's own: not to be changed). */
  labelsAt(i: number): readonly string[] {
    if (!this.labelsCache) this.labelsCache = this.computeLabels()
    return this.labelsCache[i] ?? NO_LABELS
  }

  /** The labels of each revision; most have none (undefined): no array for them. */
  private computeLabels(): (string[] | undefined)[] {
    const result: (string[] | undefined)[] = new Array(this.list.length)
    this.list.forEach((header, owner) => {
      if (header.branchLabels.length === 0) return
      let v = owner
      for (;;) {
        const labels = (result[v] ??= [])
        for (const label of header.branchLabels) if (!labels.includes(label)) labels.push(label)
        if (this.childrenOf.count(v) !== 1) break
        const next = this.childrenOf.at(v, 0)
        if (this.parentsOf.count(next) > 1) break
        v = next
      }
    })
    return result
  }

  // ---- traversal ----

  /** Ancestors of `ids` (inclusive by default, following dependsOn by default). */
  ancestors(ids: Iterable<string>, options: TraversalOptions = {}): Set<string> {
    return this.traverse(ids, true, options)
  }

  /** Descendants of `ids` (inclusive by default, following dependsOn by default). */
  descendants(ids: Iterable<string>, options: TraversalOptions = {}): Set<string> {
    return this.traverse(ids, false, options)
  }

  /** Ancestors and descendants of `ids`, inclusive: the revisions that "share lineage" with them. */
  lineage(ids: Iterable<string>, includeDependencies = false): Set<string> {
    const options = { includeDependencies }
    const result = this.ancestors(ids, options)
    for (const id of this.descendants(ids, options)) result.add(id)
    return result
  }

  private traverse(ids: Iterable<string>, down: boolean, options: TraversalOptions): Set<string> {
    const withDeps = options.includeDependencies ?? true
    const inclusive = options.inclusive ?? true
    const minRank = options.minRank ?? 0
    const stamp = this.nextEpoch()
    const result = new Set<string>()
    const todo: number[] = []
    for (const id of ids) {
      const i = this.indexOf(id)
      if (inclusive) todo.push(i)
      else todo.push(...this.neighbours(i, down, withDeps))
    }
    while (todo.length > 0) {
      const v = todo.pop() as number
      if (this.mark[v] === stamp || this.rank[v] < minRank) continue
      this.mark[v] = stamp
      result.add(this.list[v].revision)
      for (const next of this.neighbours(v, down, withDeps)) if (this.mark[next] !== stamp) todo.push(next)
    }
    return result
  }

  private neighbours(i: number, down: boolean, withDeps: boolean): readonly number[] {
    if (down) return withDeps ? this.downOf.list(i) : this.parentsOf.list(i)
    return withDeps ? upEdges(this.childrenOf, this.dependentsOf, i) : this.childrenOf.list(i)
  }

  /** Every revision, oldest first, one branch completed before the next (the order `upgrade heads` runs). */
  topologicalOrder(): string[] {
    return this.sortOldestFirst(
      this.list.map((header) => header.revision),
      this.realHeads,
    )
  }

  /**
   * Sorts a set of revisions so each comes after everything it revises or depends on. A depth-first walk down
   * from `starts` (then any revision not reached) so one branch is finished before the walk moves to the next.
   */
  sortOldestFirst(ids: Iterable<string>, starts: readonly string[] = []): string[] {
    const [members, inSet] = this.membership(ids)
    const order = [...starts.filter((id) => this.has(id)).map((id) => this.indexOf(id)), ...members]
    return this.ids(depthFirstPostOrder(this.downOf, inSet, order, false))
  }

  /**
   * What `upgrade` runs to reach `targets` from the rows `current`: every ancestor of the targets (dependencies
   * included) that is not an ancestor of `current`, oldest first, walked from the targets in order. The same as
   * `sortOldestFirst` of that difference, worked out by position in two walks over the edge arrays: a long history
   * is planned without a set of ids or a lookup per revision.
   */
  upgradeOrder(current: readonly string[], targets: readonly string[]): RevisionHeader[] {
    const n = this.list.length
    // Open: not below a current row. The applied region is closed downwards, so every revision still needed is
    // reached from a target through open revisions only, and the walk below visits exactly those.
    const open = new Uint8Array(n).fill(1)
    const todo: number[] = []
    for (const id of current) todo.push(this.indexOf(id))
    const { start, targets: down } = this.downOf
    while (todo.length > 0) {
      const v = todo.pop()!
      if (open[v] === 0) continue
      open[v] = 0
      for (let e = start[v]!; e < start[v + 1]!; e++) if (open[down[e]!] === 1) todo.push(down[e]!)
    }
    const starts: number[] = []
    for (const id of targets) starts.push(this.indexOf(id))
    const order = depthFirstPostOrder(this.downOf, open, starts, false)
    const headers: RevisionHeader[] = new Array(order.length)
    for (let k = 0; k < order.length; k++) headers[k] = this.list[order[k]!]!
    return headers
  }

  /** Every revision, newest first (what `history` lists without a range): `sortNewestFirst` of all, from the heads, without looking ids up. */
  allNewestFirst(): RevisionHeader[] {
    const n = this.list.length
    const starts: number[] = []
    for (let i = n - 1; i >= 0; i--) if (this.childrenOf.count(i) === 0) starts.push(i)
    for (let i = 0; i < n; i++) starts.push(i)
    const order = depthFirstPostOrder(this.downOf, new Uint8Array(n).fill(1), starts, true)
    const headers: RevisionHeader[] = new Array(n)
    for (let k = 0; k < n; k++) headers[k] = this.list[order[n - 1 - k]!]!
    return headers
  }

  /** The reverse: each revision before what it revises; `starts` (e.g. current heads) come first, in order. */
  sortNewestFirst(ids: Iterable<string>, starts: readonly string[] = []): string[] {
    const [members, inSet] = this.membership(ids)
    // Reverse post-order: what the walk visits last comes first, so the starts are walked in reverse order, and
    // revisions no start reaches (necessarily above them) are walked after them and come out in front.
    const startIndexes = starts.filter((id) => this.has(id)).map((id) => this.indexOf(id))
    const order = [...startIndexes.reverse(), ...members]
    return this.ids(depthFirstPostOrder(this.downOf, inSet, order, true).reverse())
  }

  private membership(ids: Iterable<string>): [number[], Uint8Array] {
    const inSet = new Uint8Array(this.list.length)
    const members: number[] = []
    for (const id of ids) {
      const i = this.indexOf(id)
      if (!inSet[i]) members.push(i)
      inSet[i] = 1
    }
    return [members, inSet]
  }

  // ---- helpers ----

  private indexOf(id: string): number {
    const i = this.indexById.get(id)
    if (i === undefined) throw new RevisionError(`Can't locate revision identified by '${id}'`, 'unknown-revision')
    return i
  }

  private ids(indexes: readonly number[]): string[] {
    return indexes.map((i) => this.list[i].revision)
  }

  private nextEpoch(): number {
    this.epoch++
    if (this.epoch === 0xffffffff) {
      this.mark.fill(0)
      this.epoch = 1
    }
    return this.epoch
  }
}

/** downRevision as a list. */
export function parentIds(header: RevisionHeader): string[] {
  if (header.downRevision === null) return []
  return typeof header.downRevision === 'string' ? [header.downRevision] : header.downRevision
}
