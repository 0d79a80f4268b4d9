/**
 * Revisions that count their own executions: each inserts its id into an `effects` table (created by the first)
 * and creates a table of its own, so a migration applied twice shows as a count of 2 (or a failed run).
 */
import type { Scenario } from './safe-project.js'
import { revId } from './safe-project.js'

export interface EffectOptions {
  count: number
  prefix: string
  /** Source lines run first in step N (1-based), e.g. a slow statement. */
  before?: (step: number) => string
}

/** Writes the chain into `s`; returns the revision ids in order. */
export function writeEffectRevisions(s: Scenario, options: EffectOptions): string[] {
  const ids = Array.from({ length: options.count }, (_, i) => revId(i + 1, options.prefix))
  ids.forEach((id, i) =>
    s.revision({
      id,
      down: i === 0 ? null : ids[i - 1]!,
      message: `step ${i + 1}`,
      imports: ['integer', 'varchar'],
      up:
        (options.before?.(i + 1) ?? '') +
        (i === 0 ? `  await op.createTable('effects', { rev: varchar({ length: 20 }) })\n` : '') +
        `  await op.execute("INSERT INTO effects (rev) VALUES ('${id}')")\n  await op.createTable('t_${i + 1}', { id: integer().primaryKey() })`,
      down_: `  await op.dropTable('t_${i + 1}')`,
    }),
  )
  return ids
}

/** `rev:count` per executed revision, ordered: equal to `ids.map((id) => `${id}:1`)` when each ran once. */
export const EFFECT_COUNTS_SQL = 'SELECT rev, COUNT(*) AS n FROM effects GROUP BY rev ORDER BY rev'
export const effectCounts = (rows: { rev: string; n: number | string }[]) => rows.map((r) => `${r.rev}:${Number(r.n)}`)
