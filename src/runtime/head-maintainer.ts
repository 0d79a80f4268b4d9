import { type VersionChange, applyVersionChanges } from '../revisions/index.js'

/**
 * The version rows of a run: as last written (`written`) and as they are after the steps run so far (`current`).
 * At a commit point `pending()` gives the fewest statements that turn one into the other: an UPDATE wherever a
 * head moved along a chain (one statement, atomic by itself), DELETE and INSERT only where heads split or merge.
 * The run loop always writes them inside a transaction, so the table is never seen empty by accident.
 */
export class HeadMaintainer {
  private written: string[]
  private current: string[]

  constructor(heads: readonly string[]) {
    this.written = [...heads]
    this.current = [...heads]
  }

  get heads(): string[] {
    return [...this.current]
  }

  /** Applies a step's changes in memory, failing exactly where the database would change no row or several. */
  advance(changes: readonly VersionChange[]): void {
    this.current = applyVersionChanges(this.current, changes)
  }

  /** The statements' changes that bring the table from `written` to `current`. */
  pending(): VersionChange[] {
    const removed = this.written.filter((row) => !this.current.includes(row))
    const added = this.current.filter((row) => !this.written.includes(row))
    const changes: VersionChange[] = []
    const pairs = Math.min(removed.length, added.length)
    // Deletes first, as Alembic orders a merge (the rows are written inside one transaction either way).
    for (const row of removed.slice(pairs)) changes.push({ kind: 'delete', revision: row })
    for (let i = 0; i < pairs; i++) changes.push({ kind: 'update', from: removed[i]!, to: added[i]! })
    for (const row of added.slice(pairs)) changes.push({ kind: 'insert', revision: row })
    return changes
  }

  /** The pending changes reached the database (inside the transaction that is about to commit). */
  markWritten(): void {
    this.written = [...this.current]
  }

  /** A rollback undid what was written since the last commit. */
  resetTo(committed: readonly string[]): void {
    this.written = [...committed]
  }
}
