/**
 * The expression tree the PostgreSQL expression parser produces and the canonical printer renders, with the
 * server's operator precedence (gram.y) that both follow.
 */
export type ExprNode =
  | { k: 'num'; v: string }
  | { k: 'str'; v: string }
  | { k: 'const'; v: 'TRUE' | 'FALSE' | 'NULL' }
  | { k: 'col'; parts: Array<{ name: string; quoted: boolean }> }
  | { k: 'param'; v: string }
  /** SQL value keywords: CURRENT_TIMESTAMP, CURRENT_DATE, LOCALTIMESTAMP(3)… */
  | { k: 'kw'; v: string; arg?: string }
  | { k: 'fn'; name: string; args: ExprNode[]; distinct?: boolean; star?: boolean }
  /** Functions with SQL-standard keyword syntax: EXTRACT(year FROM x), POSITION(a IN b), TRIM(BOTH FROM x)… */
  | { k: 'special'; name: string; parts: Array<{ kw?: string; e?: ExprNode }> }
  | { k: 'cast'; e: ExprNode; type: string }
  | { k: 'bin'; op: string; l: ExprNode; r: ExprNode }
  | { k: 'bool'; op: 'AND' | 'OR'; items: ExprNode[] }
  | { k: 'not'; e: ExprNode }
  | { k: 'unary'; op: string; e: ExprNode }
  | { k: 'is'; e: ExprNode; not: boolean; what: string }
  | { k: 'distinct'; l: ExprNode; r: ExprNode; not: boolean }
  | { k: 'in'; e: ExprNode; not: boolean; items: ExprNode[] }
  | { k: 'quant'; op: string; quant: 'ANY' | 'ALL'; l: ExprNode; r: ExprNode }
  | { k: 'like'; op: 'LIKE' | 'ILIKE'; not: boolean; l: ExprNode; r: ExprNode }
  | { k: 'case'; arg?: ExprNode; whens: Array<[ExprNode, ExprNode]>; else?: ExprNode }
  | { k: 'array'; items: ExprNode[] }
  | { k: 'row'; items: ExprNode[] }
  | { k: 'sub'; e: ExprNode; lower?: ExprNode; upper?: ExprNode; slice: boolean }
  | { k: 'collate'; e: ExprNode; collation: string }
  | { k: 'atz'; e: ExprNode; zone: ExprNode }

/** Binding strengths, from the server's grammar (gram.y precedence table). */
export const PREC = {
  OR: 1,
  AND: 2,
  NOT: 3,
  IS: 4,
  CMP: 5,
  LIKE: 6,
  OP: 7,
  ADD: 8,
  MUL: 9,
  EXP: 10,
  AT: 11,
  COLLATE: 12,
  UMINUS: 13,
  SUB: 14,
  CAST: 15,
  ATOM: 16,
} as const

export const COMPARISON_OPS = new Set(['<', '>', '=', '<=', '>=', '<>'])

export function binaryPrecedence(op: string): number {
  if (COMPARISON_OPS.has(op)) return PREC.CMP
  if (op === '+' || op === '-') return PREC.ADD
  if (op === '*' || op === '/' || op === '%') return PREC.MUL
  if (op === '^') return PREC.EXP
  return PREC.OP
}
