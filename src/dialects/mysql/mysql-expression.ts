/**
 * A canonical spelling for SQL expressions (check clauses, defaults, index expressions), so that what the user
 * wrote and what the server echoes back compare equal. MariaDB rewrites `NOT (x > 5)` to `x <= 5`, `length` to
 * `octet_length`, `TRUE` to `1` and drops redundant parentheses; MySQL 8 adds parentheses everywhere and charset
 * introducers (`_utf8mb4\'a\'`). Both sides are tokenized, parsed with MySQL's precedence and printed with minimal
 * parentheses. Whatever the parser does not understand falls back to a token-level normal form.
 */

type Token =
  | { t: 'str'; v: string }
  | { t: 'num'; v: string }
  | { t: 'id'; v: string; quoted: boolean }
  | { t: 'op'; v: string }

const OPERATORS = ['<=>', '->>', '<<', '>>', '<=', '>=', '<>', '!=', '||', '&&', ':=', '->', '(', ')', ',', '.', '=', '<', '>', '+', '-', '*', '/', '%', '^', '&', '|', '~', '!']

function readQuoted(text: string, start: number, quote: string): { value: string; end: number } {
  let value = ''
  let i = start + 1
  while (i < text.length) {
    const ch = text[i]!
    if (ch === '\\' && quote !== '`' && i + 1 < text.length) {
      const next = text[i + 1]!
      value += next === '0' ? '\0' : next === 'n' ? '\n' : next === 't' ? '\t' : next === 'r' ? '\r' : next
      i += 2
      continue
    }
    if (ch === quote) {
      if (text[i + 1] === quote) {
        value += quote
        i += 2
        continue
      }
      return { value, end: i + 1 }
    }
    value += ch
    i++
  }
  throw new Error('unterminated quote')
}

export function tokenizeExpression(input: string): Token[] {
  // MySQL 8's information_schema escapes every quote of a check clause as \' : undo that first.
  let text = input
  if (text.includes("\\'") && !/(^|[^\\])'/.test(text)) text = text.replaceAll("\\'", "'")
  const tokens: Token[] = []
  let i = 0
  while (i < text.length) {
    const ch = text[i]!
    if (/\s/.test(ch)) {
      i++
      continue
    }
    if (ch === "'" || ch === '"') {
      const { value, end } = readQuoted(text, i, ch)
      tokens.push({ t: 'str', v: value })
      i = end
      continue
    }
    if (ch === '`') {
      const { value, end } = readQuoted(text, i, '`')
      tokens.push({ t: 'id', v: value.toLowerCase(), quoted: true })
      i = end
      continue
    }
    const number = /^(\d+\.?\d*(e[+-]?\d+)?|\.\d+(e[+-]?\d+)?)/i.exec(text.slice(i))
    if (number) {
      tokens.push({ t: 'num', v: number[0].toLowerCase() })
      i += number[0].length
      continue
    }
    const word = /^[a-z_$@][a-z0-9_$@]*/i.exec(text.slice(i))
    if (word) {
      i += word[0].length
      // A charset introducer (_utf8mb4'x') says nothing about the value.
      if (/^_[a-z0-9]+$/i.test(word[0]) && (text[i] === "'" || (text[i] === '\\' && text[i + 1] === "'"))) continue
      tokens.push({ t: 'id', v: word[0].toLowerCase(), quoted: false })
      continue
    }
    const op = OPERATORS.find((o) => text.startsWith(o, i))
    if (!op) throw new Error(`unexpected character '${ch}'`)
    tokens.push({ t: 'op', v: op })
    i += op.length
  }
  return tokens
}

type Node =
  | { t: 'atom'; text: string }
  | { t: 'str'; v: string }
  | { t: 'bin'; op: string; l: Node; r: Node }
  | { t: 'chain'; op: 'and' | 'or' | 'xor'; items: Node[] }
  | { t: 'not'; e: Node }
  | { t: 'neg'; op: string; e: Node }
  | { t: 'call'; name: string; args: Node[] }
  | { t: 'in'; e: Node; not: boolean; list: Node[] }
  | { t: 'between'; e: Node; not: boolean; lo: Node; hi: Node }
  | { t: 'is'; e: Node; not: boolean; what: string }
  | { t: 'tuple'; items: Node[] }
  | { t: 'case'; subject: Node | null; whens: [Node, Node][]; otherwise: Node | null }

const BINARY_PRECEDENCE: Record<string, number> = {
  '=': 6, '<=>': 6, '>=': 6, '>': 6, '<=': 6, '<': 6, '<>': 6, like: 6, 'not like': 6, regexp: 6, 'not regexp': 6,
  '|': 7, '&': 8, '<<': 9, '>>': 9, '+': 10, '-': 10, '*': 11, '/': 11, div: 11, '%': 11, '^': 12, collate: 15, '->': 16, '->>': 16,
}
const CHAIN_PRECEDENCE = { or: 1, xor: 2, and: 3 } as const
const NOT_PRECEDENCE = 4
const PREDICATE_PRECEDENCE = 6
const UNARY_PRECEDENCE = 13

const SYNONYMS: Record<string, string> = {
  '!=': '<>', '&&': 'and', '||': 'or', mod: '%', rlike: 'regexp',
  octet_length: 'length', character_length: 'char_length', now: 'current_timestamp', localtime: 'current_timestamp',
  localtimestamp: 'current_timestamp', curdate: 'current_date', curtime: 'current_time', ucase: 'upper', lcase: 'lower',
  substr: 'substring',
}
const NILADIC = new Set(['current_timestamp', 'current_date', 'current_time', 'current_user', 'localtime', 'localtimestamp', 'utc_timestamp', 'utc_date', 'utc_time'])
const INVERSE: Record<string, string> = { '=': '<>', '<>': '=', '>': '<=', '<=': '>', '<': '>=', '>=': '<' }

class Parser {
  private pos = 0
  constructor(private readonly tokens: Token[]) {}

  private peek(offset = 0): Token | undefined {
    return this.tokens[this.pos + offset]
  }
  private isOp(v: string, offset = 0): boolean {
    const tok = this.peek(offset)
    return tok?.t === 'op' && tok.v === v
  }
  private isWord(v: string, offset = 0): boolean {
    const tok = this.peek(offset)
    return tok?.t === 'id' && !tok.quoted && tok.v === v
  }
  private expectOp(v: string): void {
    if (!this.isOp(v)) throw new Error(`expected '${v}'`)
    this.pos++
  }
  private expectWord(v: string): void {
    if (!this.isWord(v)) throw new Error(`expected '${v}'`)
    this.pos++
  }

  parseAll(): Node {
    const node = this.expr(0)
    if (this.pos !== this.tokens.length) throw new Error('trailing tokens')
    return node
  }

  private list(): Node[] {
    const items: Node[] = []
    if (this.isOp(')')) return items
    for (;;) {
      items.push(this.expr(0))
      if (!this.isOp(',')) return items
      this.pos++
    }
  }

  private prefix(): Node {
    const tok = this.peek()
    if (!tok) throw new Error('unexpected end')
    this.pos++
    if (tok.t === 'str') return { t: 'str', v: tok.v }
    if (tok.t === 'num') return { t: 'atom', text: tok.v }
    if (tok.t === 'op') {
      if (tok.v === '(') {
        const items = this.list()
        this.expectOp(')')
        if (items.length === 1) return items[0]!
        return { t: 'tuple', items }
      }
      if (tok.v === '!') return { t: 'not', e: this.expr(14) }
      if (tok.v === '-' || tok.v === '+' || tok.v === '~') {
        const operand = this.expr(UNARY_PRECEDENCE)
        if (tok.v === '+') return operand
        if (tok.v === '-' && operand.t === 'atom' && /^[\d.]/.test(operand.text)) return { t: 'atom', text: `-${operand.text}` }
        return { t: 'neg', op: tok.v, e: operand }
      }
      throw new Error(`unexpected '${tok.v}'`)
    }
    if (!tok.quoted) {
      if (tok.v === 'not') return { t: 'not', e: this.expr(NOT_PRECEDENCE) }
      if (tok.v === 'null') return { t: 'atom', text: 'null' }
      if (tok.v === 'true') return { t: 'atom', text: '1' }
      if (tok.v === 'false') return { t: 'atom', text: '0' }
      if (tok.v === 'binary') return { t: 'neg', op: 'binary ', e: this.expr(15) }
      if (tok.v === 'case') return this.caseExpression()
      if (this.isOp('(')) {
        this.pos++
        if (this.isWord('distinct')) throw new Error('aggregates are not expected here')
        const args = this.isOp('*') ? (this.pos++, [{ t: 'atom', text: '*' } as Node]) : this.list()
        this.expectOp(')')
        const name = SYNONYMS[tok.v] ?? tok.v
        return { t: 'call', name, args }
      }
      if (NILADIC.has(tok.v)) return { t: 'call', name: SYNONYMS[tok.v] ?? tok.v, args: [] }
    }
    let name = tok.v
    while (this.isOp('.') && this.peek(1)?.t === 'id') {
      name += '.' + this.peek(1)!.v
      this.pos += 2
    }
    // Column references drop their table qualifier: check clauses only ever see their own table.
    return { t: 'atom', text: name.split('.').pop()! }
  }

  private caseExpression(): Node {
    const subject = this.isWord('when') ? null : this.expr(0)
    const whens: [Node, Node][] = []
    while (this.isWord('when')) {
      this.pos++
      const when = this.expr(0)
      this.expectWord('then')
      whens.push([when, this.expr(0)])
    }
    let otherwise: Node | null = null
    if (this.isWord('else')) {
      this.pos++
      otherwise = this.expr(0)
    }
    this.expectWord('end')
    return { t: 'case', subject, whens, otherwise }
  }

  /** The operator at the cursor and its precedence, without consuming it. */
  private infix(): { op: string; prec: number; width: number } | null {
    const tok = this.peek()
    if (!tok) return null
    if (tok.t === 'op') {
      const op = SYNONYMS[tok.v] ?? tok.v
      if (op === 'and' || op === 'or') return { op, prec: CHAIN_PRECEDENCE[op], width: 1 }
      const prec = BINARY_PRECEDENCE[op]
      return prec === undefined ? null : { op, prec, width: 1 }
    }
    if (tok.t !== 'id' || tok.quoted) return null
    const word = SYNONYMS[tok.v] ?? tok.v
    if (word === 'and' || word === 'or' || word === 'xor') return { op: word, prec: CHAIN_PRECEDENCE[word], width: 1 }
    if (word === 'is' || word === 'in') return { op: word, prec: PREDICATE_PRECEDENCE, width: 1 }
    if (word === 'between') return { op: word, prec: 5, width: 1 }
    if (word === 'not') {
      const next = this.peek(1)
      const nextWord = next?.t === 'id' && !next.quoted ? (SYNONYMS[next.v] ?? next.v) : ''
      if (nextWord === 'in' || nextWord === 'like' || nextWord === 'regexp') return { op: `not ${nextWord}`, prec: PREDICATE_PRECEDENCE, width: 2 }
      if (nextWord === 'between') return { op: 'not between', prec: 5, width: 2 }
      return null
    }
    if (word === 'like' || word === 'regexp' || word === 'div' || word === '%' || word === 'collate') return { op: word, prec: BINARY_PRECEDENCE[word]!, width: 1 }
    return null
  }

  expr(minPrec: number): Node {
    let left = this.prefix()
    for (;;) {
      const next = this.infix()
      if (!next || next.prec < minPrec) return left
      this.pos += next.width
      const { op, prec } = next
      if (op === 'and' || op === 'or' || op === 'xor') {
        const right = this.expr(prec + 1)
        left = { t: 'chain', op, items: [left, right] }
      } else if (op === 'is' || op === 'in' || op === 'not in') {
        if (op === 'is') {
          const not = this.isWord('not')
          if (not) this.pos++
          const what = this.peek()
          if (what?.t !== 'id' || !['null', 'true', 'false', 'unknown'].includes(what.v)) throw new Error('unsupported IS')
          this.pos++
          left = { t: 'is', e: left, not, what: what.v }
        } else {
          this.expectOp('(')
          const list = this.list()
          this.expectOp(')')
          left = { t: 'in', e: left, not: op === 'not in', list }
        }
      } else if (op === 'between' || op === 'not between') {
        const lo = this.expr(PREDICATE_PRECEDENCE)
        this.expectWord('and')
        const hi = this.expr(PREDICATE_PRECEDENCE)
        left = { t: 'between', e: left, not: op === 'not between', lo, hi }
      } else {
        left = { t: 'bin', op, l: left, r: this.expr(prec + 1) }
        if (op === 'like' || op === 'not like') {
          if (this.isWord('escape')) throw new Error('LIKE … ESCAPE is kept verbatim')
        }
      }
    }
  }
}

/** Rewrites that the servers apply on their own, applied to both sides. */
function simplify(node: Node): Node {
  switch (node.t) {
    case 'chain': {
      const items: Node[] = []
      for (const item of node.items.map(simplify)) {
        if (item.t === 'chain' && item.op === node.op) items.push(...item.items)
        else items.push(item)
      }
      return { t: 'chain', op: node.op, items }
    }
    case 'not': {
      const e = simplify(node.e)
      if (e.t === 'bin' && INVERSE[e.op]) return { ...e, op: INVERSE[e.op]! }
      if (e.t === 'bin' && (e.op === 'like' || e.op === 'regexp')) return { ...e, op: `not ${e.op}` }
      if (e.t === 'in' || e.t === 'between' || e.t === 'is') return { ...e, not: !e.not }
      if (e.t === 'not') return e.e
      return { t: 'not', e }
    }
    case 'bin':
      return { ...node, l: simplify(node.l), r: simplify(node.r) }
    case 'neg':
      return { ...node, e: simplify(node.e) }
    case 'call':
      return { ...node, args: node.args.map(simplify) }
    case 'in':
      return { ...node, e: simplify(node.e), list: node.list.map(simplify) }
    case 'between':
      return { ...node, e: simplify(node.e), lo: simplify(node.lo), hi: simplify(node.hi) }
    case 'is':
      return { ...node, e: simplify(node.e) }
    case 'tuple':
      return { ...node, items: node.items.map(simplify) }
    case 'case':
      return {
        ...node,
        subject: node.subject && simplify(node.subject),
        whens: node.whens.map(([w, r]) => [simplify(w), simplify(r)] as [Node, Node]),
        otherwise: node.otherwise && simplify(node.otherwise),
      }
    default:
      return node
  }
}

function precedenceOf(node: Node): number {
  switch (node.t) {
    case 'chain':
      return CHAIN_PRECEDENCE[node.op]
    case 'not':
      return NOT_PRECEDENCE
    case 'bin':
      return BINARY_PRECEDENCE[node.op] ?? 6
    case 'in':
    case 'is':
      return PREDICATE_PRECEDENCE
    case 'between':
      return 5
    case 'neg':
      return UNARY_PRECEDENCE
    default:
      return 100
  }
}

function quoteString(value: string): string {
  return "'" + value.replaceAll('\\', '\\\\').replaceAll("'", "''") + "'"
}

function print(node: Node, parentPrec = 0, strict = false): string {
  const own = precedenceOf(node)
  const text = printBare(node)
  return own < parentPrec || (strict && own === parentPrec) ? `(${text})` : text
}

function printBare(node: Node): string {
  switch (node.t) {
    case 'atom':
      return node.text
    case 'str':
      return quoteString(node.v)
    case 'chain': {
      const prec = CHAIN_PRECEDENCE[node.op]
      return node.items.map((item) => print(item, prec, true)).join(` ${node.op} `)
    }
    case 'not':
      return `not ${print(node.e, NOT_PRECEDENCE)}`
    case 'neg':
      return `${node.op}${print(node.e, UNARY_PRECEDENCE)}`
    case 'bin': {
      const prec = BINARY_PRECEDENCE[node.op] ?? 6
      return `${print(node.l, prec)} ${node.op} ${print(node.r, prec, true)}`
    }
    case 'call':
      return `${node.name}(${node.args.map((a) => print(a)).join(',')})`
    case 'in':
      return `${print(node.e, PREDICATE_PRECEDENCE, true)} ${node.not ? 'not in' : 'in'} (${node.list.map((a) => print(a)).join(',')})`
    case 'between':
      return `${print(node.e, 6)} ${node.not ? 'not between' : 'between'} ${print(node.lo, 6)} and ${print(node.hi, 6)}`
    case 'is':
      return `${print(node.e, PREDICATE_PRECEDENCE, true)} is ${node.not ? 'not ' : ''}${node.what}`
    case 'tuple':
      return `(${node.items.map((a) => print(a)).join(',')})`
    case 'case': {
      const parts = ['case']
      if (node.subject) parts.push(print(node.subject))
      for (const [when, then] of node.whens) parts.push('when', print(when), 'then', print(then))
      if (node.otherwise) parts.push('else', print(node.otherwise))
      parts.push('end')
      return parts.join(' ')
    }
  }
}

/** Token-level normal form, for what the parser does not cover. */
function tokenForm(tokens: Token[]): string {
  const words = tokens.map((tok) => {
    if (tok.t === 'str') return quoteString(tok.v)
    if (tok.t === 'op') return SYNONYMS[tok.v] ?? tok.v
    if (tok.t === 'id' && !tok.quoted) return SYNONYMS[tok.v] ?? tok.v
    return tok.v
  })
  let text = words.join(' ')
  text = text.replace(/\(\s+/g, '(').replace(/\s+\)/g, ')').replace(/\s*,\s*/g, ',').replace(/\s+\(/g, '(')
  while (/^\(.*\)$/s.test(text) && balanced(text.slice(1, -1))) text = text.slice(1, -1)
  return text
}

function balanced(text: string): boolean {
  let depth = 0
  for (const ch of text) {
    if (ch === '(') depth++
    else if (ch === ')' && --depth < 0) return false
  }
  return depth === 0
}

/** The canonical spelling of an expression; equal strings mean equal expressions as far as strata can tell. */
export function normalizeMysqlExpression(sql: string): string {
  let tokens: Token[]
  try {
    tokens = tokenizeExpression(sql)
  } catch {
    return sql.trim().replace(/\s+/g, ' ').toLowerCase()
  }
  try {
    return print(simplify(new Parser(tokens).parseAll()))
  } catch {
    return tokenForm(tokens)
  }
}
