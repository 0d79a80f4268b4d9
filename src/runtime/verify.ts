import { existsSync } from 'node:fs'
import { basename } from 'node:path'
import type { StrataErrorCode } from '../errors.js'
import { type RevisionGraph, type RevisionHeader, revisionFileChecksum } from '../revisions/index.js'
import { fileChecksum } from './migration-module.js'
import type { HistoryRow } from './version-store.js'

export interface ChangedFile {
  revision: string
  path: string
  applied: string
  now: string
}

/** One thing `verify` found wrong with an applied revision; `message` is the line printed for it. */
export interface VerifyProblem {
  code: Extract<StrataErrorCode, 'changed-file' | 'missing-file' | 'changed-id'>
  revision: string
  /** The file concerned, when there is one. */
  path?: string
  message: string
}

function parentsOf(header: RevisionHeader): string[] {
  const down = header.downRevision
  return down === null ? [] : Array.isArray(down) ? down : [down]
}

/** The checksum each applied revision was last run (or accepted with --allow-changed) with. */
function recordedChecksums(history: HistoryRow[]): Map<string, string> {
  const recorded = new Map<string, string>()
  for (const row of history) if (row.direction === 'up' && (row.status === 'done' || row.status === 'accepted') && row.checksum) recorded.set(row.revision, row.checksum)
  return recorded
}

/** The version rows and every revision below them in the graph (parents and dependencies). */
function appliedInGraph(graph: RevisionGraph, heads: string[]): RevisionHeader[] {
  const seen = new Set<string>()
  const stack = [...heads]
  const applied: RevisionHeader[] = []
  while (stack.length > 0) {
    const id = stack.pop()!
    if (seen.has(id)) continue
    seen.add(id)
    const header = graph.get(id)
    if (!header) continue
    applied.push(header)
    stack.push(...parentsOf(header), ...header.dependsOn.filter((d: string) => graph.get(d)))
  }
  return applied
}

/** Applied revisions (the current rows and everything below them) whose file no longer matches its recorded checksum. */
export function verifyChecksums(graph: RevisionGraph, heads: string[], history: HistoryRow[]): ChangedFile[] {
  const recorded = recordedChecksums(history)
  if (recorded.size === 0) return []
  const changed: ChangedFile[] = []
  for (const header of appliedInGraph(graph, heads)) {
    const applied = recorded.get(header.revision)
    if (!applied) continue
    // The checksum from loading the graph (header index or bytes read) saves reading every applied file again.
    const now = revisionFileChecksum(header) ?? (existsSync(header.path) ? fileChecksum(header.path) : undefined)
    if (now !== undefined && now !== applied) changed.push({ revision: header.revision, path: header.path, applied, now })
  }
  return changed
}

/**
 * Revisions the history records as applied (their last finished step was an upgrade). Stamps write no history,
 * so this is only consulted while the version table names something.
 */
function appliedPerHistory(history: HistoryRow[]): string[] {
  const last = new Map<string, 'up' | 'down'>()
  for (const row of history) if (row.status === 'done') last.set(row.revision, row.direction)
  return [...last].filter(([, direction]) => direction === 'up').map(([revision]) => revision)
}

/** A file that still carries the applied id in its name (`<id>_slug.ts`) but declares another id in its header. */
function renamedFile(graph: RevisionGraph, id: string): RevisionHeader | undefined {
  return graph.all().find((h) => h.revision !== id && basename(h.path).startsWith(`${id}_`))
}

function missingProblem(graph: RevisionGraph, id: string): VerifyProblem {
  const renamed = renamedFile(graph, id)
  if (renamed)
    return {
      code: 'changed-id',
      revision: id,
      path: renamed.path,
      message: `${id}: ${renamed.path} now declares revision '${renamed.revision}', but '${id}' was applied; restore the id`,
    }
  return {
    code: 'missing-file',
    revision: id,
    message: `${id}: applied, but no revision file defines it any more (deleted, or its revision id changed); restore the file`,
  }
}

/**
 * Everything wrong with the applied revisions: files edited since they ran, applied revisions no file defines
 * (deleted, or their id changed). What `strata verify` reports; empty when all is well.
 */
export function verifyApplied(graph: RevisionGraph, heads: string[], history: HistoryRow[]): VerifyProblem[] {
  const problems: VerifyProblem[] = verifyChecksums(graph, heads, history).map((c) => ({
    code: 'changed-file',
    revision: c.revision,
    path: c.path,
    message: `${c.revision}: ${c.path} changed after it was applied`,
  }))
  const unknown = new Set(heads.filter((id) => !graph.has(id)))
  if (heads.length > 0) for (const id of appliedPerHistory(history)) if (!graph.has(id)) unknown.add(id)
  for (const id of unknown) problems.push(missingProblem(graph, id))
  return problems
}
