/**
 * The header index: what `loadRevisionHeaders` read from each revision file (its header and the sha256 of its
 * bytes), kept in the cache folder and keyed by file name, size, mtime, ctime and inode. A command on a large
 * history then reads the folder and stats each file instead of opening, reading and parsing each one (10,000 files:
 * about 4× less work). Any difference in those stats means the file is read and parsed again, like git's index.
 * The index is only ever an optimisation: unreadable, foreign or damaged, it is ignored and rewritten.
 */
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync, type Stats } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname } from 'node:path'
import { cacheFileFor } from './cache-location.js'
import type { RevisionHeader } from './header.js'

const INDEX_FORMAT = 1
/**
 * A file changed less than this long ago is not indexed: a second change within the file system's timestamp
 * granularity could leave size and times as they were ("racily clean" in git's words).
 */
const RACY_MS = 2000

type StoredHeader = Omit<RevisionHeader, 'path'>
/** [size, mtimeMs, ctimeMs, ino, sha256 hex, header] */
type IndexEntry = [number, number, number, number, string, StoredHeader]

interface IndexFile {
  stamp: string
  entries: Record<string, IndexEntry>
}

let stampText: string | undefined

/** The index depends on how strata parses headers: a new version of strata rebuilds it. */
function stamp(): string {
  stampText ??= `header-index ${INDEX_FORMAT}, strata ${(createRequire(import.meta.url)('../../package.json') as { version: string }).version}`
  return stampText
}

export class HeaderIndex {
  private readonly entries: Record<string, IndexEntry>
  private readonly seen = new Set<string>()
  private changed = false

  private constructor(private readonly file: string | undefined, entries: Record<string, IndexEntry>) {
    this.entries = entries
  }

  /** The index of a versions folder: empty when caching is off or no index was written yet. */
  static open(versionsDir: string): HeaderIndex {
    const file = cacheFileFor(versionsDir, 'headers', 'json')
    if (!file) return new HeaderIndex(undefined, {})
    try {
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as IndexFile
      if (parsed.stamp === stamp() && typeof parsed.entries === 'object' && parsed.entries !== null) return new HeaderIndex(file, parsed.entries)
    } catch {
      // Missing or damaged: rebuilt from the files.
    }
    return new HeaderIndex(file, {})
  }

  get enabled(): boolean {
    return this.file !== undefined
  }

  /** The header and checksum recorded for `name`, when its stats are exactly those recorded. */
  lookup(name: string, stats: Stats): { header: StoredHeader; checksum: string } | undefined {
    this.seen.add(name)
    const entry = this.entries[name]
    if (!Array.isArray(entry) || entry.length !== 6) return undefined
    const [size, mtimeMs, ctimeMs, ino, checksum, header] = entry
    if (size !== stats.size || mtimeMs !== stats.mtimeMs || ctimeMs !== stats.ctimeMs || ino !== stats.ino) return undefined
    if (typeof checksum !== 'string' || typeof header !== 'object' || header === null) return undefined
    return { header, checksum }
  }

  /** Records what was just read from `name` (unless it changed too recently to be told apart from a next change). */
  record(name: string, stats: Stats, header: RevisionHeader, checksum: string): void {
    this.seen.add(name)
    if (Date.now() - Math.max(stats.mtimeMs, stats.ctimeMs) < RACY_MS) return
    const { path: _path, ...stored } = header
    this.entries[name] = [stats.size, stats.mtimeMs, stats.ctimeMs, stats.ino, checksum, stored]
    this.changed = true
  }

  /** Writes the index when anything was added or a file went away (atomically: readers see the old or the new one). */
  save(): void {
    if (!this.file) return
    for (const name of Object.keys(this.entries)) {
      if (this.seen.has(name)) continue
      delete this.entries[name]
      this.changed = true
    }
    if (!this.changed) return
    const temp = `${this.file}.${process.pid}.tmp`
    try {
      mkdirSync(dirname(this.file), { recursive: true })
      const fd = openSync(temp, 'w')
      try {
        writeSync(fd, JSON.stringify({ stamp: stamp(), entries: this.entries } satisfies IndexFile))
      } finally {
        closeSync(fd)
      }
      renameSync(temp, this.file)
    } catch {
      // A read-only or full disk only costs the next command its speed.
      rmSync(temp, { force: true })
    }
  }
}
