import { RevisionError } from './errors.js'
import { LiteralSyntaxError, readConstantLiteral, SourceScanner, type HeaderLiteral } from './source-scanner.js'

/** What the graph needs from a revision file, read from its text without running it. */
export interface RevisionHeader {
  revision: string
  /** null for a base; one id; or several ids for a merge (an array of one id is normalized to the id). */
  downRevision: string | string[] | null
  branchLabels: string[]
  /** Revision ids or branch labels this revision also needs (Alembic's `depends_on`). */
  dependsOn: string[]
  /** First line of the leading doc comment ('' when there is none). */
  message: string
  /** The `Create Date:` line of the doc comment, as written. */
  createDate: string | null
  path: string
  /** The whole leading doc comment without its comment markers (Alembic's `longdoc`), for `history -v` and `show`. */
  doc: string
}

type HeaderName = 'revision' | 'downRevision' | 'branchLabels' | 'dependsOn'

const HEADER_CONSTANT = /\bexport\s+const\s+(revision|downRevision|branchLabels|dependsOn)\b/g

/**
 * Reads a revision file's header constants and doc comment from its source text. Throws a RevisionError naming
 * `path` when `revision` or `downRevision` is missing, a value is not a literal, or a constant is declared twice.
 */
export function parseRevisionHeader(source: string, path: string): RevisionHeader {
  const values = new Map<HeaderName, HeaderLiteral>()
  const plain = plainHeaderLines(source)
  let scanner: SourceScanner | undefined
  HEADER_CONSTANT.lastIndex = 0
  for (let match = HEADER_CONSTANT.exec(source); match; match = HEADER_CONSTANT.exec(source)) {
    const inCode = plain.constants.has(match.index) || (match.index >= plain.docEnd && (scanner ??= new SourceScanner(source)).isCodeAt(match.index))
    if (!inCode) continue
    const name = match[1] as HeaderName
    if (values.has(name)) throw headerError(path, `'${name}' is declared twice`)
    try {
      values.set(name, readConstantLiteral(source, match.index + match[0].length))
    } catch (error) {
      if (!(error instanceof LiteralSyntaxError)) throw error
      throw headerError(
        path,
        `'${name}' must be a literal (a string, an array of strings, or null) so strata can read it without running the file (${error.message})`,
      )
    }
  }

  const revision = values.get('revision')
  if (revision === undefined) throw headerError(path, "no `export const revision = '…'` found")
  if (typeof revision !== 'string' || revision.trim() === '') {
    throw headerError(path, "'revision' must be a non-empty string")
  }
  if (!values.has('downRevision')) {
    throw headerError(path, 'no `export const downRevision = …` found (use null for a first revision)')
  }
  const doc = leadingDocComment(source)
  return {
    revision,
    downRevision: normalizeDownRevision(values.get('downRevision') ?? null),
    branchLabels: toList(values.get('branchLabels') ?? null),
    dependsOn: toList(values.get('dependsOn') ?? null),
    message: messageOf(doc),
    createDate: createDateOf(doc),
    path,
    doc,
  }
}

const STRING = `'[^'\\\\\\n]*'|"[^"\\\\\\n]*"`
/** A leading block comment and the rest of its line (only white space before it). */
const LEADING_COMMENT = /[ \t\r\n]*\/\*[\s\S]*?\*\/[ \t\r]*(?:\n|$)/y
/**
 * One line of the template's shape, closed on itself (no comment, no template, no escape): blank, a named import,
 * or `export const <name> = <null, a string or an array of strings>` (group 1).
 */
const PLAIN_LINE = new RegExp(
  `(?:[ \\t\\r]*|import[ \\t]+(?:type[ \\t]+)?\\{[\\w$ \\t,]*\\}[ \\t]+from[ \\t]+(?:${STRING})[ \\t]*;?[ \\t\\r]*` +
    `|(export)[ \\t]+const[ \\t]+[\\w$]+[ \\t]*=[ \\t]*(?:null|${STRING}|\\[[ \\t]*(?:(?:${STRING})[ \\t]*(?:,[ \\t]*(?:${STRING})[ \\t]*)*)?\\])[ \\t]*;?[ \\t\\r]*)(?:\\n|$)`,
  'y',
)

/**
 * What the template's shape says without the lexer: a `export const` match inside the leading comment (before
 * `docEnd`) is not code, and one that starts a plain line after it (`constants`) is. Any other match is left to
 * SourceScanner. The plain lines hold only closed strings, so the lexer is in code at the start of each of them.
 * On a cold run this is per revision file: the lexer steps through the header a character at a time.
 */
function plainHeaderLines(source: string): { docEnd: number; constants: Set<number> } {
  const constants = new Set<number>()
  LEADING_COMMENT.lastIndex = 0
  if (!LEADING_COMMENT.test(source)) return { docEnd: 0, constants }
  const docEnd = LEADING_COMMENT.lastIndex
  let at = docEnd
  while (at < source.length) {
    PLAIN_LINE.lastIndex = at
    const line = PLAIN_LINE.exec(source)
    if (!line || PLAIN_LINE.lastIndex === at) break
    if (line[1]) constants.add(at)
    at = PLAIN_LINE.lastIndex
  }
  return { docEnd, constants }
}

function headerError(path: string, problem: string): RevisionError {
  return new RevisionError(`${path}: ${problem}`, 'header')
}

function normalizeDownRevision(value: HeaderLiteral): string | string[] | null {
  const list = toList(value)
  if (list.length === 0) return null
  return list.length === 1 ? list[0] : list
}

function toList(value: HeaderLiteral): string[] {
  if (value === null) return []
  const list = typeof value === 'string' ? [value] : value
  return [...new Set(list)]
}

/**
 * A message written into the doc comment: `*` + `/` would end the comment, so it is written `*\/` (and a `*`, n
 * backslashes and `/` gets one backslash more), which `unescapeDocComment` reverses: any message survives unchanged.
 */
export function escapeDocComment(text: string): string {
  return text.replace(/\*(\\*)\//g, '*$1\\/')
}

function unescapeDocComment(text: string): string {
  return text.includes('*\\') ? text.replace(/\*\\(\\*)\//g, '*$1/') : text
}

/** The text of the first block comment, when nothing but whitespace, a shebang or line comments precede it. */
export function leadingDocComment(source: string): string {
  let i = 0
  if (source.startsWith('#!')) i = source.indexOf('\n') + 1 || source.length
  for (;;) {
    while (i < source.length && /\s/.test(source[i])) i++
    if (source.startsWith('//', i)) {
      const end = source.indexOf('\n', i)
      if (end < 0) return ''
      i = end + 1
      continue
    }
    break
  }
  if (!source.startsWith('/*', i)) return ''
  const end = source.indexOf('*/', i + 2)
  if (end < 0) return ''
  // Whole-text passes rather than a split per line: this runs once per revision file on every command.
  let body = source.slice(i + 2, end)
  if (body.includes('\r')) body = body.replace(/\r\n?/g, '\n')
  return unescapeDocComment(
    body
      .replace(/^\*/, '')
      .replace(/^[ \t]*\* ?/gm, '')
      .replace(/[ \t]+$/gm, '')
      .trim(),
  )
}

const HEADER_FIELD_LINE = /^(Revision ID|Revises|Create Date):/

function messageOf(doc: string): string {
  const first = doc.split('\n', 1)[0].trim()
  return HEADER_FIELD_LINE.test(first) ? '' : first
}

function createDateOf(doc: string): string | null {
  const match = /^Create Date:[ \t]*(.*)$/m.exec(doc)
  const value = match?.[1].trim()
  return value ? value : null
}
