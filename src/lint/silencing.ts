/** `// strata-lint-ignore <rule>: <reason>`: a reason is required, or nothing is silenced. */
const IGNORE = /\/\/\s*strata-lint-ignore\s+([a-z0-9-]+)\s*:\s*(\S.*?)\s*$/

function ignoresOn(line: string | undefined): { rule: string; reason: string } | null {
  const match = line === undefined ? null : IGNORE.exec(line)
  return match ? { rule: match[1]!, reason: match[2]! } : null
}

/**
 * The reason a finding of `rule` at `line` (1-based) is silenced: a comment at the end of that line, or in the
 * block of comment lines just above it.
 */
export function silencedReason(sourceLines: string[], line: number | null, rule: string): string | null {
  if (line === null) return null
  const own = ignoresOn(sourceLines[line - 1])
  if (own?.rule === rule) return own.reason
  for (let at = line - 2; at >= 0 && sourceLines[at]!.trim().startsWith('//'); at--) {
    const found = ignoresOn(sourceLines[at])
    if (found?.rule === rule) return found.reason
  }
  return null
}
