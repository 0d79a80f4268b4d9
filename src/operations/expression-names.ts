/**
 * Renames a column inside SQL expressions (checks, partial-index predicates, index expressions, SQL defaults), as
 * every database does on its own when a column is renamed. A bare identifier is matched case-insensitively (SQL
 * folds it), a quoted one ("x", `x`, [x]) exactly; string literals and other names are left alone. The new name
 * is written quoted only when it needs to be.
 */
export function renameInExpression(sql: string, from: string, to: string): string {
  let out = ''
  let i = 0
  const plain = /^[A-Za-z_][A-Za-z0-9_]*$/.test(to)
  const bare = plain ? to : `"${to.replaceAll('"', '""')}"`
  while (i < sql.length) {
    const ch = sql[i]!
    if (ch === "'") {
      const end = closing(sql, i, "'")
      out += sql.slice(i, end)
      i = end
    } else if (ch === '"' || ch === '`' || ch === '[') {
      const close = ch === '[' ? ']' : ch
      const end = closing(sql, i, close)
      const name = sql.slice(i + 1, end - 1).replaceAll(close + close, close)
      out += name === from ? `${ch}${to.replaceAll(close, close + close)}${close}` : sql.slice(i, end)
      i = end
    } else if (/[A-Za-z_]/.test(ch)) {
      let end = i + 1
      while (end < sql.length && /[A-Za-z0-9_$]/.test(sql[end]!)) end++
      const word = sql.slice(i, end)
      // A word followed by `(` is a function of the same name, not the column.
      const isCall = /^\s*\(/.test(sql.slice(end))
      // A word after `::` is a type (PostgreSQL casts).
      const isType = /::\s*$/.test(sql.slice(0, i))
      out += word.toLowerCase() === from.toLowerCase() && !isCall && !isType && plainName(from) ? bare : word
      i = end
    } else {
      out += ch
      i++
    }
  }
  return out
}

/** An index key part that is a column with a prefix length, `name(10)` (and a direction): how MySQL's are reflected. */
const PREFIX_KEY_PART = /^(\s*)([A-Za-z_][A-Za-z0-9_$]*)(\s*\(\s*\d+\s*\)\s*(?:asc|desc)?\s*)$/i

/**
 * Renames a column inside an index expression element. A column with a prefix length (`code(20)`) is that column,
 * not a call of a function `code` (no index keys on a function of one integer literal), and the database renames it
 * with the column; anything else is an expression (`renameInExpression`).
 */
export function renameInIndexExpression(sql: string, from: string, to: string): string {
  const prefix = PREFIX_KEY_PART.exec(sql)
  if (!prefix || prefix[2]!.toLowerCase() !== from.toLowerCase() || !plainName(from)) return renameInExpression(sql, from, to)
  return `${prefix[1]}${renameInExpression(prefix[2]!, from, to)}${prefix[3]}`
}

/** The index just past the literal or quoted name opening at `start` (a doubled closer is an escape). */
function closing(sql: string, start: number, close: string): number {
  let i = start + 1
  while (i < sql.length) {
    if (sql[i] === close) {
      if (sql[i + 1] === close) i += 2
      else return i + 1
    } else i++
  }
  return sql.length
}

function plainName(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_$]*$/.test(name)
}
