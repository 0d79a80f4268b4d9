/**
 * The four numbers the header index compares per file (size, mtimeMs, ctimeMs, inode), without a `Stats` object.
 * Node 20's `statSync` builds a `Stats` and four `Date`s per call: for 10,000 revision files that is half the
 * cost of the stats and much of the garbage. Node's own fs binding returns the raw numbers in one shared array,
 * so it is used when present and when it agrees with `statSync` on the first file; otherwise `statSync` is.
 */
import { statSync } from 'node:fs'

/** The raw stat of a path: Node's fs binding fills and returns one shared Float64Array (undefined: no such file). */
type RawStat = (path: string, bigint: false, request: undefined, throwIfNoEntry: false) => Float64Array | undefined

// Positions in the binding's array (node/src/node_file.h, FsStatsOffset); stable since Node 12.
const MODE = 1
const INO = 7
const SIZE = 8
const MTIME_SEC = 12
const MTIME_NSEC = 13
const CTIME_SEC = 14
const CTIME_NSEC = 15
const TYPE_MASK = 0o170000
const REGULAR_FILE = 0o100000

/**
 * Writes the size, mtimeMs, ctimeMs and inode of `path` (following symlinks) at `stats[at…at + 3]`; false when it
 * is missing or not a regular file (other errors throw, as `statSync` does).
 */
export type StatInto = (path: string, stats: Float64Array, at: number) => boolean

function statIntoPublic(path: string, stats: Float64Array, at: number): boolean {
  const found = statSync(path, { throwIfNoEntry: false })
  if (!found?.isFile()) return false
  stats[at] = found.size
  stats[at + 1] = found.mtimeMs
  stats[at + 2] = found.ctimeMs
  stats[at + 3] = found.ino
  return true
}

function statIntoRaw(rawStat: RawStat): StatInto {
  return (path, stats, at) => {
    const raw = rawStat(path, false, undefined, false)
    if (raw === undefined || (raw[MODE]! & TYPE_MASK) !== REGULAR_FILE) return false
    stats[at] = raw[SIZE]!
    // Node's own formula (msFromTimeSpec), so both ways give the same numbers and the index stays valid.
    stats[at + 1] = raw[MTIME_SEC]! * 1e3 + raw[MTIME_NSEC]! / 1e6
    stats[at + 2] = raw[CTIME_SEC]! * 1e3 + raw[CTIME_NSEC]! / 1e6
    stats[at + 3] = raw[INO]!
    return true
  }
}

/** The binding's stat, unless it is absent or would print a deprecation warning (--pending-deprecation). */
function rawStatFunction(): RawStat | undefined {
  const pending = process.execArgv.includes('--pending-deprecation') || (process.env.NODE_OPTIONS ?? '').includes('--pending-deprecation')
  // Deprecated (DEP0111, documentation-only) and untyped, hence the cast; any surprise means statSync.
  const binding = (process as { binding?: unknown }).binding
  if (pending || typeof binding !== 'function') return undefined
  try {
    const stat = (binding.call(process, 'fs') as { stat?: unknown }).stat
    return typeof stat === 'function' ? (stat as RawStat) : undefined
  } catch {
    return undefined
  }
}

/**
 * The cheapest sound way to stat many files, chosen by checking the fast one against `statSync` on `probe` (a
 * file that exists): a Node whose binding differs in any number gets `statSync`.
 */
export function chooseStatInto(probe: string): StatInto {
  const rawStat = rawStatFunction()
  if (!rawStat) return statIntoPublic
  const fast = statIntoRaw(rawStat)
  try {
    const expected = new Float64Array(4)
    const actual = new Float64Array(4)
    const found = statIntoPublic(probe, expected, 0)
    if (found && fast(probe, actual, 0) && expected.every((value, i) => value === actual[i])) return fast
  } catch {
    // A binding with another signature: the public API it is.
  }
  return statIntoPublic
}
