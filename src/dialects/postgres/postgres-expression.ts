/**
 * Canonical spelling of PostgreSQL expressions, for comparison only. Both what the server prints back
 * (`pg_get_expr`, pretty or not) and what a user wrote are parsed, reduced by rules that never change meaning in
 * the places strata compares (checks, index expressions and predicates, defaults), and printed with the fewest
 * parentheses. The reductions:
 * - parentheses the precedence makes redundant, AND/OR chains flattened, keyword case and whitespace;
 * - casts the server adds to literals (`'abc'::character varying`, `'-1'::integer`, `(0)::numeric`), the implicit
 *   widening casts it adds to column references (`(n)::numeric`, `::double precision`) and text coercions of any
 *   value (`(name)::text`, `(COALESCE(name, ''))::text`);
 * - the server's rewrites: BETWEEN → two comparisons, `IN (…)` ↔ `= ANY (ARRAY[…])`, LIKE ↔ `~~`, `!=` → `<>`,
 *   `now()` ↔ CURRENT_TIMESTAMP, `trim(x)` → `TRIM(BOTH FROM x)`, numbers by value (`1.50` → `1.5`, `1e3` → `1000`).
 * What stays distinct: identifiers (`"Foo"` vs `foo`), string contents, operators, operand order, explicit casts of
 * columns to other types (`d::date`), function names.
 */
import { SqlSyntaxError, parseExpression, quoteIfNeeded } from './postgres-expression-parser.js'
import { COMPARISON_OPS, type ExprNode, PREC, binaryPrecedence } from './postgres-expression-tree.js'
import { tokenize } from './postgres-sql-lexer.js'

export const NUMERIC_TYPES = new Set(['smallint', 'integer', 'bigint', 'numeric', 'real', 'double precision'])
/** Casts the server inserts on column references by itself (promotions): removing them never changes a result's meaning in a comparison. */
const IMPLICIT_COLUMN_CASTS = new Set(['text', 'character varying', 'numeric', 'double precision'])
const IMPLICIT_TEXT_CASTS = new Set(['text', 'character varying', 'bpchar'])
const TEXT_ARRAY_TYPES = new Set(['text[]', 'character varying[]'])

/** A number by value, without exponent, leading zeros or trailing fractional zeros; null when not a plain number. */
export function canonicalNumber(text: string): string | null {
  const m = /^\s*([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*$/.exec(text)
  if (!m || (!m[2] && !m[3])) return null
  const exponent = m[4] ? Number(m[4]) : 0
  if (Math.abs(exponent) > 1000) return null
  let digits = (m[2] ?? '') + (m[3] ?? '')
  let point = (m[2] ?? '').length + exponent
  if (point < 0) {
    digits = '0'.repeat(-point) + digits
    point = 0
  }
  if (point > digits.length) digits += '0'.repeat(point - digits.length)
  const whole = digits.slice(0, point).replace(/^0+/, '') || '0'
  const fraction = digits.slice(point).replace(/0+$/, '')
  const body = fraction ? `${whole}.${fraction}` : whole
  return m[1] === '-' && body !== '0' ? `-${body}` : body
}

const TEMPORAL = /^(?:date|time|timestamp)\b/

/**
 * A date/time literal in one spelling: `2020-01-01 00:00:00+00`, `2020-01-01T00:00Z` and `2020-01-01` are all
 * `2020-01-01`; a non-zero time and a non-UTC offset are kept. Null when the text is not a date/time.
 */
export function canonicalTemporal(text: string): string | null {
  const m = /^\s*(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?\s*$/i.exec(text)
  if (!m) return null
  const fraction = (m[5] ?? '').replace(/\.?0+$/, '')
  const time = m[2] === undefined ? '' : `${m[2]}:${m[3]}:${m[4] ?? '00'}${fraction}`
  let offset = (m[6] ?? '').toUpperCase()
  if (/^(Z|[+-]00(:?00)?)$/.test(offset)) offset = ''
  else if (offset) offset = offset.replace(/^([+-]\d{2}):?(\d{2})$/, '$1:$2').replace(/:00$/, '')
  if (offset && !time) return `${m[1]} 00:00:00${offset}`
  return `${m[1]}${time && time !== '00:00:00' ? ` ${time}` : offset ? ' 00:00:00' : ''}${offset}`
}

export interface ReduceOptions {
  /**
   * Treat untyped string literals that look like dates/timestamps as temporal values (expressions: the server
   * resolves them against a date/time column and prints them back with a time and offset). Off for defaults,
   * where the column type decides.
   */
  temporalStrings: boolean
}

function isNegativeNumber(node: ExprNode): boolean {
  return node.k === 'num' && node.v.startsWith('-')
}

/** Applies the reductions bottom-up. */
export function reduce(node: ExprNode, options: ReduceOptions = { temporalStrings: true }): ExprNode {
  const next = (child: ExprNode): ExprNode => reduce(child, options)
  switch (node.k) {
    case 'num':
      return { k: 'num', v: canonicalNumber(node.v) ?? node.v }
    case 'str':
      return options.temporalStrings ? { k: 'str', v: canonicalTemporal(node.v) ?? node.v } : node
    case 'cast': {
      const type = node.type
      const baseType = type.replace(/\(.*?\)/, '')
      if (node.e.k === 'str') {
        // A typed literal: its type tells how to read the text.
        const text = node.e.v
        const asNumber = NUMERIC_TYPES.has(baseType) ? canonicalNumber(text) : null
        if (asNumber !== null) return { k: 'num', v: asNumber }
        if (TEMPORAL.test(baseType)) return { k: 'str', v: canonicalTemporal(text) ?? text }
        // Text (and every other type) keeps the string exactly.
        return { k: 'str', v: text }
      }
      const e = next(node.e)
      if (e.k === 'str') {
        const asNumber = NUMERIC_TYPES.has(baseType) ? canonicalNumber(e.v) : null
        return asNumber !== null ? { k: 'num', v: asNumber } : e
      }
      if (e.k === 'num' && NUMERIC_TYPES.has(baseType)) return e
      if (e.k === 'const' && e.v === 'NULL') return e
      if (e.k === 'col' && IMPLICIT_COLUMN_CASTS.has(baseType)) return e
      // varchar → text coercions of computed values (COALESCE(name, …)::text) are the server's too.
      if (IMPLICIT_TEXT_CASTS.has(baseType)) return e
      if (e.k === 'array' && TEXT_ARRAY_TYPES.has(type.replace(/\(\d+\)/, ''))) return e
      return { k: 'cast', e, type }
    }
    case 'unary': {
      const e = next(node.e)
      if (e.k === 'num' && (node.op === '-' || node.op === '+')) {
        const v = node.op === '+' ? e.v : e.v.startsWith('-') ? e.v.slice(1) : e.v === '0' ? '0' : `-${e.v}`
        return { k: 'num', v }
      }
      return { k: 'unary', op: node.op, e }
    }
    case 'bin': {
      const l = next(node.l)
      const r = next(node.r)
      const like = { '~~': ['LIKE', false], '!~~': ['LIKE', true], '~~*': ['ILIKE', false], '!~~*': ['ILIKE', true] } as const
      const mapped = like[node.op as keyof typeof like]
      if (mapped) return { k: 'like', op: mapped[0], not: mapped[1], l, r }
      return { k: 'bin', op: node.op, l, r }
    }
    case 'like':
      return { ...node, l: next(node.l), r: next(node.r) }
    case 'bool': {
      const items: ExprNode[] = []
      for (const item of node.items.map(next)) {
        if (item.k === 'bool' && item.op === node.op) items.push(...item.items)
        else items.push(item)
      }
      return { k: 'bool', op: node.op, items }
    }
    case 'not':
      return { k: 'not', e: next(node.e) }
    case 'is':
      return { ...node, e: next(node.e) }
    case 'distinct':
      return { ...node, l: next(node.l), r: next(node.r) }
    case 'in': {
      const e = next(node.e)
      const items = node.items.map(next)
      if (items.length === 1) return { k: 'bin', op: node.not ? '<>' : '=', l: e, r: items[0]! }
      return { k: 'in', e, not: node.not, items }
    }
    case 'quant': {
      const l = next(node.l)
      const r = next(node.r)
      const inForm = (node.op === '=' && node.quant === 'ANY') || (node.op === '<>' && node.quant === 'ALL')
      if (inForm && r.k === 'array' && r.items.length > 0) {
        const not = node.op === '<>'
        if (r.items.length === 1) return { k: 'bin', op: node.op, l, r: r.items[0]! }
        return { k: 'in', e: l, not, items: r.items }
      }
      return { k: 'quant', op: node.op, quant: node.quant, l, r }
    }
    case 'fn': {
      const args = node.args.map(next)
      if ((node.name === 'now' || node.name === 'transaction_timestamp') && args.length === 0 && !node.star) return { k: 'kw', v: 'CURRENT_TIMESTAMP' }
      return { ...node, args }
    }
    case 'special':
      return { ...node, parts: node.parts.map((p) => (p.e ? { ...p, e: next(p.e) } : p)) }
    case 'case':
      return {
        k: 'case',
        whens: node.whens.map(([c, r]) => [next(c), next(r)] as [ExprNode, ExprNode]),
        ...(node.arg ? { arg: next(node.arg) } : {}),
        ...(node.else ? { else: next(node.else) } : {}),
      }
    case 'array':
      return { k: 'array', items: node.items.map(next) }
    case 'row':
      return { k: 'row', items: node.items.map(next) }
    case 'sub':
      return {
        k: 'sub',
        e: next(node.e),
        slice: node.slice,
        ...(node.lower ? { lower: next(node.lower) } : {}),
        ...(node.upper ? { upper: next(node.upper) } : {}),
      }
    case 'collate':
      return { ...node, e: next(node.e) }
    case 'atz':
      return { k: 'atz', e: next(node.e), zone: next(node.zone) }
    default:
      return node
  }
}

function precedence(node: ExprNode): number {
  switch (node.k) {
    case 'bool':
      return node.op === 'OR' ? PREC.OR : PREC.AND
    case 'not':
      return PREC.NOT
    case 'is':
    case 'distinct':
      return PREC.IS
    case 'bin':
    case 'quant':
      return binaryPrecedence(node.op)
    case 'like':
    case 'in':
      return PREC.LIKE
    case 'unary':
      return node.op === '-' || node.op === '+' ? PREC.UMINUS : PREC.OP
    case 'num':
      return isNegativeNumber(node) ? PREC.UMINUS : PREC.ATOM
    case 'atz':
      return PREC.AT
    case 'collate':
      return PREC.COLLATE
    case 'sub':
      return PREC.SUB
    case 'cast':
      return PREC.CAST
    default:
      return PREC.ATOM
  }
}

function functionNamePart(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replaceAll('"', '""')}"`
}

export function quoteString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`
}

/** Prints a node with only the parentheses its operators' precedence needs. */
export function render(node: ExprNode): string {
  const wrap = (child: ExprNode, min: number) => {
    const text = render(child)
    return precedence(child) < min ? `(${text})` : text
  }
  switch (node.k) {
    case 'num':
      return node.v
    case 'str':
      return quoteString(node.v)
    case 'const':
      return node.v
    case 'param':
      return node.v
    case 'col':
      return node.parts.map((p) => quoteIfNeeded(p.name)).join('.')
    case 'kw':
      return node.arg !== undefined ? `${node.v}(${node.arg})` : node.v
    case 'fn':
      return `${node.name.split('.').map(functionNamePart).join('.')}(${node.distinct ? 'DISTINCT ' : ''}${node.star ? '*' : node.args.map(render).join(', ')})`
    case 'special':
      return `${node.name.toUpperCase()}(${node.parts.map((p) => (p.kw ? p.kw : render(p.e!))).join(' ')})`
    case 'cast':
      return `${wrap(node.e, PREC.CAST)}::${node.type}`
    case 'bin': {
      const p = binaryPrecedence(node.op)
      // Comparisons do not associate, so both sides need a tighter operand; the others are left-associative.
      const leftMin = COMPARISON_OPS.has(node.op) ? p + 1 : p
      return `${wrap(node.l, leftMin)} ${node.op} ${wrap(node.r, p + 1)}`
    }
    case 'bool': {
      const p = node.op === 'OR' ? PREC.OR : PREC.AND
      return node.items.map((i) => wrap(i, p + 1)).join(` ${node.op} `)
    }
    case 'not':
      return `NOT ${wrap(node.e, PREC.NOT)}`
    case 'unary': {
      const operand = wrap(node.e, node.op === '-' || node.op === '+' ? PREC.UMINUS : PREC.OP + 1)
      return operand.startsWith('-') || operand.startsWith('+') ? `${node.op} ${operand}` : `${node.op}${operand}`
    }
    case 'is':
      return `${wrap(node.e, PREC.IS + 1)} IS ${node.not ? 'NOT ' : ''}${node.what}`
    case 'distinct':
      return `${wrap(node.l, PREC.IS + 1)} IS ${node.not ? 'NOT ' : ''}DISTINCT FROM ${wrap(node.r, PREC.IS + 1)}`
    case 'in':
      return `${wrap(node.e, PREC.LIKE + 1)} ${node.not ? 'NOT ' : ''}IN (${node.items.map(render).join(', ')})`
    case 'quant':
      return `${wrap(node.l, binaryPrecedence(node.op) + 1)} ${node.op} ${node.quant} (${render(node.r)})`
    case 'like':
      return `${wrap(node.l, PREC.LIKE + 1)} ${node.not ? 'NOT ' : ''}${node.op} ${wrap(node.r, PREC.LIKE + 1)}`
    case 'case': {
      const parts = ['CASE']
      if (node.arg) parts.push(render(node.arg))
      for (const [c, r] of node.whens) parts.push(`WHEN ${render(c)} THEN ${render(r)}`)
      if (node.else) parts.push(`ELSE ${render(node.else)}`)
      parts.push('END')
      return parts.join(' ')
    }
    case 'array':
      return `ARRAY[${node.items.map(render).join(', ')}]`
    case 'row':
      return `ROW(${node.items.map(render).join(', ')})`
    case 'sub': {
      const inner = node.slice ? `${node.lower ? render(node.lower) : ''}:${node.upper ? render(node.upper) : ''}` : render(node.lower!)
      return `${wrap(node.e, PREC.SUB)}[${inner}]`
    }
    case 'collate':
      return `${wrap(node.e, PREC.COLLATE)} COLLATE ${node.collation}`
    case 'atz':
      return `${wrap(node.e, PREC.AT)} AT TIME ZONE ${wrap(node.zone, PREC.AT + 1)}`
  }
}

/** Token-level fallback for expressions outside the parser's grammar: spacing, case and outer parentheses only. */
function normalizeTokens(text: string): string {
  let tokens
  try {
    tokens = tokenize(text)
  } catch {
    return text.trim().replace(/\s+/g, ' ')
  }
  const parts = tokens.map((t) => {
    switch (t.t) {
      case 'str':
        return quoteString(t.v)
      case 'id':
        return t.quoted ? quoteIfNeeded(t.v) : t.v
      case 'num':
        return canonicalNumber(t.v) ?? t.v
      default:
        return t.v
    }
  })
  let out = parts.join(' ')
  while (out.startsWith('( ') && out.endsWith(' )') && balancedInside(out.slice(2, -2))) out = out.slice(2, -2)
  return out
}

function balancedInside(text: string): boolean {
  let depth = 0
  for (const ch of text.replace(/'(?:[^']|'')*'/g, "''")) {
    if (ch === '(') depth++
    if (ch === ')' && --depth < 0) return false
  }
  return depth === 0
}

/** The reduced tree of an expression, or null when it is outside the supported grammar. */
export function reducedExpression(text: string, options: ReduceOptions = { temporalStrings: true }): ExprNode | null {
  try {
    return reduce(parseExpression(text), options)
  } catch (error) {
    if (error instanceof SqlSyntaxError) return null
    throw error
  }
}

export function normalizePgExpression(text: string): string {
  const node = reducedExpression(text)
  return node ? render(node) : normalizeTokens(text)
}
