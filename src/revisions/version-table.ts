import { RevisionError, commaList } from './errors.js'
import type { RevisionGraph } from './graph.js'

/** One change to the version table. The runtime checks each update/delete touches exactly one row. */
export type VersionChange =
  | { kind: 'insert'; revision: string }
  | { kind: 'delete'; revision: string }
  | { kind: 'update'; from: string; to: string }

/** Applies changes to a list of rows, failing like the runtime would (a missing row, a row already present). */
export function applyVersionChanges(rows: Iterable<string>, changes: readonly VersionChange[]): string[] {
  const table = new VersionRows([...rows])
  for (const change of changes) table.apply(change)
  return table.rows
}

/** The version table rows as a list, changed one checked step at a time. */
class VersionRows {
  constructor(readonly rows: string[]) {}

  has(revision: string): boolean {
    return this.rows.includes(revision)
  }

  apply(change: VersionChange): void {
    if (change.kind === 'insert') {
      if (this.has(change.revision)) throw rowError(`cannot insert '${change.revision}': the row is already there`, this.rows)
      this.rows.push(change.revision)
    } else if (change.kind === 'delete') {
      const at = this.rows.indexOf(change.revision)
      if (at < 0) throw rowError(`cannot delete '${change.revision}': no such row`, this.rows)
      this.rows.splice(at, 1)
    } else {
      const at = this.rows.indexOf(change.from)
      if (at < 0) throw rowError(`cannot update '${change.from}' to '${change.to}': no row '${change.from}'`, this.rows)
      if (this.has(change.to)) throw rowError(`cannot update '${change.from}' to '${change.to}': '${change.to}' is already a row`, this.rows)
      this.rows[at] = change.to
    }
  }
}

function rowError(problem: string, rows: readonly string[]): RevisionError {
  return new RevisionError(`version table ${problem} (rows: ${commaList(rows) || 'none'})`, 'version-table')
}

/**
 * Works out how the version table moves for each step, exactly as Alembic's HeadMaintainer does, and keeps the
 * simulated rows up to date. The table holds one row per current head not implied by another row.
 */
export class VersionTableSimulator {
  private readonly table: VersionRows
  /** Ancestors of a set of rows (down to `minRank`), kept while the same rows are asked about again. */
  private coverage: { key: string; minRank: number; ancestors: Set<string> } | undefined

  constructor(
    private readonly graph: RevisionGraph,
    rows: readonly string[],
  ) {
    this.table = new VersionRows([...new Set(rows)])
  }

  get rows(): string[] {
    return [...this.table.rows]
  }

  /** Applies changes computed elsewhere (stamp), with the same checks. */
  apply(changes: readonly VersionChange[]): VersionChange[] {
    for (const change of changes) this.table.apply(change)
    return [...changes]
  }

  /** The changes for upgrading `revision`, applied to the simulated rows. */
  upgrade(revision: string): VersionChange[] {
    const downs = this.graph.normalizedDownRevisions(revision)
    const present = downs.filter((down) => this.table.has(down))
    if (present.length === 0) {
      // A base, or a revision whose parents are not rows (they are implied by others or on another branch).
      return this.apply([{ kind: 'insert', revision }])
    }
    if (present.length > 1) {
      // A merge (or a dependency on another row): the rows of its parents collapse into one.
      const others = this.table.rows.filter((row) => !downs.includes(row))
      const covered = others.length > 0 ? this.ancestorsOf(others, present) : new Set<string>()
      const from = present.filter((down) => !covered.has(down))
      if (from.length === 0) throw rowError(`cannot upgrade '${revision}': every parent row is implied by another row`, this.table.rows)
      const changes: VersionChange[] = from.slice(0, -1).map((down) => ({ kind: 'delete', revision: down }))
      changes.push({ kind: 'update', from: from[from.length - 1], to: revision })
      return this.apply(changes)
    }
    return this.apply([{ kind: 'update', from: present[0], to: revision }])
  }

  /** The changes for downgrading `revision`, applied to the simulated rows. */
  downgrade(revision: string): VersionChange[] {
    if (!this.table.has(revision)) {
      throw rowError(`cannot downgrade '${revision}': it is not a row`, this.table.rows)
    }
    const downs = this.graph.normalizedDownRevisions(revision)
    if (downs.length === 0) return this.apply([{ kind: 'delete', revision }])
    const targets = this.unmergeTargets(revision, downs)
    if (targets.length === 0) {
      // Everything below is still implied by another row.
      return this.apply([{ kind: 'delete', revision }])
    }
    if (downs.length > 1) {
      const changes: VersionChange[] = targets.slice(0, -1).map((down) => ({ kind: 'insert', revision: down }))
      changes.push({ kind: 'update', from: revision, to: targets[targets.length - 1] })
      return this.apply(changes)
    }
    return this.apply([{ kind: 'update', from: revision, to: downs[0] }])
  }

  /** The revisions below `revision` that need a row once it is gone (Alembic's `_unmerge_to_revisions`). */
  private unmergeTargets(revision: string, downs: string[]): string[] {
    const others = this.table.rows.filter((row) => row !== revision)
    if (others.length > 0) {
      const covered = this.ancestorsOf(others, downs)
      return downs.filter((down) => !covered.has(down))
    }
    if (downs.length === 1) return downs
    // Drop a target that is below another target: the higher one implies it.
    const lowest = Math.min(...downs.map((down) => this.graph.rankOf(down)))
    const below = this.graph.ancestors(downs, { inclusive: false, minRank: lowest })
    return downs.filter((down) => !below.has(down))
  }

  /**
   * Ancestors (with dependencies, inclusive) of `rows`, complete at least down to the lowest of `candidates`.
   * A first question about a set of rows only walks down to the candidates; asking again about the same rows
   * computes the whole set once, so a long downgrade next to another branch stays linear.
   */
  private ancestorsOf(rows: string[], candidates: string[]): Set<string> {
    const key = [...rows].sort().join('\n')
    const needed = Math.min(...candidates.map((id) => this.graph.rankOf(id)))
    const cached = this.coverage
    if (cached && cached.key === key && cached.minRank <= needed) return cached.ancestors
    const minRank = cached && cached.key === key ? 0 : needed
    const ancestors = this.graph.ancestors(rows, { minRank })
    this.coverage = { key, minRank, ancestors }
    return ancestors
  }
}
