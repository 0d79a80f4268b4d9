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
 *
 * To stay linear over a whole plan, the simulator keeps the set of applied revisions (the rows and everything
 * below them): a revision is implied by another row exactly when something directly above it is applied, so each
 * question is answered by looking at its neighbours instead of walking the graph. Steps given out of order (a
 * revision whose ancestors are not applied, or one still below another row) fall back to full walks.
 */
export class VersionTableSimulator {
  private readonly table: VersionRows
  /** The rows and all their ancestors (with dependencies); undefined until needed or after an out-of-order step. */
  private applied: Set<string> | undefined
  /** Whether no row is below another row (a well-kept table); known together with `applied`. */
  private rowsAreHeads = false

  /**
   * `singleParentShortcut: false` works every step out the general way; the tests compare the two on random graphs.
   */
  constructor(
    private readonly graph: RevisionGraph,
    rows: readonly string[],
    private readonly options: { singleParentShortcut?: boolean } = {},
  ) {
    this.table = new VersionRows([...new Set(rows)])
  }

  get rows(): string[] {
    return [...this.table.rows]
  }

  /** Applies changes computed elsewhere (stamp), with the same checks. */
  apply(changes: readonly VersionChange[]): VersionChange[] {
    for (const change of changes) this.table.apply(change)
    if (changes.length > 0) this.applied = undefined
    return [...changes]
  }

  /** The changes for upgrading `revision`, applied to the simulated rows. */
  upgrade(revision: string): VersionChange[] {
    const applied = this.appliedRevisions()
    const parent = this.options.singleParentShortcut === false ? undefined : this.graph.soleParent(revision)
    if (parent !== undefined) return this.upgradeFromParent(revision, parent, applied)
    const inOrder = !applied.has(revision) && this.downNeighbours(revision).every((down) => applied.has(down))
    const downs = this.graph.normalizedDownRevisions(revision)
    const present = downs.filter((down) => this.table.has(down))
    let changes: VersionChange[]
    if (present.length === 0) {
      // A base, or a revision whose parents are not rows (they are implied by others or on another branch).
      changes = [{ kind: 'insert', revision }]
    } else if (present.length > 1) {
      // A merge (or a dependency on another row): the rows of its parents collapse into one. In a well-kept table
      // no parent row is below another row; otherwise leave the rows that are.
      let from = present
      if (!this.rowsAreHeads) {
        const others = this.table.rows.filter((row) => !downs.includes(row))
        const covered = others.length > 0 ? this.graph.ancestors(others) : new Set<string>()
        from = present.filter((down) => !covered.has(down))
      }
      if (from.length === 0) throw rowError(`cannot upgrade '${revision}': every parent row is implied by another row`, this.table.rows)
      changes = from.slice(0, -1).map((down): VersionChange => ({ kind: 'delete', revision: down }))
      changes.push({ kind: 'update', from: from[from.length - 1], to: revision })
    } else {
      changes = [{ kind: 'update', from: present[0], to: revision }]
    }
    for (const change of changes) this.table.apply(change)
    if (inOrder) applied.add(revision)
    else this.applied = undefined
    return changes
  }

  /**
   * `upgrade` of a revision with one parent and no dependencies: what the general case works out, without its
   * lists and sets. Its down neighbours and normalized down revisions are just the parent, so the parent's row
   * (if it is one) moves up, or the revision gets a row of its own.
   */
  private upgradeFromParent(revision: string, parent: string, applied: Set<string>): VersionChange[] {
    const inOrder = !applied.has(revision) && applied.has(parent)
    const change: VersionChange = this.table.has(parent) ? { kind: 'update', from: parent, to: revision } : { kind: 'insert', revision }
    this.table.apply(change)
    if (inOrder) applied.add(revision)
    else this.applied = undefined
    return [change]
  }

  /** The changes for downgrading `revision`, applied to the simulated rows. */
  downgrade(revision: string): VersionChange[] {
    if (!this.table.has(revision)) {
      throw rowError(`cannot downgrade '${revision}': it is not a row`, this.table.rows)
    }
    const applied = this.appliedRevisions()
    const inOrder = !this.hasAppliedAbove(revision, null)
    const downs = this.graph.normalizedDownRevisions(revision)
    let changes: VersionChange[]
    if (downs.length === 0) {
      changes = [{ kind: 'delete', revision }]
    } else {
      const targets = inOrder ? this.unmergeTargets(revision, downs) : this.unmergeTargetsByWalking(revision, downs)
      if (targets.length === 0) {
        // Everything below is still implied by another row.
        changes = [{ kind: 'delete', revision }]
      } else if (downs.length > 1) {
        changes = targets.slice(0, -1).map((down): VersionChange => ({ kind: 'insert', revision: down }))
        changes.push({ kind: 'update', from: revision, to: targets[targets.length - 1] })
      } else {
        changes = [{ kind: 'update', from: revision, to: downs[0] }]
      }
    }
    for (const change of changes) this.table.apply(change)
    if (inOrder) applied.delete(revision)
    else this.applied = undefined
    return changes
  }

  /**
   * The revisions below `revision` that need a row once it is gone (Alembic's `_unmerge_to_revisions`): those
   * not implied by another row and not below another target. With `revision` removed from the applied set,
   * a target is implied exactly when a revision directly above it (other than `revision`) is still applied.
   */
  private unmergeTargets(revision: string, downs: string[]): string[] {
    return downs.filter((down) => !this.table.has(down) && !this.hasAppliedAbove(down, revision))
  }

  /** The same by walking the graph, as Alembic does, for a table where rows sit below other rows. */
  private unmergeTargetsByWalking(revision: string, downs: string[]): string[] {
    const others = this.table.rows.filter((row) => row !== revision)
    if (others.length > 0) {
      const covered = this.graph.ancestors(others)
      return downs.filter((down) => !covered.has(down))
    }
    if (downs.length === 1) return downs
    const below = this.graph.ancestors(downs, { inclusive: false })
    return downs.filter((down) => !below.has(down))
  }

  private appliedRevisions(): Set<string> {
    if (!this.applied) {
      this.applied = this.graph.ancestors(this.table.rows)
      this.rowsAreHeads = this.table.rows.every((row) => !this.hasAppliedAbove(row, null))
    }
    return this.applied
  }

  /** True when a child or dependent of `id` (other than `except`) is applied. */
  private hasAppliedAbove(id: string, except: string | null): boolean {
    const applied = this.applied as Set<string>
    for (const up of this.graph.children(id)) if (up !== except && applied.has(up)) return true
    for (const up of this.graph.dependents(id)) if (up !== except && applied.has(up)) return true
    return false
  }

  private downNeighbours(id: string): string[] {
    return [...this.graph.parents(id), ...this.graph.dependencies(id)]
  }
}
