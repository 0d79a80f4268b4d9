import { closeSync, openSync, readSync, readdirSync, readFileSync, statSync, type Dirent } from 'node:fs'
import { join } from 'node:path'
import { sha256Hex } from '../runtime/lazy-hash.js'
import { parseRevisionHeader, type RevisionHeader } from './header.js'
import { chooseStatInto } from './file-stats.js'
import { type FolderStats, HeaderIndex, IndexedHeader, STATS_PER_FILE } from './header-index.js'
import { RevisionGraph } from './graph.js'
import { encodeGraphSnapshot, readGraphSnapshot, writeGraphSnapshot } from './graph-snapshot.js'

const REVISION_FILE = /\.(ts|mts|js|mjs)$/
const DECLARATION_FILE = /\.d\.(ts|mts)$/

/** True for a file name that can hold a revision (`*.ts`, `*.mts`, `*.js`, `*.mjs`; not `*.d.ts`, not dotfiles). */
export function isRevisionFileName(name: string): boolean {
  return REVISION_FILE.test(name) && !DECLARATION_FILE.test(name) && !name.startsWith('.')
}

export interface LoadRevisionsOptions {
  /** Keep each file's bytes with its header (see `revisionFileBytes`): a run then reads every file only once. */
  keepBytes?: boolean
}

const fileBytes = new WeakMap<RevisionHeader, Buffer>()
const fileChecksums = new WeakMap<RevisionHeader, string>()

/** The bytes a header was parsed from, when it was loaded with `keepBytes` and the file was read in this run. */
export function revisionFileBytes(header: RevisionHeader): Buffer | undefined {
  return fileBytes.get(header)
}

/**
 * The sha256 (hex) of the file a header came from, as of loading: computed from its bytes, or from the header
 * index when the file's size and times are unchanged. Undefined when there is no index (caching off).
 */
export function revisionFileChecksum(header: RevisionHeader): string | undefined {
  return header instanceof IndexedHeader ? header.checksum : fileChecksums.get(header)
}

/**
 * Reads the header of every revision file in `versionsDir` (not its subfolders), in file-name order, without
 * running any of them. A folder that does not exist holds no revisions.
 */
export function loadRevisionHeaders(versionsDir: string, options: LoadRevisionsOptions = {}): RevisionHeader[] {
  return readHeaders(versionsDir, options).headers
}

/** The headers, and the header index's JSON part when they are exactly its entries (what the graph snapshot is kept for). */
function readHeaders(versionsDir: string, options: LoadRevisionsOptions): { headers: RevisionHeader[]; wholeIndexMeta: Buffer | undefined } {
  // One join for the folder, then plain concatenation: path.join per file costs more than its stat.
  const prefix = join(versionsDir, '/')
  const index = HeaderIndex.open(versionsDir, prefix)
  const folder = index.enabled ? statFolder(versionsDir) : undefined
  // An unchanged folder still holds the names it held: no listing, no sort (each file is still stat'ed below).
  let unchanged = index.unchangedListing(folder)
  // With an index every file is stat'ed anyway, which also tells files from folders: a plain listing is enough.
  let listed = unchanged ?? (index.enabled ? listNames(versionsDir) : listFiles(versionsDir))
  let statted = index.enabled ? statFiles(prefix, listed) : undefined
  if (unchanged && statted!.names.length !== listed.length) {
    // A stored name that is no file: the index does not hold this folder's names (damaged), so list the folder.
    unchanged = undefined
    listed = listNames(versionsDir)
    statted = statFiles(prefix, listed)
  }
  const names = statted ? statted.names : listed
  const reader = new SmallFileReader(options.keepBytes === true)
  index.begin(names, folder, names.length === listed.length, unchanged !== undefined)
  // The usual warm read: every file's stats as stored, compared in one go.
  const unchangedHeaders = statted ? index.allUnchanged(statted.stats) : undefined
  if (statted && unchangedHeaders) {
    // Still written when the folder's own stats are to be recorded (begin).
    const written = index.save(names, statted.stats, unchangedHeaders)
    return { headers: unchangedHeaders, wholeIndexMeta: written ?? index.wholeIndexMeta(unchangedHeaders.length) }
  }
  let hits = 0
  const headers = names.map((name, position): RevisionHeader => {
    const known = statted && index.lookup(position, name, statted.stats)
    if (known) {
      hits++
      return known
    }
    const path = prefix + name
    const bytes = reader.read(path)
    const header = parseRevisionHeader(bytes.toString('utf8'), path)
    if (options.keepBytes) fileBytes.set(header, bytes)
    if (statted) {
      const checksum = sha256Hex(bytes)
      fileChecksums.set(header, checksum)
      index.record(name, position, statted.stats, header, checksum)
    }
    return header
  })
  if (!statted) return { headers, wholeIndexMeta: undefined }
  // An index written just now with every file in it is what the next command reads: the graph snapshot can be
  // written for it already, so the run after a fresh checkout is as quick as any other.
  const written = index.save(names, statted.stats, headers)
  return { headers, wholeIndexMeta: written ?? index.wholeIndexMeta(hits) }
}

function readFolder<T>(read: () => T[]): T[] {
  try {
    return read()
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw error
  }
}

/**
 * The versions folder's own size, mtimeMs, ctimeMs and inode, and the time just before they were read (a change
 * after that has a later time); undefined when it is missing or not a folder (listing it then says what is wrong).
 */
function statFolder(versionsDir: string): FolderStats | undefined {
  const now = Date.now()
  const found = statSync(versionsDir, { throwIfNoEntry: false })
  if (!found?.isDirectory()) return undefined
  return { stats: Float64Array.of(found.size, found.mtimeMs, found.ctimeMs, found.ino), now }
}

/** Names that can hold a revision, sorted (folders among them are dropped once stat'ed). */
function listNames(versionsDir: string): string[] {
  return readFolder(() => readdirSync(versionsDir)).filter(isRevisionFileName).sort()
}

/** Revision files (following symlinks), sorted, without a stat per plain file. */
function listFiles(versionsDir: string): string[] {
  return readFolder(() => readdirSync(versionsDir, { withFileTypes: true }))
    .filter((entry) => isRevisionFileName(entry.name) && isFileEntry(versionsDir, entry))
    .map((entry) => entry.name)
    .sort()
}

/**
 * The size, mtimeMs, ctimeMs and inode of each listed name that is a file (following symlinks), packed in one
 * array: no `Stats` object is made (file-stats.ts), so 10,000 files leave no garbage. A name gone since the
 * listing is skipped.
 */
function statFiles(prefix: string, listed: string[]): { names: string[]; stats: Float64Array } {
  const names: string[] = []
  const stats = new Float64Array(listed.length * STATS_PER_FILE)
  if (listed.length === 0) return { names, stats }
  const statInto = chooseStatInto(prefix + listed[0])
  let s = 0
  for (const name of listed) {
    if (!statInto(prefix + name, stats, s)) continue
    names.push(name)
    s += STATS_PER_FILE
  }
  return { names, stats }
}

/** Room left free for the next file: a file this long or longer is read again whole. */
const READ_WINDOW_BYTES = 64 * 1024
const ARENA_CHUNK_BYTES = 1024 * 1024

/**
 * Reads many small files through large shared buffers: for 10,000 revision files this is measurably cheaper
 * than readFileSync (no stat, no buffer per file). Without `keep`, one buffer is reused and each result is only
 * valid until the next read; with `keep`, files are packed one after another into 1 MB chunks, so every result
 * stays valid without a copy.
 */
class SmallFileReader {
  private chunk: Buffer
  private used = 0

  constructor(private readonly keep: boolean) {
    this.chunk = Buffer.allocUnsafe(keep ? ARENA_CHUNK_BYTES : READ_WINDOW_BYTES)
  }

  read(path: string): Buffer {
    if (this.keep && this.chunk.length - this.used < READ_WINDOW_BYTES) {
      this.chunk = Buffer.allocUnsafe(ARENA_CHUNK_BYTES)
      this.used = 0
    }
    const start = this.keep ? this.used : 0
    const fd = openSync(path, 'r')
    let length: number
    try {
      length = readSync(fd, this.chunk, start, READ_WINDOW_BYTES, 0)
    } finally {
      closeSync(fd)
    }
    if (length >= READ_WINDOW_BYTES) return readFileSync(path)
    if (this.keep) this.used += length
    return this.chunk.subarray(start, start + length)
  }
}

function isFileEntry(dir: string, entry: Dirent): boolean {
  if (entry.isFile()) return true
  if (!entry.isSymbolicLink()) return false
  try {
    return statSync(join(dir, entry.name)).isFile()
  } catch {
    return false
  }
}

/** Loads and validates the revision graph of a versions folder (throws RevisionError on an invalid graph). */
export function loadRevisionGraph(versionsDir: string, options: LoadRevisionsOptions = {}): RevisionGraph {
  const { headers, wholeIndexMeta: meta } = readHeaders(versionsDir, options)
  const stored = meta === undefined ? undefined : readGraphSnapshot(versionsDir, meta, headers.length)
  const graph = new RevisionGraph(headers, { versionsDir, stored })
  if (meta === undefined) return graph
  // Written when missing, or when the stored graph failed its checks (the graph then validated the headers itself).
  const own = graph.stored()
  if (own.parents !== stored?.parents) writeGraphSnapshot(versionsDir, encodeGraphSnapshot(meta, own))
  return graph
}
