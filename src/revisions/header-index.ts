/**
 * The header index: what `loadRevisionHeaders` read from each revision file (its header fields and the sha256 of
 * its bytes), kept in the cache folder with each file's name, size, mtime, ctime and inode. A command on a large
 * history then reads the folder and stats each file instead of opening, reading and parsing each one. Any
 * difference in those stats means the file is read and parsed again, like git's index.
 *
 * The file is columnar (all names in one string, all stats in one array of numbers, all checksums in one string,
 * one small tuple per header, no doc comments): parsing 10,000 entries then allocates a few objects per file
 * rather than a dozen. The doc comment (`history -v`, `show`) is read from the file when asked for.
 * The index is only ever an optimisation: unreadable, foreign or damaged, it is ignored and rewritten.
 */
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync, type Stats } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname } from 'node:path'
import { cacheFileFor } from './cache-location.js'
import { leadingDocComment, type RevisionHeader } from './header.js'

const INDEX_FORMAT = 2
const CHECKSUM_LENGTH = 64
const STATS_PER_FILE = 4
/**
 * A file changed less than this long ago is not indexed: a second change within the file system's timestamp
 * granularity could leave size and times as they were ("racily clean" in git's words).
 */
const RACY_MS = 2000

/** [revision, downRevision, branchLabels, dependsOn, message, createDate] */
type HeaderTuple = [string, string | string[] | null, string[], string[], string, string | null]

interface IndexFile {
  stamp: string
  /** The indexed file names, sorted, joined with '\n'. */
  names: string
  /** size, mtimeMs, ctimeMs, ino for each file. */
  stats: number[]
  /** The sha256 (hex) of each file, concatenated; 64 spaces for a file not indexed. */
  checksums: string
  /** null for a file not indexed (it changed too recently). */
  headers: (HeaderTuple | null)[]
}

let stampText: string | undefined

/** The index depends on how strata parses headers: a new version of strata rebuilds it. */
function stamp(): string {
  stampText ??= `header-index ${INDEX_FORMAT}, strata ${(createRequire(import.meta.url)('../../package.json') as { version: string }).version}`
  return stampText
}

/** A header from the index: the doc comment, rarely needed, is read from the file on first use. */
export class IndexedHeader implements RevisionHeader {
  // Assigned in the constructor, not declared as fields: field initializers cost 10,000 extra calls per command.
  declare readonly revision: string
  declare readonly downRevision: string | string[] | null
  declare readonly branchLabels: string[]
  declare readonly dependsOn: string[]
  declare readonly message: string
  declare readonly createDate: string | null
  declare readonly path: string
  declare readonly checksum: string
  declare private docText: string | undefined

  constructor(tuple: HeaderTuple, path: string, checksum: string) {
    this.revision = tuple[0]
    this.downRevision = tuple[1]
    this.branchLabels = tuple[2]
    this.dependsOn = tuple[3]
    this.message = tuple[4]
    this.createDate = tuple[5]
    this.path = path
    this.checksum = checksum
    this.docText = undefined
  }

  get doc(): string {
    if (this.docText === undefined) {
      try {
        this.docText = leadingDocComment(readFileSync(this.path, 'utf8'))
      } catch {
        this.docText = ''
      }
    }
    return this.docText
  }
}

function isStringList(value: unknown): value is string[] {
  if (!Array.isArray(value)) return false
  for (const item of value) if (typeof item !== 'string') return false
  return true
}

/** A tuple from the file, checked field by field: a damaged entry is a miss, never a wrong header. */
function validTuple(tuple: unknown): tuple is HeaderTuple {
  if (!Array.isArray(tuple) || tuple.length !== 6) return false
  const down: unknown = tuple[1]
  const createDate: unknown = tuple[5]
  return (
    typeof tuple[0] === 'string' &&
    (down === null || typeof down === 'string' || isStringList(down)) &&
    isStringList(tuple[2]) &&
    isStringList(tuple[3]) &&
    typeof tuple[4] === 'string' &&
    (createDate === null || typeof createDate === 'string')
  )
}

function validFile(parsed: unknown): parsed is IndexFile {
  if (typeof parsed !== 'object' || parsed === null) return false
  const file = parsed as Partial<IndexFile>
  if (file.stamp !== stamp() || typeof file.names !== 'string' || !Array.isArray(file.stats) || !Array.isArray(file.headers)) return false
  const count = file.headers.length
  // A names string that disagrees with the count never matches the folder's: every lookup then goes by name.
  return typeof file.checksums === 'string' && file.checksums.length === count * CHECKSUM_LENGTH && file.stats.length === count * STATS_PER_FILE
}

const NOT_INDEXED = ' '.repeat(CHECKSUM_LENGTH)

function tupleOf(header: RevisionHeader): HeaderTuple {
  return [header.revision, header.downRevision, header.branchLabels, header.dependsOn, header.message, header.createDate]
}

export class HeaderIndex {
  private readonly stored: IndexFile | undefined
  /** Where each name sits in `stored`; undefined while the folder lists exactly the stored names (the usual case). */
  private positions: Map<string, number> | undefined
  private sameNames = false
  private changed = false
  /** What `record` accepted: checksum and header of each file read again (a racy file has none). */
  private readonly recorded = new Map<string, [string, HeaderTuple]>()

  private constructor(
    private readonly file: string | undefined,
    stored: IndexFile | undefined,
  ) {
    this.stored = stored
  }

  /** The index of a versions folder: empty when caching is off or no index was written yet. */
  static open(versionsDir: string): HeaderIndex {
    const file = cacheFileFor(versionsDir, 'headers', 'json')
    if (!file) return new HeaderIndex(undefined, undefined)
    try {
      const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'))
      if (validFile(parsed)) return new HeaderIndex(file, parsed)
    } catch {
      // Missing or damaged: rebuilt from the files.
    }
    return new HeaderIndex(file, undefined)
  }

  get enabled(): boolean {
    return this.file !== undefined
  }

  /** The sorted names the folder holds now: one string comparison when nothing was added, removed or renamed. */
  begin(names: readonly string[]): void {
    const stored = this.stored
    this.sameNames = stored !== undefined && stored.headers.length === names.length && stored.names === names.join('\n')
    if (!this.sameNames) {
      this.changed = true
      this.positions = new Map((stored && stored.names !== '' ? stored.names.split('\n') : []).map((name, i) => [name, i]))
    }
  }

  /** The header recorded for the `position`-th name, when its stats are exactly those recorded. */
  lookup(position: number, name: string, path: string, stats: Stats): IndexedHeader | undefined {
    const stored = this.stored
    if (!stored) return undefined
    const at = this.sameNames ? position : this.positions?.get(name)
    if (at === undefined) return undefined
    const tuple = stored.headers[at]
    const s = at * STATS_PER_FILE
    const st = stored.stats
    if (st[s] !== stats.size || st[s + 1] !== stats.mtimeMs || st[s + 2] !== stats.ctimeMs || st[s + 3] !== stats.ino) return undefined
    if (!validTuple(tuple)) return undefined
    const checksum = stored.checksums.slice(at * CHECKSUM_LENGTH, (at + 1) * CHECKSUM_LENGTH)
    if (checksum === NOT_INDEXED) return undefined
    return new IndexedHeader(tuple, path, checksum)
  }

  /** Records what was just read from `name` (unless it changed too recently to be told apart from a next change). */
  record(name: string, stats: Stats, header: RevisionHeader, checksum: string): void {
    if (Date.now() - Math.max(stats.mtimeMs, stats.ctimeMs) < RACY_MS) return
    this.changed = true
    this.recorded.set(name, [checksum, tupleOf(header)])
  }

  /**
   * Writes the index when a file was added, removed, renamed or read again (atomically: readers see the old or
   * the new one). `names`, `stats` and `headers` are the folder's files in the order they were looked up.
   */
  save(names: readonly string[], stats: readonly Stats[], headers: readonly RevisionHeader[]): void {
    if (!this.file || !this.changed) return
    const content: IndexFile = { stamp: stamp(), names: names.join('\n'), stats: [], checksums: '', headers: [] }
    const checksums: string[] = []
    headers.forEach((header, i) => {
      const s = stats[i]!
      content.stats.push(s.size, s.mtimeMs, s.ctimeMs, s.ino)
      const entry: [string, HeaderTuple] | undefined =
        header instanceof IndexedHeader
          ? [header.checksum, tupleOf(header)]
          : this.recorded.get(names[i]!)
      checksums.push(entry ? entry[0] : NOT_INDEXED)
      content.headers.push(entry ? entry[1] : null)
    })
    content.checksums = checksums.join('')
    const temp = `${this.file}.${process.pid}.tmp`
    try {
      mkdirSync(dirname(this.file), { recursive: true })
      const fd = openSync(temp, 'w')
      try {
        writeSync(fd, JSON.stringify(content))
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
