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

export function setsLockTimeout(sql: string): boolean {
  return SET_LOCK_TIMEOUT.test(sql)
}
