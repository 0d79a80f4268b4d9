/**
 * The header index: what `loadRevisionHeaders` read from each revision file (its header fields and the sha256 of
 * its bytes), kept in the cache folder with each file's name, size, mtime, ctime and inode. A command on a large
 * history then reads the folder and stats each file instead of opening, reading and parsing each one. Any
 * difference in those stats means the file is read and parsed again, like git's index.
 *
 * The file is columnar: the stats and checksums as bytes (header-index-file.ts), then in JSON all names in one
 * string, one column per header field, labels and dependencies only where there are some, and no doc comments.
 * The columns the graph does not need (names, messages, create dates) are one string each, split only when a
 * command asks: reading 10,000 entries then allocates one string per file (its id) that outlives the command's
 * first garbage collections, and the collector copies what survives.
 * The doc comment (`history -v`, `show`) is read from the file when asked for.
 * The index is only ever an optimisation: unreadable, foreign or damaged, it is ignored and rewritten.
 */
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs'
import { endianness } from 'node:os'
import { dirname } from 'node:path'
import { packageVersion } from '../runtime/package-version.js'
import { cacheFileFor } from './cache-location.js'
import { leadingDocComment, type RevisionHeader } from './header.js'
import { CHECKSUM_BYTES, STATS_PER_FILE, decodeIndex, encodeIndex, indexMetaBytes } from './header-index-file.js'

export { STATS_PER_FILE } from './header-index-file.js'

/** The versions folder's own stats (size, mtimeMs, ctimeMs, ino) and the time just before they were taken. */
export interface FolderStats {
  stats: Float64Array
  now: number
}

const FOLDER_STATS = 4

function sameFolder(stored: readonly number[], now: ArrayLike<number>): boolean {
  for (let i = 0; i < FOLDER_STATS; i++) if (stored[i] !== now[i]) return false
  return true
}

const INDEX_FORMAT = 5
/**
 * A file changed less than this long ago is not indexed: a second change within the file system's timestamp
 * granularity could leave size and times as they were ("racily clean" in git's words).
 */
const RACY_MS = 2000

/** The JSON part of the index (the stats and checksums follow it as bytes: see header-index-file.ts). */
interface IndexFile {
  stamp: string
  /** New on every write (newGeneration): names this exact content for the graph snapshot, without hashing it. */
  generation: string
  /** The indexed file names, sorted, joined with '\n'. */
  names: string
  /** One column per header field, one entry per file (null revision: not indexed, it changed too recently). */
  revisions: (string | null)[]
  /** A number is the position of the parent in `revisions`: one string fewer per file, and the same string. */
  downRevisions: (number | string | string[] | null)[]
  /** The messages joined with '\n' (split only when one is asked for: `heads` and `current` never need them). */
  messages: string
  /** The create dates joined with '\n', '' for none (a create date is never empty and has no line break). */
  createDates: string
  /** [position, branchLabels, dependsOn] of the few headers that have labels or dependencies. */
  extras: [number, string[], string[]][]
  /**
   * The versions folder's own size, mtimeMs, ctimeMs and inode when `names` was listed, if every name listed was a
   * file and the folder had not changed for RACY_MS: adding, removing or renaming a file changes them, so while
   * they are the same `names` is still the listing (script-directory.ts). Null otherwise.
   */
  folder: number[] | null
}

/** What the headers of one load share: the parsed file, the folder prefix of their paths, their labels and deps. */
class IndexedSource {
  private messageList: string[] | undefined
  private createDateList: string[] | undefined
  private nameList: string[] | undefined

  constructor(
    readonly file: IndexFile,
    readonly prefix: string,
    readonly extras: Map<number, [string[], string[]]>,
    /** size, mtimeMs, ctimeMs, ino for each file. */
    readonly stats: Float64Array,
    /** The sha256 of each file, 32 bytes each (zeros for a file not indexed). */
    readonly checksums: Buffer,
    /** The JSON part as stored: every header field the graph reads comes from it (the graph snapshot keeps a copy). */
    readonly metaBytes: Buffer,
  ) {}

  message(at: number): string {
    this.messageList ??= this.file.messages.split('\n')
    return this.messageList[at]!
  }

  createDate(at: number): string | null {
    this.createDateList ??= this.file.createDates.split('\n')
    return this.createDateList[at] || null
  }

  /** The file name of entry `at` (a header is only ever looked up under its own name). */
  name(at: number): string {
    this.nameList ??= this.file.names.split('\n')
    return this.nameList[at]!
  }
}

let stampText: string | undefined

const hex8 = (value: number) => (value >>> 0).toString(16).padStart(8, '0')

/**
 * 24 hex digits that no other write of an index has: the time, the process and 32 random bits. It is part of the
 * JSON the graph snapshot keeps a copy of and compares byte for byte (a memcmp, where hashing the index cost a
 * read loading node:crypto, 5-15 ms): every write by strata gets a new one, so a snapshot never outlives the index
 * it was computed from, even when the headers come out the same.
 */
function newGeneration(): string {
  return hex8(Date.now() / 0x100000000) + hex8(Date.now()) + hex8(process.pid ^ (Math.random() * 0x100000000))
}

/** The index depends on how strata parses headers: a new version of strata rebuilds it. */
function stamp(): string {
  stampText ??= `header-index ${INDEX_FORMAT} ${endianness()}, strata ${packageVersion()}`
  return stampText
}

/** No labels, no dependencies: shared, since nothing changes a header's lists. */
const NONE: string[] = []

/**
 * A header from the index. What building the graph reads is copied in; the rest (message, path, checksum…) is read
 * from the index's columns when asked for: most commands never ask. The doc comment is read from the file.
 */
export class IndexedHeader implements RevisionHeader {
  // Assigned in the constructor, not declared as fields: field initializers cost 10,000 extra calls per command.
  declare readonly revision: string
  declare readonly downRevision: string | string[] | null
  declare readonly branchLabels: string[]
  declare readonly dependsOn: string[]
  declare private readonly source: IndexedSource
  declare private readonly at: number
  declare private docText: string | undefined

  // No name kept: the folder listing's 10,000 strings then die young instead of being copied by the collector.
  constructor(source: IndexedSource, at: number) {
    const file = source.file
    const down = file.downRevisions[at]!
    const extras = source.extras.size === 0 ? undefined : source.extras.get(at)
    this.revision = file.revisions[at] as string
    this.downRevision = typeof down === 'number' ? (file.revisions[down] as string) : down
    this.branchLabels = extras ? extras[0] : NONE
    this.dependsOn = extras ? extras[1] : NONE
    this.source = source
    this.at = at
    this.docText = undefined
  }

  get message(): string {
    return this.source.message(this.at)
  }

  get createDate(): string | null {
    return this.source.createDate(this.at)
  }

  get path(): string {
    return this.source.prefix + this.source.name(this.at)
  }

  get checksum(): string {
    return this.source.checksums.toString('hex', this.at * CHECKSUM_BYTES, (this.at + 1) * CHECKSUM_BYTES)
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

/** One file's entry, checked field by field: a damaged entry is a miss, never a wrong header. */
function validEntry(file: IndexFile, at: number): boolean {
  const down: unknown = file.downRevisions[at]
  return (
    typeof file.revisions[at] === 'string' &&
    (down === null || typeof down === 'string' || (typeof down === 'number' && typeof file.revisions[down] === 'string') || isStringList(down))
  )
}

/** The JSON part, for `count` files (the count the byte part was read with). */
function validFile(parsed: unknown, count: number): parsed is IndexFile {
  if (typeof parsed !== 'object' || parsed === null) return false
  const file = parsed as Partial<IndexFile>
  if (file.stamp !== stamp()) return false
  const column = (list: unknown) => Array.isArray(list) && list.length === count
  const joined = (text: unknown) => typeof text === 'string' && (count === 0 ? text === '' : lineCount(text) === count)
  return (
    typeof file.generation === 'string' &&
    (file.folder === null || (Array.isArray(file.folder) && file.folder.length === FOLDER_STATS && file.folder.every((n) => typeof n === 'number'))) &&
    column(file.revisions) &&
    column(file.downRevisions) &&
    joined(file.messages) &&
    joined(file.createDates) &&
    joined(file.names) &&
    Array.isArray(file.extras)
  )
}

/** The labels and dependencies by position; undefined when an entry is damaged (the whole file is then ignored). */
function extrasOf(file: IndexFile): Map<number, [string[], string[]]> | undefined {
  const extras = new Map<number, [string[], string[]]>()
  for (const entry of file.extras as unknown[]) {
    if (!Array.isArray(entry) || entry.length !== 3) return undefined
    const [at, labels, deps] = entry as unknown[]
    if (typeof at !== 'number' || !isStringList(labels) || !isStringList(deps)) return undefined
    extras.set(at, [labels, deps])
  }
  return extras
}

/** How many '\n'-separated entries a joined column holds (an empty string holds one, or none for no file). */
function lineCount(text: string): number {
  let count = 1
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) count++
  return count
}

/** The next index, filled one file at a time (a header without a checksum, or with a line break in its message or create date, is left out). */
class IndexWriter {
  private readonly content: IndexFile
  private readonly checksums: Buffer
  private readonly messages: string[] = []
  private readonly createDates: string[] = []
  private readonly positionOf = new Map<string, number>()

  constructor(
    names: readonly string[],
    private readonly stats: Float64Array,
    folder: number[] | null,
  ) {
    this.content = { stamp: stamp(), generation: newGeneration(), names: names.join('\n'), revisions: [], downRevisions: [], messages: '', createDates: '', extras: [], folder }
    this.checksums = Buffer.alloc(names.length * CHECKSUM_BYTES)
  }

  /** Whether every file added so far is in the index (none was left out). */
  complete = true

  add(header: RevisionHeader | undefined, checksum: string | undefined): void {
    const content = this.content
    const at = content.revisions.length
    const indexed = header !== undefined && checksum !== undefined && !header.message.includes('\n') && !header.createDate?.includes('\n')
    if (!indexed) this.complete = false
    content.revisions.push(indexed ? header.revision : null)
    content.downRevisions.push(indexed ? header.downRevision : null)
    this.createDates.push(indexed ? (header.createDate ?? '') : '')
    this.messages.push(indexed ? header.message : '')
    if (indexed) this.checksums.write(checksum, at * CHECKSUM_BYTES, CHECKSUM_BYTES, 'hex')
    if (indexed && (header.branchLabels.length > 0 || header.dependsOn.length > 0)) content.extras.push([at, header.branchLabels, header.dependsOn])
    if (indexed && !this.positionOf.has(header.revision)) this.positionOf.set(header.revision, at)
  }

  bytes(): Buffer {
    const content = this.content
    // Parents become positions only now: a parent's file may sort after its child's.
    content.downRevisions = content.downRevisions.map((down) => (typeof down === 'string' ? (this.positionOf.get(down) ?? down) : down))
    content.messages = this.messages.join('\n')
    content.createDates = this.createDates.join('\n')
    return encodeIndex(content, content.revisions.length, this.stats, this.checksums)
  }
}

export class HeaderIndex {
  private readonly source: IndexedSource | undefined
  /** Where each name sits in the stored index; undefined while the folder lists exactly the stored names (the usual case). */
  private positions: Map<string, number> | undefined
  private sameNames = false
  private changed = false
  /** The folder's stats to record with the names (IndexFile.folder). */
  private folder: number[] | null = null
  /** What `record` accepted: checksum and header of each file read again (a racy file has none). */
  private readonly recorded = new Map<string, [string, RevisionHeader]>()

  private constructor(
    private readonly file: string | undefined,
    source: IndexedSource | undefined,
  ) {
    this.source = source
  }

  /**
   * The index of a versions folder: empty when caching is off or no index was written yet. `prefix` (the folder
   * and a slash) makes each header's path.
   */
  static open(versionsDir: string, prefix: string): HeaderIndex {
    const file = cacheFileFor(versionsDir, 'headers', 'bin')
    if (!file) return new HeaderIndex(undefined, undefined)
    try {
      const bytes = decodeIndex(readFileSync(file))
      const extras = bytes && validFile(bytes.meta, bytes.count) ? extrasOf(bytes.meta) : undefined
      if (bytes && extras) return new HeaderIndex(file, new IndexedSource(bytes.meta as IndexFile, prefix, extras, bytes.stats, bytes.checksums, bytes.metaBytes))
    } catch {
      // Missing or damaged: rebuilt from the files.
    }
    return new HeaderIndex(file, undefined)
  }

  get enabled(): boolean {
    return this.file !== undefined
  }

  /**
   * The stored names, when the folder's own stats (`folder`, taken at `now` before anything else) are exactly
   * those recorded with them: no file can have been added, removed or renamed since. Undefined otherwise (list it).
   */
  unchangedListing(folder: FolderStats | undefined): string[] | undefined {
    const stored = this.source?.file
    if (!stored?.folder || !folder || !sameFolder(stored.folder, folder.stats)) return undefined
    return stored.names === '' ? [] : stored.names.split('\n')
  }

  /**
   * The sorted names the folder holds now: one string comparison when nothing was added, removed or renamed, none
   * when they are the stored names (`unchangedListing`). `folder` is recorded with them when every name listed was
   * a file (`wholeListing`) and the folder is older than RACY_MS.
   */
  begin(names: readonly string[], folder?: FolderStats, wholeListing = false, fromIndex = false): void {
    const stored = this.source?.file
    this.folder = folder && wholeListing && folder.now - Math.max(folder.stats[1]!, folder.stats[2]!) >= RACY_MS ? [...folder.stats] : null
    // A folder not recorded yet (it was too recent) is recorded once it is old enough: one more write.
    if (stored && (stored.folder === null ? this.folder !== null : this.folder === null || !sameFolder(stored.folder, this.folder))) this.changed = true
    this.sameNames = stored !== undefined && stored.revisions.length === names.length && (fromIndex || stored.names === names.join('\n'))
    if (!this.sameNames) {
      this.changed = true
      this.positions = new Map((stored && stored.names !== '' ? stored.names.split('\n') : []).map((name, i) => [name, i]))
    }
  }

  /**
   * Every stored header, when the names are the stored ones (`begin`) and `stats` holds exactly the stored stats
   * for each of them (one memcmp instead of a comparison per file); undefined otherwise, or when an entry is
   * damaged (look each one up then).
   */
  allUnchanged(stats: Float64Array): IndexedHeader[] | undefined {
    const source = this.source
    if (!source || !this.sameNames) return undefined
    const count = source.file.revisions.length
    const bytes = count * STATS_PER_FILE * Float64Array.BYTES_PER_ELEMENT
    if (stats.length < count * STATS_PER_FILE || !Buffer.from(stats.buffer, stats.byteOffset, bytes).equals(Buffer.from(source.stats.buffer, source.stats.byteOffset, bytes))) return undefined
    const headers: IndexedHeader[] = new Array(count)
    for (let at = 0; at < count; at++) {
      if (!validEntry(source.file, at)) return undefined
      headers[at] = new IndexedHeader(source, at)
    }
    return headers
  }

  /**
   * The header recorded for the `position`-th name, when its stats (at `stats[position * STATS_PER_FILE]`) are
   * exactly those recorded.
   */
  lookup(position: number, name: string, stats: Float64Array): IndexedHeader | undefined {
    const source = this.source
    if (!source) return undefined
    const at = this.sameNames ? position : this.positions?.get(name)
    if (at === undefined) return undefined
    const s = position * STATS_PER_FILE
    const k = at * STATS_PER_FILE
    const st = source.stats
    if (st[k] !== stats[s] || st[k + 1] !== stats[s + 1] || st[k + 2] !== stats[s + 2] || st[k + 3] !== stats[s + 3]) return undefined
    if (!validEntry(source.file, at)) return undefined
    return new IndexedHeader(source, at)
  }

  /**
   * When the headers loaded are exactly the stored index's entries (same names, all `hits` of them looked up): the
   * index's JSON part as stored, which holds every field the graph is built from and the index's generation (the
   * graph snapshot is kept for exactly these bytes). Undefined otherwise.
   */
  wholeIndexMeta(hits: number): Buffer | undefined {
    const source = this.source
    if (!source || !this.sameNames || this.changed || hits !== source.file.revisions.length) return undefined
    return source.metaBytes
  }

  /**
   * Records what was just read from `name`, the `position`-th file (unless it changed too recently to be told
   * apart from a next change).
   */
  record(name: string, position: number, stats: Float64Array, header: RevisionHeader, checksum: string): void {
    const s = position * STATS_PER_FILE
    if (Date.now() - Math.max(stats[s + 1]!, stats[s + 2]!) < RACY_MS) return
    this.changed = true
    this.recorded.set(name, [checksum, header])
  }

  /**
   * Writes the index when a file was added, removed, renamed or read again (atomically: readers see the old or
   * the new one). `names`, `stats` and `headers` are the folder's files in the order they were looked up. Returns
   * the new index's JSON part when it holds every one of them (see `wholeIndexMeta`), else undefined.
   */
  save(names: readonly string[], stats: Float64Array, headers: readonly RevisionHeader[]): Buffer | undefined {
    if (!this.file || !this.changed) return undefined
    const writer = new IndexWriter(names, stats, this.folder)
    headers.forEach((header, i) => {
      const entry: [string, RevisionHeader] | undefined = header instanceof IndexedHeader ? [header.checksum, header] : this.recorded.get(names[i]!)
      writer.add(entry?.[1], entry?.[0])
    })
    const temp = `${this.file}.${process.pid}.tmp`
    try {
      mkdirSync(dirname(this.file), { recursive: true })
      const bytes = writer.bytes()
      const fd = openSync(temp, 'w')
      try {
        writeSync(fd, bytes)
      } finally {
        closeSync(fd)
      }
      renameSync(temp, this.file)
      // The next command reads these bytes back: their JSON part is what a graph snapshot for it is keyed by.
      return writer.complete ? indexMetaBytes(bytes) : undefined
    } catch {
      // A read-only or full disk only costs the next command its speed.
      rmSync(temp, { force: true })
      return undefined
    }
  }
}
