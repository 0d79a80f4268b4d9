/**
 * View text as compare sees it: tokens, with whitespace, comments, identifier quotes and keyword case gone, so a
 * view written by hand with other spacing, casing or quoting compares equal. String literals are kept exactly.
 */

/** The tokens of an SQL text; quoted identifiers and words lower-cased, string literals verbatim. */
export function sqlTokens(sql: string): string[] {
  const tokens: string[] = []
  let i = 0
  const n = sql.length
  while (i < n) {
    const ch = sql[i]!
    if (/\s/u.test(ch)) {
      i++
    } else if (ch === '-' && sql[i + 1] === '-') {
      while (i < n && sql[i] !== '\n') i++
    } else if (ch === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2)
      i = end < 0 ? n : end + 2
    } else if (ch === "'") {
      let j = i + 1
      while (j < n && !(sql[j] === "'" && sql[j + 1] !== "'")) j += sql[j] === "'" ? 2 : 1
      tokens.push(sql.slice(i, j + 1))
      i = j + 1
    } else if (ch === '"' || ch === '`' || ch === '[') {
      const close = ch === '[' ? ']' : ch
      let j = i + 1
      let text = ''
      while (j < n && !(sql[j] === close && sql[j + 1] !== close)) {
        if (sql[j] === close) j++
        text += sql[j]
        j++
      }
      tokens.push(text.toLowerCase())
      i = j + 1
    } else if (/[A-Za-z0-9_$]/u.test(ch)) {
      let j = i
      while (j < n && /[A-Za-z0-9_$.]/u.test(sql[j]!) && !(sql[j] === '.' && !/[0-9]/u.test(sql[i]!))) j++
      tokens.push(sql.slice(i, j).toLowerCase())
      i = j
    } else {
      tokens.push(ch)
      i++
    }
  }
  while (tokens[tokens.length - 1] === ';') tokens.pop()
  return tokens
}

/** The canonical text of a view definition (or any SQL): its tokens joined by single spaces. */
export function normalizeViewSql(sql: string): string {
  return sqlTokens(sql).join(' ')
}

/** True when `name` appears as a token of `sql` (a table, view or column the SQL may read). */
export function mentions(tokens: ReadonlySet<string>, name: string): boolean {
  return tokens.has(name.toLowerCase())
}

/** Words after a table in a FROM list that are not its alias. */
const NOT_ALIAS = new Set(['where', 'join', 'inner', 'left', 'right', 'full', 'cross', 'natural', 'straight_join', 'on', 'using', 'group', 'order', 'having', 'limit', 'offset', 'fetch', 'for', 'union', 'except', 'intersect', 'window', 'lateral', 'with'])

/**
 * True when `sql` reads `column` of `table` by a qualified name: `table.column` (quoted or not), or `alias.column`
 * where the SQL reads the table under that alias (`from table alias`, `join schema.table as alias`). The table must
 * be read directly (after FROM, JOIN or a comma); a derived table or WITH query of the same name makes the answer
 * no, as does a name only, without its table: only what the SQL itself pins on the table counts.
 */
export function readsQualified(sql: string, table: string, column: string): boolean {
  const tokens = sqlTokens(sql)
  const t = table.toLowerCase()
  const c = column.toLowerCase()
  const qualifiers = new Set<string>()
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i] !== t || tokens[i + 1] === '.') continue
    const before = tokens[i - 1] === '.' ? tokens[i - 3] : tokens[i - 1]
    // `(…) t`, `(…) as t`, `t as (…)`: another relation under the table's name.
    if (before === ')' || (before === 'as' && tokens[i - 2] === ')') || (tokens[i + 1] === 'as' && tokens[i + 2] === '(')) return false
    if (before !== 'from' && before !== 'join' && before !== ',') continue
    qualifiers.add(t)
    const alias = tokens[i + 1] === 'as' ? tokens[i + 2] : tokens[i + 1]
    if (alias !== undefined && /^[a-z_][a-z0-9_$]*$/.test(alias) && !NOT_ALIAS.has(alias)) qualifiers.add(alias)
  }
  for (let i = 0; i + 2 < tokens.length; i++) if (qualifiers.has(tokens[i]!) && tokens[i + 1] === '.' && tokens[i + 2] === c) return true
  return false
}
