/**
 * A small precedence parser for PostgreSQL value expressions. It exists so that an expression as the server
 * re-renders it (`((downloads >= 0) AND (x)::text = ANY (ARRAY[…]))`) and as a user wrote it
 * (`downloads >= 0 and x in (…)`) reduce to the same tree. Anything outside the supported grammar throws
 * SqlSyntaxError and the caller falls back to token-level normalisation.
 */
import { SqlSyntaxError, type Token, tokenize } from './postgres-sql-lexer.js'
import { canonicalTypeName, quoteIfNeeded } from './postgres-sql-names.js'
import { type ExprNode, PREC, binaryPrecedence } from './postgres-expression-tree.js'

const VALUE_KEYWORDS = new Set([
  'current_timestamp',
  'current_time',
  'localtime',
  'localtimestamp',
  'current_date',
  'current_user',
  'session_user',
  'user',
  'current_role',
  'current_catalog',
  'current_schema',
])
const PRECISION_KEYWORDS = new Set(['current_timestamp', 'current_time', 'localtime', 'localtimestamp'])
const SPECIAL_FUNCTIONS = new Set(['extract', 'position', 'substring', 'trim', 'overlay'])
const SPECIAL_WORDS = new Set(['from', 'for', 'in', 'both', 'leading', 'trailing', 'placing'])
/** Words that begin a type name usable as `type 'literal'`. */
const TYPE_WORDS = new Set([
  'date', 'time', 'timestamp', 'timestamptz', 'timetz', 'interval', 'boolean', 'bool', 'int', 'integer', 'bigint',
  'smallint', 'int2', 'int4', 'int8', 'numeric', 'decimal', 'real', 'float', 'float4', 'float8', 'double', 'char',
  'character', 'varchar', 'bpchar', 'text', 'json', 'jsonb', 'uuid', 'bytea',
])
/** Unquoted words that cannot start an operand. */
const STOP_WORDS = new Set(['and', 'or', 'then', 'when', 'else', 'end', 'from', 'as', 'is', 'in', 'like', 'ilike', 'between', 'collate', 'at', 'escape', 'similar', 'isnull', 'notnull', 'for'])

class Parser {
  private pos = 0
  constructor(private readonly tokens: Token[]) {}

  private peek(offset = 0): Token | undefined {
    return this.tokens[this.pos + offset]
  }
  private next(): Token {
    const token = this.tokens[this.pos++]
    if (!token) throw new SqlSyntaxError('unexpected end of expression')
    return token
  }
  private isWord(word: string, offset = 0): boolean {
    const t = this.peek(offset)
    return !!t && t.t === 'id' && !t.quoted && t.v === word
  }
  private isPunct(p: string, offset = 0): boolean {
    const t = this.peek(offset)
    return !!t && t.t === 'punct' && t.v === p
  }
  private isOp(op: string, offset = 0): boolean {
    const t = this.peek(offset)
    return !!t && t.t === 'op' && t.v === op
  }
  private expectWord(word: string): void {
    if (!this.isWord(word)) throw new SqlSyntaxError(`expected ${word.toUpperCase()}`)
    this.pos++
  }
  private expectPunct(p: string): void {
    if (!this.isPunct(p)) throw new SqlSyntaxError(`expected '${p}'`)
    this.pos++
  }

  atEnd(): boolean {
    return this.pos >= this.tokens.length
  }

  parseAll(): ExprNode {
    const node = this.parseExpr(0)
    if (this.isPunct(';')) this.pos++
    if (this.pos < this.tokens.length) throw new SqlSyntaxError('unexpected trailing tokens')
    return node
  }

  parseExpr(minPrec: number): ExprNode {
    let left = this.parsePrefix()
    for (;;) {
      const t = this.peek()
      if (!t) break
      if (t.t === 'id' && !t.quoted) {
        const w = t.v
        if (w === 'or' || w === 'and') {
          const prec = w === 'or' ? PREC.OR : PREC.AND
          if (prec < minPrec) break
          this.pos++
          const right = this.parseExpr(prec + 1)
          left = { k: 'bool', op: w === 'or' ? 'OR' : 'AND', items: [left, right] }
          continue
        }
        if (w === 'is' || w === 'isnull' || w === 'notnull') {
          if (PREC.IS < minPrec) break
          this.pos++
          left = w === 'is' ? this.parseIs(left) : { k: 'is', e: left, not: w === 'notnull', what: 'NULL' }
          continue
        }
        const negated = w === 'not' && ['between', 'in', 'like', 'ilike', 'similar'].some((x) => this.isWord(x, 1))
        const word = negated ? (this.peek(1) as { v: string }).v : w
        if (['between', 'in', 'like', 'ilike', 'similar'].includes(word) && (negated || w === word)) {
          if (PREC.LIKE < minPrec) break
          this.pos += negated ? 2 : 1
          left = this.parsePredicate(word, negated, left)
          continue
        }
        if (w === 'at' && this.isWord('time', 1) && this.isWord('zone', 2)) {
          if (PREC.AT < minPrec) break
          this.pos += 3
          left = { k: 'atz', e: left, zone: this.parseExpr(PREC.AT + 1) }
          continue
        }
        if (w === 'collate') {
          if (PREC.COLLATE < minPrec) break
          this.pos++
          left = { k: 'collate', e: left, collation: this.parseQualifiedName() }
          continue
        }
        break
      }
      if (t.t === 'op') {
        const prec = binaryPrecedence(t.v)
        if (prec < minPrec) break
        this.pos++
        if ((this.isWord('any') || this.isWord('all') || this.isWord('some')) && this.isPunct('(', 1)) {
          const quant = (this.next() as { v: string }).v === 'all' ? 'ALL' : 'ANY'
          this.expectPunct('(')
          const r = this.parseExpr(0)
          this.expectPunct(')')
          left = { k: 'quant', op: t.v, quant, l: left, r }
          continue
        }
        // Comparisons do not associate; the others are left-associative.
        left = { k: 'bin', op: t.v, l: left, r: this.parseExpr(prec + 1) }
        continue
      }
      if (t.t === 'punct' && t.v === '::') {
        if (PREC.CAST < minPrec) break
        this.pos++
        left = { k: 'cast', e: left, type: this.parseTypeName() }
        continue
      }
      if (t.t === 'punct' && t.v === '[') {
        if (PREC.SUB < minPrec) break
        this.pos++
        left = this.parseSubscript(left)
        continue
      }
      break
    }
    return left
  }

  private parseIs(left: ExprNode): ExprNode {
    const not = this.isWord('not')
    if (not) this.pos++
    if (this.isWord('distinct')) {
      this.pos++
      this.expectWord('from')
      return { k: 'distinct', l: left, r: this.parseExpr(PREC.IS + 1), not }
    }
    const t = this.next()
    if (t.t !== 'id' || t.quoted || !['null', 'true', 'false', 'unknown', 'document'].includes(t.v)) throw new SqlSyntaxError('unsupported IS form')
    return { k: 'is', e: left, not, what: t.v.toUpperCase() }
  }

  private parsePredicate(word: string, not: boolean, left: ExprNode): ExprNode {
    if (word === 'between') {
      if (this.isWord('symmetric') || this.isWord('asymmetric')) throw new SqlSyntaxError('BETWEEN SYMMETRIC is not supported')
      const low = this.parseExpr(PREC.OP)
      this.expectWord('and')
      const high = this.parseExpr(PREC.OP)
      // The server stores BETWEEN as two comparisons and prints it so.
      return not
        ? { k: 'bool', op: 'OR', items: [{ k: 'bin', op: '<', l: left, r: low }, { k: 'bin', op: '>', l: left, r: high }] }
        : { k: 'bool', op: 'AND', items: [{ k: 'bin', op: '>=', l: left, r: low }, { k: 'bin', op: '<=', l: left, r: high }] }
    }
    if (word === 'in') {
      this.expectPunct('(')
      if (this.isWord('select') || this.isWord('values') || this.isWord('with')) throw new SqlSyntaxError('IN (subquery) is not supported')
      const items = this.parseList(')')
      return { k: 'in', e: left, not, items }
    }
    if (word === 'similar') throw new SqlSyntaxError('SIMILAR TO is not supported')
    const right = this.parseExpr(PREC.LIKE + 1)
    if (this.isWord('escape')) throw new SqlSyntaxError('LIKE … ESCAPE is not supported')
    return { k: 'like', op: word === 'ilike' ? 'ILIKE' : 'LIKE', not, l: left, r: right }
  }

  private parseSubscript(left: ExprNode): ExprNode {
    let lower: ExprNode | undefined
    let upper: ExprNode | undefined
    let slice = false
    if (!this.isPunct(':')) lower = this.parseExpr(0)
    if (this.isPunct(':')) {
      slice = true
      this.pos++
      if (!this.isPunct(']')) upper = this.parseExpr(0)
    }
    this.expectPunct(']')
    return { k: 'sub', e: left, slice, ...(lower ? { lower } : {}), ...(upper ? { upper } : {}) }
  }

  private parseList(close: ')' | ']'): ExprNode[] {
    const items: ExprNode[] = []
    if (this.isPunct(close)) {
      this.pos++
      return items
    }
    for (;;) {
      items.push(this.parseExpr(0))
      if (this.isPunct(',')) {
        this.pos++
        continue
      }
      this.expectPunct(close)
      return items
    }
  }

  private parsePrefix(): ExprNode {
    const t = this.next()
    if (t.t === 'op') {
      if (t.v === '-' || t.v === '+') return { k: 'unary', op: t.v, e: this.parseExpr(PREC.UMINUS) }
      return { k: 'unary', op: t.v, e: this.parseExpr(PREC.OP + 1) }
    }
    if (t.t === 'num') return { k: 'num', v: t.v }
    if (t.t === 'str') return { k: 'str', v: t.v }
    if (t.t === 'param') return { k: 'param', v: t.v }
    if (t.t === 'punct') {
      if (t.v === '(') {
        if (this.isWord('select') || this.isWord('values') || this.isWord('with')) throw new SqlSyntaxError('subqueries are not supported')
        const first = this.parseExpr(0)
        if (this.isPunct(',')) {
          this.pos++
          const rest = this.parseList(')')
          return { k: 'row', items: [first, ...rest] }
        }
        this.expectPunct(')')
        if (this.isPunct('.')) throw new SqlSyntaxError('field selection is not supported')
        return first
      }
      if (t.v === '[') return { k: 'array', items: this.parseList(']') }
      throw new SqlSyntaxError(`unexpected '${t.v}'`)
    }
    // Identifiers and keywords.
    if (!t.quoted) return this.parseWord(t.v)
    return this.parseNameOrCall({ name: t.v, quoted: true })
  }

  private parseWord(w: string): ExprNode {
    if (w === 'not') return { k: 'not', e: this.parseExpr(PREC.NOT) }
    if (w === 'true' || w === 'false' || w === 'null') return { k: 'const', v: w.toUpperCase() as 'TRUE' }
    if (VALUE_KEYWORDS.has(w) && !(w === 'current_schema' && this.isPunct('('))) {
      if (PRECISION_KEYWORDS.has(w) && this.isPunct('(')) {
        this.pos++
        const arg = this.next()
        this.expectPunct(')')
        return { k: 'kw', v: w.toUpperCase(), arg: (arg as { v: string }).v }
      }
      return { k: 'kw', v: w.toUpperCase() }
    }
    if (w === 'case') return this.parseCase()
    if (w === 'cast' && this.isPunct('(')) {
      this.pos++
      const e = this.parseExpr(0)
      this.expectWord('as')
      const type = this.parseTypeName()
      this.expectPunct(')')
      return { k: 'cast', e, type }
    }
    if (w === 'array') {
      if (!this.isPunct('[')) throw new SqlSyntaxError('ARRAY(subquery) is not supported')
      this.pos++
      return { k: 'array', items: this.parseList(']') }
    }
    if (w === 'row' && this.isPunct('(')) {
      this.pos++
      return { k: 'row', items: this.parseList(')') }
    }
    if (w === 'exists') throw new SqlSyntaxError('EXISTS is not supported')
    if (SPECIAL_FUNCTIONS.has(w) && this.isPunct('(')) return this.parseSpecial(w)
    if (TYPE_WORDS.has(w)) {
      // `interval '1 day'`, `date '2020-01-01'`: a typed literal is a cast of the string.
      const save = this.pos
      this.pos--
      try {
        const type = this.parseTypeName()
        const literal = this.peek()
        if (literal?.t === 'str') {
          this.pos++
          return { k: 'cast', e: { k: 'str', v: literal.v }, type }
        }
      } catch {
        // not a typed literal
      }
      this.pos = save
    }
    if (STOP_WORDS.has(w)) throw new SqlSyntaxError(`unexpected ${w.toUpperCase()}`)
    return this.parseNameOrCall({ name: w, quoted: false })
  }

  private parseNameOrCall(first: { name: string; quoted: boolean }): ExprNode {
    const parts = [first]
    while (this.isPunct('.')) {
      this.pos++
      const t = this.next()
      if (t.t !== 'id') throw new SqlSyntaxError('expected a name after .')
      parts.push({ name: t.v, quoted: t.quoted })
    }
    if (!this.isPunct('(')) return { k: 'col', parts }
    this.pos++
    // pg_catalog is always searched first; the server sometimes prints the prefix, users rarely do.
    const names = parts.map((p) => p.name)
    if (names.length === 2 && names[0] === 'pg_catalog') names.shift()
    const name = names.join('.')
    if (this.isOp('*') && this.isPunct(')', 1)) {
      this.pos += 2
      return { k: 'fn', name, args: [], star: true }
    }
    let distinct = false
    if (this.isWord('distinct')) {
      distinct = true
      this.pos++
    } else if (this.isWord('all')) this.pos++
    const args = this.parseList(')')
    if (this.isWord('over') || this.isWord('filter') || this.isWord('within')) throw new SqlSyntaxError('window and aggregate clauses are not supported')
    return { k: 'fn', name, args, ...(distinct ? { distinct } : {}) }
  }

  /** EXTRACT(field FROM x), POSITION(a IN b), SUBSTRING(x FROM a FOR b), TRIM([BOTH] [chars] FROM x), OVERLAY(…). */
  private parseSpecial(name: string): ExprNode {
    this.expectPunct('(')
    const parts: Array<{ kw?: string; e?: ExprNode }> = []
    let keywordSyntax = false
    if (name === 'extract') {
      const field = this.next()
      if (field.t !== 'id' && field.t !== 'str') throw new SqlSyntaxError('bad EXTRACT field')
      parts.push({ e: { k: 'col', parts: [{ name: field.v.toLowerCase(), quoted: false }] } })
      keywordSyntax = true
    }
    while (!this.isPunct(')')) {
      const t = this.peek()
      if (t?.t === 'id' && !t.quoted && SPECIAL_WORDS.has(t.v) && !(t.v === 'in' && name !== 'position')) {
        this.pos++
        parts.push({ kw: t.v.toUpperCase() })
        keywordSyntax = true
        continue
      }
      if (this.isPunct(',')) {
        this.pos++
        continue
      }
      // In POSITION(a IN b) the IN is the separator, so parse operands above the IN predicate's strength.
      parts.push({ e: this.parseExpr(name === 'position' ? PREC.OP : 0) })
    }
    this.pos++
    if (!keywordSyntax) {
      const args = parts.map((p) => p.e!)
      if (name === 'trim') return { k: 'special', name, parts: [{ kw: 'BOTH' }, ...(args[1] ? [{ e: args[1] }] : []), { kw: 'FROM' }, { e: args[0]! }] }
      return { k: 'fn', name, args }
    }
    if (name === 'trim' && !['BOTH', 'LEADING', 'TRAILING'].includes(parts[0]?.kw ?? '')) parts.unshift({ kw: 'BOTH' })
    return { k: 'special', name, parts }
  }

  private parseCase(): ExprNode {
    let arg: ExprNode | undefined
    if (!this.isWord('when')) arg = this.parseExpr(0)
    const whens: Array<[ExprNode, ExprNode]> = []
    while (this.isWord('when')) {
      this.pos++
      const cond = this.parseExpr(0)
      this.expectWord('then')
      whens.push([cond, this.parseExpr(0)])
    }
    let otherwise: ExprNode | undefined
    if (this.isWord('else')) {
      this.pos++
      otherwise = this.parseExpr(0)
    }
    this.expectWord('end')
    if (whens.length === 0) throw new SqlSyntaxError('CASE without WHEN')
    return { k: 'case', whens, ...(arg ? { arg } : {}), ...(otherwise ? { else: otherwise } : {}) }
  }

  private parseQualifiedName(): string {
    const names: string[] = []
    for (;;) {
      const t = this.next()
      if (t.t !== 'id') throw new SqlSyntaxError('expected a name')
      names.push(t.quoted ? quoteIfNeeded(t.v, true) : t.v)
      if (!this.isPunct('.')) return names.join('.')
      this.pos++
    }
  }

  parseTypeName(): string {
    const first = this.next()
    if (first.t !== 'id') throw new SqlSyntaxError('expected a type name')
    let base: string
    if (first.quoted || this.isPunct('.')) {
      this.pos--
      base = this.parseQualifiedName()
    } else {
      base = first.v
      if (base === 'double' && this.isWord('precision')) {
        this.pos++
        base = 'double precision'
      } else if ((base === 'character' || base === 'char' || base === 'bit') && this.isWord('varying')) {
        this.pos++
        base = base === 'bit' ? 'bit varying' : 'character varying'
      }
    }
    const args: string[] = []
    if (this.isPunct('(')) {
      this.pos++
      for (;;) {
        const t = this.next()
        if (t.t !== 'num' && t.t !== 'id') throw new SqlSyntaxError('bad type modifier')
        args.push(t.v)
        if (this.isPunct(',')) {
          this.pos++
          continue
        }
        this.expectPunct(')')
        break
      }
    }
    let zone: 'with' | 'without' | null = null
    if ((base === 'timestamp' || base === 'time') && (this.isWord('with') || this.isWord('without')) && this.isWord('time', 1) && this.isWord('zone', 2)) {
      zone = this.isWord('with') ? 'with' : 'without'
      this.pos += 3
    }
    let dims = 0
    while (this.isPunct('[')) {
      this.pos++
      if (this.peek()?.t === 'num') this.pos++
      this.expectPunct(']')
      dims++
    }
    return canonicalTypeName(base, args, zone, dims)
  }
}

export function parseExpression(text: string): ExprNode {
  return new Parser(tokenize(text)).parseAll()
}

export { SqlSyntaxError, quoteIfNeeded, canonicalTypeName }

/** The server's spelling of a type written by hand (`int4`, `varchar(20)`, `timestamptz`), or null when it does not parse. */
export function parseTypeText(text: string): string | null {
  try {
    const tokens = tokenize(text)
    const parser = new Parser(tokens)
    const type = parser.parseTypeName()
    return parser.atEnd() ? type : null
  } catch (error) {
    if (error instanceof SqlSyntaxError) return null
    throw error
  }
}
