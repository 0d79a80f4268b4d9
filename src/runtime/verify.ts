import { existsSync } from 'node:fs'
import { type RevisionGraph, type RevisionHeader, revisionFileChecksum } from '../revisions/index.js'
import { fileChecksum } from './migration-module.js'
import type { HistoryRow } from './version-store.js'

export interface ChangedFile {
  revision: string
  path: string
  applied: string
  now: string
}

function parentsOf(header: RevisionHeader): string[] {
  const down = header.downRevision
  return down === null ? [] : Array.isArray(down) ? down : [down]
}

/** Applied revisions (the current rows and everything below them) whose file no longer matches its recorded checksum. */
export function verifyChecksums(graph: RevisionGraph, heads: string[], history: HistoryRow[]): ChangedFile[] {
  const recorded = new Map<string, string>()
  // The latest run of each revision, or the latest --allow-changed acceptance of its file, is the reference.
  for (const row of history) if (row.direction === 'up' && (row.status === 'done' || row.status === 'accepted') && row.checksum) recorded.set(row.revision, row.checksum)
  if (recorded.size === 0) return []
  const seen = new Set<string>()
  const stack = [...heads]
  const changed: ChangedFile[] = []
  while (stack.length > 0) {
    const id = stack.pop()!
    if (seen.has(id)) continue
    seen.add(id)
    const header = graph.get(id)
    if (!header) continue
    const applied = recorded.get(id)
    // The checksum from loading the graph (header index or bytes read) saves reading every applied file again.
    const now = applied ? (revisionFileChecksum(header) ?? (existsSync(header.path) ? fileChecksum(header.path) : undefined)) : undefined
    if (applied && now !== undefined && now !== applied) changed.push({ revision: id, path: header.path, applied, now })
    stack.push(...parentsOf(header), ...header.dependsOn.filter((d: string) => graph.get(d)))
  }
  return changed
}
