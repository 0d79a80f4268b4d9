import { StrataError } from '../config/errors.js'
import type { ResolvedConfig } from '../config/load-config.js'
import { type RevisionGraph, historyRange, resolveRevisionIds } from '../revisions/index.js'
import { type ConfigInput, type ProjectOptions, loadGraph, resolveProject } from './project.js'

/** One revision as `heads`, `branches`, `show` and `history` return it (and print it with `--json`). */
export interface RevisionInfo {
  revision: string
  /** null for a base; one id; or several ids for a merge. */
  downRevision: string | string[] | null
  /** Its own labels and those it inherits along its branch. */
  branchLabels: string[]
  dependsOn: string[]
  /** First line of the doc comment. */
  message: string
  /** The whole doc comment. */
  doc: string
  createDate: string | null
  path: string
  children: string[]
  isHead: boolean
  /** A head only because the revisions after it merely depend on it. */
  isEffectiveHead: boolean
  isBranchPoint: boolean
  isMergePoint: boolean
}

export function describeRevision(graph: RevisionGraph, id: string): RevisionInfo {
  const header = graph.require(id)
  return {
    revision: header.revision,
    downRevision: header.downRevision,
    branchLabels: graph.labelsOf(id),
    dependsOn: header.dependsOn,
    message: header.message,
    doc: header.doc,
    createDate: header.createDate,
    path: header.path,
    children: graph.children(id),
    isHead: graph.isHead(id),
    isEffectiveHead: graph.isEffectiveHead(id),
    isBranchPoint: graph.isBranchPoint(id),
    isMergePoint: graph.isMergePoint(id),
  }
}

async function graphOf(config: ConfigInput): Promise<RevisionGraph> {
  return loadGraph(await resolveProject(config))
}

/** `strata heads`: the head revisions (an effective head is one only dependencies point at). */
export async function heads(config?: ConfigInput): Promise<RevisionInfo[]> {
  const graph = await graphOf(config)
  return graph.heads.map((id) => describeRevision(graph, id))
}

/** `strata branches`: the branch points; `children` are the revisions each branches into. */
export async function branches(config?: ConfigInput): Promise<RevisionInfo[]> {
  const graph = await graphOf(config)
  return graph.branchPoints.map((id) => describeRevision(graph, id))
}

/** `strata show REV`: the revisions a name resolves to (`heads` names several). */
export async function show(config: ConfigInput, revision: string): Promise<RevisionInfo[]> {
  return showRevisions(await graphOf(config), revision)
}

export function showRevisions(graph: RevisionGraph, revision: string): RevisionInfo[] {
  const ids = resolveRevisionIds(graph, revision, [])
  if (ids.length === 0) throw new StrataError(`'${revision}' names no revision`)
  return ids.map((id) => describeRevision(graph, id))
}

export interface HistoryOptions extends ProjectOptions {
  /** `A:B`: either side may be empty, `current`, `base`, `heads`, a revision or relative (`-2:`, `current:+1`). */
  range?: string
}

/** Whether a range names the current revision (and so needs the database). */
export function rangeNeedsDatabase(range: string | undefined): boolean {
  return !!range && /(^|:)current($|:)|(^|:)[+-]\d|^-|^\+/.test(range)
}

/** `strata history`: the revisions of a range, newest first. Reads the database only when the range needs it. */
export async function history(config?: ConfigInput, options: HistoryOptions = {}): Promise<RevisionInfo[]> {
  const resolved = await resolveProject(config)
  const graph = loadGraph(resolved)
  const current = rangeNeedsDatabase(options.range) ? await currentVersions(resolved, options) : []
  return historyRange(graph, options.range, current).map((header) => describeRevision(graph, header.revision))
}

/** Loaded only when needed: the runtime's modules cost start-up time that plain `history` does not need. */
export async function currentVersions(config: ResolvedConfig, options: ProjectOptions): Promise<string[]> {
  return (await import('./current.js')).readCurrentVersions(config, options)
}
