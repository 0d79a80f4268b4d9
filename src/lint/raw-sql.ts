/**
 * What lint reads from raw SQL (`op.execute`): only the few statements whose safety it judges. Anything else is
 * opaque, as it is to the model.
 */
const CREATE_INDEX = /^\s*create\s+(unique\s+)?index\s+(concurrently\s+)?(?:if\s+not\s+exists\s+)?\S+\s+on\s+(?:only\s+)?([\w."`]+)/i
const DROP_INDEX = /^\s*drop\s+index\s+(concurrently\s+)?/i
const SET_LOCK_TIMEOUT = /^\s*set\s+(?:local\s+|session\s+)?lock_timeout\b/i

export interface RawIndexBuild {
  unique: boolean
  concurrently: boolean
  table: { name: string; schema: string | null }
}

function unquote(name: string): string {
  return name.replace(/["`]/g, '')
}

export function rawIndexBuild(sql: string): RawIndexBuild | null {
  const match = CREATE_INDEX.exec(sql)
  if (!match) return null
  const parts = unquote(match[3]!).split('.')
  const table = parts.length > 1 ? { name: parts[1]!, schema: parts[0]! } : { name: parts[0]!, schema: null }
  return { unique: !!match[1], concurrently: !!match[2], table }
}

export function rawIndexDrop(sql: string): { concurrently: boolean } | null {
  const match = DROP_INDEX.exec(sql)
  return match ? { concurrently: !!match[1] } : null
}

/** DDL lint does not read: ALTER (but VALIDATE CONSTRAINT), DROP (but DROP INDEX, judged above), RENAME, TRUNCATE. */
const UNCHECKED_DDL = /^\s*(alter\s+table\b(?![^;]*\bvalidate\s+constraint\b)|drop\s+(?!index\b)\w+|rename\s+table\b|truncate\b)/i

/** The first raw statement lint does not judge (its first line, shortened), or null. */
export function rawDdlUnchecked(sql: string): string | null {
  for (const statement of sql.split(';')) {
    if (!UNCHECKED_DDL.test(statement)) continue
    const line = statement.trim().split('\n')[0]!.replace(/\s+/g, ' ')
    return line.length > 80 ? `${line.slice(0, 77)}...` : line
  }
  return null
}

export function setsLockTimeout(sql: string): boolean {
  return SET_LOCK_TIMEOUT.test(sql)
}
