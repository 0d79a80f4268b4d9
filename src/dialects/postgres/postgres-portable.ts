/**
 * A portable spelling of an expression PostgreSQL reflected: the casts it adds to literals removed
 * (`'PT'::bpchar`, `(0)::numeric`) and `x = ANY (ARRAY[…])` / `x <> ALL (ARRAY[…])` written back as `IN` / `NOT IN`.
 * Used where a downgrade must restate what no revision declares; the caller keeps it only when it means the same.
 */
const TYPE = String.raw`(?:character varying|double precision|(?:timestamp|time) (?:with|without) time zone|[a-z_][a-z0-9_]*)(?:\(\d+(?:,\s*\d+)?\))?(?:\[\])?`
const CAST = new RegExp(String.raw`('(?:[^']|'')*'|\(-?\d+(?:\.\d+)?\)|-?\d+(?:\.\d+)?)::${TYPE}`, 'gi')
const ARRAY_TEST = /("(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_]*) (= ANY|<> ALL) \(ARRAY\[([^\]]*)\]\)/g

export function portablePostgresExpression(sql: string): string {
  const uncast = sql.replace(CAST, (_all, literal: string) => (literal.startsWith('(') ? literal.slice(1, -1) : literal))
  return uncast.replace(ARRAY_TEST, (_all, column: string, test: string, items: string) => `${column} ${test === '= ANY' ? 'IN' : 'NOT IN'} (${items})`)
}
