import { StrataError, type StrataErrorCode } from '../errors.js'

/**
 * What went wrong, as a stable word the CLI and tests can branch on (the message is for people).
 * - `header`: a revision file whose header cannot be read statically
 * - `graph`: the files do not form a valid revision graph (cycle, duplicate id, missing parent, label clash, …)
 * - `unknown-revision`: a target names no revision or branch label
 * - `ambiguous`: a prefix, `head`, or a relative walk matches several revisions
 * - `relative`: a relative target walks past the end of the graph
 * - `not-ancestor`: a range or downgrade target is not below the given revisions
 * - `unknown-current`: the version table holds a revision no file defines
 * - `version-table`: the version table rows cannot absorb a step (inconsistent rows)
 * - `range`: a history range that is not `[start]:[end]`
 */
export type RevisionErrorCode = Extract<
  StrataErrorCode,
  | 'header'
  | 'graph'
  | 'unknown-revision'
  | 'ambiguous'
  | 'relative'
  | 'not-ancestor'
  | 'unknown-current'
  | 'version-table'
  | 'range'
>

/** Every failure of the revision layer: one line, naming the revisions and files involved. */
export class RevisionError extends StrataError {
  declare readonly code: RevisionErrorCode

  constructor(message: string, code: RevisionErrorCode) {
    super(message, { code })
    this.name = 'RevisionError'
  }
}

/** Comma list as Alembic prints it: `a, b, c`. */
export function commaList(items: readonly string[]): string {
  return items.join(', ')
}
