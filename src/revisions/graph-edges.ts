/**
 * One kind of edge of the revision graph (parents, dependencies, children…) for every revision, in two typed arrays:
 * the edges of revision `i` are `targets[start[i]]` up to `targets[start[i + 1]]`. A graph of 10,000 revisions
 * is then a few typed arrays instead of tens of thousands of small arrays, and the graph snapshot stores them as
 * they are (graph-snapshot.ts).
 */
export class EdgeLists {
  constructor(
    /** n + 1 offsets into `targets`. */
    readonly start: Int32Array,
    readonly targets: Int32Array,
  ) {}

  /** From one list per revision (in order: the order of each list is kept). */
  static fromLists(lists: readonly (readonly number[])[]): EdgeLists {
    const start = new Int32Array(lists.length + 1)
    for (let i = 0; i < lists.length; i++) start[i + 1] = start[i]! + lists[i]!.length
    const targets = new Int32Array(start[lists.length]!)
    for (let i = 0; i < lists.length; i++) targets.set(lists[i]!, start[i]!)
    return new EdgeLists(start, targets)
  }

  get size(): number {
    return this.start.length - 1
  }

  get edgeCount(): number {
    return this.targets.length
  }

  count(i: number): number {
    return this.start[i + 1]! - this.start[i]!
  }

  /** The `k`-th edge of `i`. */
  at(i: number, k: number): number {
    return this.targets[this.start[i]! + k]!
  }

  /** The edges of `i` as a new array. */
  list(i: number): number[] {
    const list: number[] = []
    for (let e = this.start[i]!; e < this.start[i + 1]!; e++) list.push(this.targets[e]!)
    return list
  }

  /** The same edges pointing the other way; each list in increasing order of the revision it comes from. */
  reversed(): EdgeLists {
    const n = this.size
    const start = new Int32Array(n + 1)
    const targets = this.targets
    for (let e = 0; e < targets.length; e++) start[targets[e]! + 1]++
    for (let i = 0; i < n; i++) start[i + 1] += start[i]!
    const fill = start.slice(0, n)
    const reverse = new Int32Array(targets.length)
    for (let i = 0; i < n; i++) for (let e = this.start[i]!; e < this.start[i + 1]!; e++) reverse[fill[targets[e]!]!++] = i
    return new EdgeLists(start, reverse)
  }

  /** For each revision, these edges then those of `other` that are not among them (`this` itself when `other` has none). */
  union(other: EdgeLists): EdgeLists {
    if (other.edgeCount === 0) return this
    const lists: number[][] = []
    for (let i = 0; i < this.size; i++) lists.push(uniqueNumbers([...this.list(i), ...other.list(i)]))
    return EdgeLists.fromLists(lists)
  }
}

/** The numbers of `items` without repeats, in first-seen order. */
export function uniqueNumbers(items: number[]): number[] {
  return items.length < 2 ? items : [...new Set(items)]
}
