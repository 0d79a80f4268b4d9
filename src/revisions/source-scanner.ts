/**
 * Just enough of a JavaScript/TypeScript lexer to tell whether a position in a source file is code, or inside a
 * comment, a string, a template literal or a regular expression. Revision headers are found with a regular
 * expression and then checked here, so a commented-out `export const revision = 'old'` is not mistaken for the real
 * one. The scanner only moves forward and stops at the last position asked about, so a header at the top of a large
 * file costs a few hundred characters.
 */

const enum State {
  Code,
  LineComment,
  BlockComment,
  SingleQuote,
  DoubleQuote,
  Template,
  Regex,
  RegexClass,
}

/** After these characters a `/` starts a regular expression rather than a division. */
const REGEX_AFTER_PUNCTUATION = new Set(['(', ',', '=', ':', '[', '!', '&', '|', '?', '{', '}', ';', '+', '-', '*', '%', '<', '>', '~', '^'])
/** After these words a `/` starts a regular expression. */
const REGEX_AFTER_WORD = new Set([
  'return', 'typeof', 'instanceof', 'in', 'of', 'new', 'delete', 'void', 'throw', 'case', 'do', 'else', 'yield', 'await',
])

function isWordChar(code: number): boolean {
  return (
    (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95 || code === 36 ||
    code > 127
  )
}

export class SourceScanner {
  private position = 0
  private state: State = State.Code
  /** For each open `${` of a template literal, how many plain `{` are open inside it. */
  private readonly templateBraces: number[] = []
  /** The last significant code character (or '' at the start), to tell a regex from a division. */
  private lastSignificant = ''
  private lastWordStart = -1
  private lastWordEnd = -1

  constructor(private readonly source: string) {}

  /** True when `target` (>= every earlier call's target) is in plain code. */
  isCodeAt(target: number): boolean {
    this.advanceTo(target)
    return this.state === State.Code
  }

  private advanceTo(target: number): void {
    const src = this.source
    let i = this.position
    while (i < target) {
      const ch = src[i]
      switch (this.state) {
        case State.Code:
          i = this.stepCode(i)
          continue
        case State.LineComment: {
          // Jump to the end of the comment instead of stepping through it (doc comments are most of a header).
          const lineEnd = src.indexOf('\n', i)
          if (lineEnd < 0 || lineEnd >= target) {
            i = target
            continue
          }
          this.state = State.Code
          i = lineEnd + 1
          continue
        }
        case State.BlockComment: {
          const close = src.indexOf('*/', i)
          if (close < 0 || close + 2 > target) {
            // Stop inside the comment, but never between its `*` and `/`.
            i = close === target - 1 ? target + 1 : target
            if (i > target) this.state = State.Code
            continue
          }
          this.state = State.Code
          i = close + 2
          continue
        }
        case State.SingleQuote:
        case State.DoubleQuote:
          if (ch === '\\') {
            i += 2
            continue
          }
          if ((ch === "'" && this.state === State.SingleQuote) || (ch === '"' && this.state === State.DoubleQuote) || ch === '\n') {
            this.state = State.Code
            this.lastSignificant = ch
          }
          break
        case State.Template:
          if (ch === '\\') {
            i += 2
            continue
          }
          if (ch === '`') {
            this.state = State.Code
            this.lastSignificant = '`'
          } else if (ch === '$' && src[i + 1] === '{') {
            this.templateBraces.push(0)
            this.state = State.Code
            this.lastSignificant = '{'
            i += 2
            continue
          }
          break
        case State.Regex:
          if (ch === '\\') {
            i += 2
            continue
          }
          if (ch === '[') this.state = State.RegexClass
          else if (ch === '/' || ch === '\n') {
            this.state = State.Code
            this.lastSignificant = ')' // a regex literal is a value: a following `/` divides
          }
          break
        case State.RegexClass:
          if (ch === '\\') {
            i += 2
            continue
          }
          if (ch === ']') this.state = State.Regex
          break
      }
      i++
    }
    this.position = Math.max(i, target)
  }

  /** Consumes one code character (or a whole word) at `i`; returns the next index. */
  private stepCode(i: number): number {
    const src = this.source
    const ch = src[i]
    const code = src.charCodeAt(i)
    if (isWordChar(code)) {
      let end = i + 1
      while (end < src.length && isWordChar(src.charCodeAt(end))) end++
      this.lastWordStart = i
      this.lastWordEnd = end
      this.lastSignificant = 'w'
      return end
    }
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') return i + 1
    if (ch === '/') {
      const next = src[i + 1]
      if (next === '/') {
        this.state = State.LineComment
        return i + 2
      }
      if (next === '*') {
        this.state = State.BlockComment
        return i + 2
      }
      if (this.regexMayStartHere()) {
        this.state = State.Regex
        return i + 1
      }
    } else if (ch === "'") {
      this.state = State.SingleQuote
      return i + 1
    } else if (ch === '"') {
      this.state = State.DoubleQuote
      return i + 1
    } else if (ch === '`') {
      this.state = State.Template
      return i + 1
    } else if (ch === '{' && this.templateBraces.length > 0) {
      this.templateBraces[this.templateBraces.length - 1]++
    } else if (ch === '}' && this.templateBraces.length > 0) {
      const depth = this.templateBraces[this.templateBraces.length - 1]
      if (depth === 0) {
        this.templateBraces.pop()
        this.state = State.Template
        return i + 1
      }
      this.templateBraces[this.templateBraces.length - 1] = depth - 1
    }
    this.lastSignificant = ch
    return i + 1
  }

  private regexMayStartHere(): boolean {
    if (this.lastSignificant === '') return true
    if (this.lastSignificant === 'w') {
      return REGEX_AFTER_WORD.has(this.source.slice(this.lastWordStart, this.lastWordEnd))
    }
    return REGEX_AFTER_PUNCTUATION.has(this.lastSignificant)
  }
}

/** A value a header constant may hold. */
export type HeaderLiteral = string | string[] | null

export class LiteralSyntaxError extends Error {}

/**
 * Reads `[: Type] = <literal> [as const] [;]` starting right after a constant's name. The literal is null,
 * undefined, a string (quotes or a template without substitutions) or an array of strings; anything else throws
 * LiteralSyntaxError, because the value would need the file to run.
 */
export function readConstantLiteral(source: string, start: number): HeaderLiteral {
  let i = skipSpace(source, start, true)
  if (source[i] === ':') i = skipTypeAnnotation(source, i + 1)
  if (source[i] !== '=' || source[i + 1] === '=') throw new LiteralSyntaxError('expected `=` after the name')
  i = skipSpace(source, i + 1, true)
  let value: HeaderLiteral
  if (source.startsWith('null', i) && !isWordChar(source.charCodeAt(i + 4))) {
    value = null
    i += 4
  } else if (source.startsWith('undefined', i) && !isWordChar(source.charCodeAt(i + 9))) {
    value = null
    i += 9
  } else if (source[i] === '[') {
    const items: string[] = []
    i = skipSpace(source, i + 1, true)
    while (source[i] !== ']') {
      const [text, end] = readString(source, i)
      items.push(text)
      i = skipSpace(source, end, true)
      if (source[i] === ',') i = skipSpace(source, i + 1, true)
      else if (source[i] !== ']') throw new LiteralSyntaxError('expected `,` or `]` in the array')
    }
    value = items
    i += 1
  } else {
    const [text, end] = readString(source, i)
    value = text
    i = end
  }
  i = skipSpace(source, i, false)
  if (source.startsWith('as', i) && !isWordChar(source.charCodeAt(i + 2))) {
    i = skipSpace(source, i + 2, false)
    if (!(source.startsWith('const', i) && !isWordChar(source.charCodeAt(i + 5)))) {
      throw new LiteralSyntaxError('only `as const` may follow the value')
    }
    i = skipSpace(source, i + 5, false)
  }
  if (i < source.length && source[i] !== ';' && source[i] !== '\n' && source[i] !== '\r') {
    throw new LiteralSyntaxError('the value continues past the literal')
  }
  return value
}

/** Skips whitespace and comments; when `newlines` is false, stops at the first line break outside a comment. */
function skipSpace(source: string, start: number, newlines: boolean): number {
  let i = start
  while (i < source.length) {
    const ch = source[i]
    if (ch === ' ' || ch === '\t' || ((ch === '\n' || ch === '\r') && newlines)) i++
    else if (ch === '/' && source[i + 1] === '*') {
      const end = source.indexOf('*/', i + 2)
      if (end < 0) throw new LiteralSyntaxError('unterminated comment')
      i = end + 2
    } else if (ch === '/' && source[i + 1] === '/') {
      const end = source.indexOf('\n', i)
      if (end < 0) return source.length
      i = newlines ? end + 1 : end
    } else break
  }
  return i
}

/** Skips a type annotation up to the `=` that assigns the value (not `=>`, not inside brackets). */
function skipTypeAnnotation(source: string, start: number): number {
  let depth = 0
  for (let i = start; i < source.length; i++) {
    const ch = source[i]
    if (ch === '(' || ch === '[' || ch === '{' || ch === '<') depth++
    else if (ch === ')' || ch === ']' || ch === '}' || (ch === '>' && source[i - 1] !== '=')) depth--
    else if (ch === "'" || ch === '"' || ch === '`') i = readString(source, i)[1] - 1
    else if (ch === '=' && depth === 0 && source[i + 1] !== '>') return i
    else if (ch === '\n' && depth <= 0 && /^\s*export\b/.test(source.slice(i + 1, i + 40))) break
  }
  throw new LiteralSyntaxError('expected `=` after the type annotation')
}

const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v', '0': '\0' }

/** Reads a quoted string or a template without substitutions at `start`; returns [text, index after it]. */
function readString(source: string, start: number): [string, number] {
  const quote = source[start]
  if (quote !== "'" && quote !== '"' && quote !== '`') throw new LiteralSyntaxError('expected a string literal')
  // The usual case, no escape and no line break: one slice instead of a string built a character at a time.
  const close = source.indexOf(quote, start + 1)
  if (close > 0) {
    const plain = source.slice(start + 1, close)
    if (!plain.includes('\\') && !plain.includes('\n') && !(quote === '`' && plain.includes('${'))) return [plain, close + 1]
  }
  let text = ''
  let i = start + 1
  while (i < source.length) {
    const ch = source[i]
    if (ch === quote) return [text, i + 1]
    if (ch === '\\') {
      const next = source[i + 1]
      if (next === 'u' || next === 'x') {
        const braced = next === 'u' && source[i + 2] === '{'
        const hexStart = braced ? i + 3 : i + 2
        const hexEnd = braced ? source.indexOf('}', hexStart) : hexStart + (next === 'u' ? 4 : 2)
        text += String.fromCodePoint(parseInt(source.slice(hexStart, hexEnd), 16))
        i = braced ? hexEnd + 1 : hexEnd
        continue
      }
      text += SIMPLE_ESCAPES[next] ?? next
      i += 2
      continue
    }
    if (quote === '`' && ch === '$' && source[i + 1] === '{') throw new LiteralSyntaxError('template substitutions are not literals')
    if (quote !== '`' && ch === '\n') break
    text += ch
    i++
  }
  throw new LiteralSyntaxError('unterminated string')
}
