import { RevisionGraph, type RevisionHeader } from '../../../src/revisions/index.js'

/** A header as the parser would produce it, for building graphs in tests. */
export function rev(
  revision: string,
  downRevision: string | string[] | null,
  extra: { labels?: string[]; dependsOn?: string[]; message?: string } = {},
): RevisionHeader {
  const message = extra.message ?? `msg ${revision}`
  return {
    revision,
    downRevision,
    branchLabels: extra.labels ?? [],
    dependsOn: extra.dependsOn ?? [],
    message,
    createDate: null,
    path: `versions/${revision}.ts`,
    doc: `${message}\n\nRevision ID: ${revision}`,
  }
}

export function graphOf(...headers: RevisionHeader[]): RevisionGraph {
  return new RevisionGraph(headers, { versionsDir: 'versions' })
}

/** a → b → c → d → e */
export function linear(): RevisionGraph {
  return graphOf(rev('a', null), rev('b', 'a'), rev('c', 'b'), rev('d', 'c'), rev('e', 'd'))
}

/** a → b; b → c1 → d1 (label one on c1); b → c2 → d2 (label two on c2) */
export function branched(): RevisionGraph {
  return graphOf(
    rev('a', null),
    rev('b', 'a'),
    rev('c1', 'b', { labels: ['one'] }),
    rev('d1', 'c1'),
    rev('c2', 'b', { labels: ['two'] }),
    rev('d2', 'c2'),
  )
}

/** branched, plus e merging d1 and d2, and f after e */
export function merged(): RevisionGraph {
  return graphOf(
    rev('a', null),
    rev('b', 'a'),
    rev('c1', 'b', { labels: ['one'] }),
    rev('d1', 'c1'),
    rev('c2', 'b', { labels: ['two'] }),
    rev('d2', 'c2'),
    rev('e', ['d1', 'd2'], { message: 'merge' }),
    rev('f', 'e'),
  )
}

/** a1 → b1 and a2 → b2: two independent roots */
export function twoRoots(): RevisionGraph {
  return graphOf(rev('a1', null), rev('b1', 'a1'), rev('a2', null), rev('b2', 'a2'))
}
