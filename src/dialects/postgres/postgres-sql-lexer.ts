/**
 * A tokenizer for PostgreSQL expressions (checks, index expressions and predicates, defaults), following the
 * server's own lexical rules closely enough that what `pg_get_expr` prints and what a user writes split alike.
 */

export type Token =
  | { t: 'num'; v: string }
  | { t: 'str'; v: string }
  /** An identifier or keyword; unquoted ones are folded to lower case, as the server does. */
  | { t: 'id'; v: string; quoted: boolean }
  | { t: 'op'; v: string }
  | { t: 'punct'; v: '(' | ')' | '[' | ']' | ',' | '.' | '::' | ';' | ':' }
  | { t: 'param'; v: string }

export class SqlSyntaxError extends Error {}

const OP_CHARS = '+-*/<>=~!@#%^&|`?'
const OP_SPECIAL = '~!@#%^&|`?'

function isIdentStart(ch: string): boolean {
  return /[A-Za-z_]/.test(ch) || ch.charCodeAt(0) >= 0x80
}

function isIdentPart(ch: string): boolean {
  return /[A-Za-z0-9_$]/.test(ch) || ch.charCodeAt(0) >= 0x80
}

/** Decodes the body of an E'…' string (backslash escapes). */
function decodeEscapes(body: string): string {
  return body.replace(/\\(x[0-9a-fA-F]{1,2}|[0-7]{1,3}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)/g, (_m, e: string) => {
    switch (e[0]) {
      case 'b':
        return '\b'
      case 'f':
        return '\f'
      case 'n':
        return '\n'
      case 'r':
        return '\r'
      case 't':
        return '\t'
      case 'x':
        return String.fromCharCode(parseInt(e.slice(1), 16))
      case 'u':
      case 'U':
        return String.fromCodePoint(parseInt(e.slice(1), 16))
      default:
        return /^[0-7]+$/.test(e) ? String.fromCharCode(parseInt(e, 8)) : e
    }
  })
}

export function tokenize(text: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  const n = text.length
  while (i < n) {
    const ch = text[i]!
    if (/\s/.test(ch)) {
      i++
      continue
    }
    if (ch === '-' && text[i + 1] === '-') {
      while (i < n && text[i] !== '\n') i++
      continue
    }
    if (ch === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2)
      if (end < 0) throw new SqlSyntaxError('unterminated comment')
      i = end + 2
      continue
    }
    // String constants: '…', E'…', N'…'; adjacent constants separated by a newline concatenate (rare; not handled).
    if (ch === "'" || ((ch === 'E' || ch === 'e' || ch === 'N' || ch === 'n') && text[i + 1] === "'")) {
      const escaped = ch === 'E' || ch === 'e'
      let j = ch === "'" ? i + 1 : i + 2
      let body = ''
      for (;;) {
        if (j >= n) throw new SqlSyntaxError('unterminated string')
        const c = text[j]!
        if (escaped && c === '\\') {
          body += c + (text[j + 1] ?? '')
          j += 2
          continue
        }
        if (c === "'") {
          if (text[j + 1] === "'") {
            body += escaped ? "\\'" : "'"
            j += 2
            continue
          }
          j++
          break
        }
        body += c
        j++
      }
      tokens.push({ t: 'str', v: escaped ? decodeEscapes(body) : body })
      i = j
      continue
    }
    if (ch === '$') {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(text.slice(i))
      if (tag) {
        const end = text.indexOf(tag[0], i + tag[0].length)
        if (end < 0) throw new SqlSyntaxError('unterminated dollar-quoted string')
        tokens.push({ t: 'str', v: text.slice(i + tag[0].length, end) })
        i = end + tag[0].length
        continue
      }
      const param = /^\$\d+/.exec(text.slice(i))
      if (param) {
        tokens.push({ t: 'param', v: param[0] })
        i += param[0].length
        continue
      }
      throw new SqlSyntaxError(`unexpected '$'`)
    }
    if (ch === '"') {
      let j = i + 1
      let name = ''
      for (;;) {
        if (j >= n) throw new SqlSyntaxError('unterminated quoted identifier')
        if (text[j] === '"') {
          if (text[j + 1] === '"') {
            name += '"'
            j += 2
            continue
          }
          j++
          break
        }
        name += text[j]
        j++
      }
      tokens.push({ t: 'id', v: name, quoted: true })
      i = j
      continue
    }
    const num = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(text.slice(i))
    if (num && (/\d/.test(ch) || (ch === '.' && /\d/.test(text[i + 1] ?? '')))) {
      // `1..2` is not an expression we meet; a trailing '.' belongs to the number as the server reads it.
      tokens.push({ t: 'num', v: num[0] })
      i += num[0].length
      continue
    }
    if (isIdentStart(ch)) {
      let j = i + 1
      while (j < n && isIdentPart(text[j]!)) j++
      tokens.push({ t: 'id', v: text.slice(i, j).toLowerCase(), quoted: false })
      i = j
      continue
    }
    if (ch === ':' && text[i + 1] === ':') {
      tokens.push({ t: 'punct', v: '::' })
      i += 2
      continue
    }
    if ('()[],.;:'.includes(ch)) {
      tokens.push({ t: 'punct', v: ch as '(' })
      i++
      continue
    }
    if (OP_CHARS.includes(ch)) {
      let j = i
      while (j < n && OP_CHARS.includes(text[j]!)) {
        // A comment start ends the operator.
        if ((text[j] === '-' && text[j + 1] === '-') || (text[j] === '/' && text[j + 1] === '*')) break
        j++
      }
      let op = text.slice(i, j)
      // The server's rule: a multi-character operator cannot end in + or - unless it holds one of ~!@#%^&|`?
      if (op.length > 1 && ![...op].some((c) => OP_SPECIAL.includes(c))) {
        while (op.length > 1 && (op.endsWith('+') || op.endsWith('-'))) op = op.slice(0, -1)
      }
      if (op === '!=') op = '<>'
      tokens.push({ t: 'op', v: op })
      i += op.length
      continue
    }
    throw new SqlSyntaxError(`unexpected character '${ch}'`)
  }
  return tokens
}
