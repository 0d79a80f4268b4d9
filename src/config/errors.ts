import { pathToFileURL } from 'node:url'
import { sourceStack } from './revision-batch.js'

export { StrataError, UsageError } from '../errors.js'

/**
 * One line for a module that failed to load: the first line of the message, plus the `file:line:column` a loader
 * put on a later line (jiti's parse errors) or in `loc`, and without a transformer's "Error transforming FILE:"
 * preamble (the caller names the file).
 */
export function describeLoadError(error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  const lines = error.message.split('\n')
  let first = (lines[0] ?? '').replace(/^Error transforming \S+: /, '').trim()
  const loc = (error as { loc?: { line: number; column: number } }).loc
  const where = lines.slice(1).map((l) => /(\S+:\d+:\d+)\s*$/.exec(l.trim())?.[1]).find(Boolean)
  if (where && !first.includes(where)) first += ` at ${where}`
  else if (loc && !/:\d+:\d+/.test(first)) first += ` (line ${loc.line}, column ${loc.column})`
  return first
}

/** `file:line` of the first stack frame inside `path` (a file URL or a plain path), when the stack has one. */
export function stackLocation(error: unknown, path: string): string | undefined {
  const stack = sourceStack((error as Error)?.stack ?? '')
  const href = pathToFileURL(path).href
  for (const line of stack.split('\n').slice(1)) {
    const at = line.indexOf(href) >= 0 ? line.indexOf(href) + href.length : line.indexOf(path) >= 0 ? line.indexOf(path) + path.length : -1
    if (at < 0) continue
    const match = /^:(\d+)(?::\d+)?/.exec(line.slice(at))
    if (match) return `${path}:${match[1]}`
  }
  return undefined
}
