import { closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writevSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname } from 'node:path'
import type { Script } from 'node:vm'
import { cacheFileFor } from '../revisions/cache-location.js'
import { FAST_STRIP_VERSION } from './revision-fast-strip.js'
import { createHash, sha256Hex } from '../runtime/lazy-hash.js'
import type { RevisionCode } from './revision-module-loader.js'

/**
 * A cache of compiled revision files, like Python's `__pycache__`: for each file content (by sha256) the
 * type-stripped JavaScript and V8's code cache for it, sealed with a sha256 of both (and the key). Files compiled
 * together as one script (revision-batch.ts) have one entry for the batch instead, keyed by their content hashes:
 * the batch's JavaScript (and line table) and V8's code cache for it. A long upgrade then neither strips types nor compiles
 * (5,000 files: ≈0.55 s → ≈0.1 s). It lives in `node_modules/.cache/strata-db/` next to the project, one pack
 * file per versions folder; `STRATA_CACHE_DIR` moves it, `STRATA_CACHE_DIR=off` turns it off. It is only ever an
 * optimisation: anything unreadable, stale or from another version of strata or Node is ignored and rebuilt.
 *
 * Nothing from the pack runs unchecked: an entry is used only when its seal matches what it holds (checked on first
 * use, so a run pays only for the files it loads). A damaged entry (flipped bytes, a cut, code swapped between
 * entries) is dropped: the file is compiled from its source and the entry rewritten.
 */

/** The pack format; part of the first line, so a pack of another format is never parsed as this one. */
const FORMAT = 2
const MAGIC = `strata-revision-cache ${FORMAT}\n`
/** Entries kept across runs, most recently used last: enough for any real project, bounded for a runaway one. */
const MAX_ENTRIES = 20_000
const HASH_BYTES = 32
/** Per entry: key, seal, two lengths. */
const ENTRY_HEADER_BYTES = HASH_BYTES * 2 + 8
/** Buffers per writev call (the system limit, IOV_MAX, is 1024 on Linux). */
const WRITEV_BATCH = 1024

function writeAll(fd: number, buffers: Buffer[]): void {
  let pending = buffers
  while (pending.length > 0) {
    let written = writevSync(fd, pending)
    // A short write: skip what went out, then continue with the rest.
    while (pending.length > 0 && written >= pending[0]!.length) written -= pending.shift()!.length
    if (pending.length > 0 && written > 0) pending[0] = pending[0]!.subarray(written)
  }
}

let stampCache: string | undefined

/** What the cached code depends on besides the file: strata's, sucrase's and the fast strip's versions, and V8's for the code cache. */
function stamp(): { code: string; v8: string } {
  if (!stampCache) {
    const require = createRequire(import.meta.url)
    const strata = (require('../../package.json') as { version: string }).version
    const sucrase = (require('sucrase/package.json') as { version: string }).version
    stampCache = `strata ${strata}, sucrase ${sucrase}, fast strip ${FAST_STRIP_VERSION}`
  }
  return { code: stampCache, v8: process.versions.v8 }
}

/** Where the pack of a versions folder lives, or undefined when caching is off or there is no node_modules. */
export function revisionCacheFile(versionsDir: string): string | undefined {
  return cacheFileFor(versionsDir, 'revisions', 'pack')
}

/** An entry as stored: bytes straight from the pack (or just compiled), and the seal they must match. */
interface StoredEntry {
  js: Buffer
  code: Buffer
  seal: Buffer
  /** The seal was checked (or computed) in this run. */
  checked: boolean
}

/** An entry this large is sealed from its parts (see sealOf). */
const LARGE_ENTRY_BYTES = 64 * 1024

/** sha256 of key, JavaScript and code cache: what binds an entry to the file content it was compiled from. */
function sealOf(key: Buffer, js: Buffer, code: Buffer): Buffer {
  const lengths = Buffer.allocUnsafe(8)
  lengths.writeUInt32LE(js.length, 0)
  lengths.writeUInt32LE(code.length, 4)
  // One call for a revision's few kilobytes; parts fed in turn for a large entry (a schema of 1,000 tables is
  // 3 MB), which would otherwise be copied into one more buffer first. The digest is the same.
  if (js.length + code.length < LARGE_ENTRY_BYTES) return Buffer.from(sha256Hex(Buffer.concat([key, lengths, js, code])), 'hex')
  return createHash('sha256').update(key).update(lengths).update(js).update(code).digest()
}

export class RevisionCache {
  private readonly entries = new Map<string, StoredEntry>()
  /** False when the pack was written by another V8: its code caches are kept on disk but not handed to V8. */
  private codeCacheUsable = true
  /** Compiled in this run without a usable code cache: written on save. */
  private readonly compiled = new Map<string, { js: string; script: Script }>()

  private constructor(private readonly file: string | undefined) {}

  /** The cache for a versions folder (empty when off, missing or unreadable). */
  static open(versionsDir: string): RevisionCache {
    const cache = new RevisionCache(revisionCacheFile(versionsDir))
    if (cache.file) cache.read(cache.file)
    return cache
  }

  /** The cache of the schema files in a folder: a pack of its own (`schema-*.jspack`), beside the revision packs. */
  static forSchemas(schemaDir: string): RevisionCache {
    const cache = new RevisionCache(cacheFileFor(schemaDir, 'schema', 'jspack'))
    if (cache.file) cache.read(cache.file)
    return cache
  }

  static disabled(): RevisionCache {
    return new RevisionCache(undefined)
  }

  /** The compiled form of a file with this content hash (hex sha256). */
  get(hash: string): RevisionCode | undefined {
    const found = this.entries.get(hash)
    if (!found) return undefined
    // Most recently used last, so that trimming drops what no run has needed for longest.
    this.entries.delete(hash)
    if (!found.checked) {
      // Damaged: forget it; the caller compiles the file and `add` replaces the entry.
      if (!sealOf(Buffer.from(hash, 'hex'), found.js, found.code).equals(found.seal)) return undefined
      found.checked = true
    }
    this.entries.set(hash, found)
    const code: RevisionCode = { js: found.js.toString('utf8') }
    if (this.codeCacheUsable && found.code.length > 0) code.codeCache = found.code
    return code
  }

  /** Records a file (or a batch, revision-batch.ts) compiled in this run; its code cache is produced on save (after the run, so it holds the functions that ran). */
  add(hash: string, js: string, script: Script): void {
    if (this.file) this.compiled.set(hash, { js, script })
  }

  /** Writes the pack when this run compiled anything (atomically: a concurrent run sees the old or the new pack). */
  save(): void {
    try {
      this.write()
    } catch {
      // The cache is only an optimisation: whatever goes wrong here must not fail a run that succeeded.
    }
  }

  private write(): void {
    if (!this.file || this.compiled.size === 0) return
    for (const [hash, { js, script }] of this.compiled) {
      this.entries.delete(hash)
      const jsBytes = Buffer.from(js)
      const code = script.createCachedData()
      this.entries.set(hash, { js: jsBytes, code, seal: sealOf(Buffer.from(hash, 'hex'), jsBytes, code), checked: true })
    }
    this.compiled.clear()
    const kept = [...this.entries].slice(-MAX_ENTRIES)
    const parts: Buffer[] = [Buffer.from(`${MAGIC}${JSON.stringify(stamp())}\n`)]
    // Entries not used in this run go back byte for byte with their old seal: a damaged one stays detectable.
    for (const [hash, entry] of kept) {
      const lengths = Buffer.allocUnsafe(8)
      lengths.writeUInt32LE(entry.js.length, 0)
      lengths.writeUInt32LE(entry.code.length, 4)
      parts.push(Buffer.from(hash, 'hex'), entry.seal, lengths, entry.js, entry.code)
    }
    const temp = `${this.file}.${process.pid}.tmp`
    try {
      mkdirSync(dirname(this.file), { recursive: true })
      const fd = openSync(temp, 'w')
      try {
        // writev without joining the parts first: the pack is ~3 KB a revision (13 MB at 5,000).
        for (let i = 0; i < parts.length; i += WRITEV_BATCH) writeAll(fd, parts.slice(i, i + WRITEV_BATCH))
      } finally {
        closeSync(fd)
      }
      renameSync(temp, this.file)
    } catch {
      // A read-only or full disk only costs the next run its speed.
      rmSync(temp, { force: true })
    }
  }

  private read(file: string): void {
    let bytes: Buffer
    try {
      bytes = readFileSync(file)
    } catch {
      return
    }
    try {
      const headerEnd = bytes.indexOf(10, MAGIC.length)
      if (bytes.toString('utf8', 0, MAGIC.length) !== MAGIC || headerEnd < 0) return
      const header = JSON.parse(bytes.toString('utf8', MAGIC.length, headerEnd)) as { code?: string; v8?: string }
      const current = stamp()
      if (header.code !== current.code) return
      this.codeCacheUsable = header.v8 === current.v8
      let at = headerEnd + 1
      while (at + ENTRY_HEADER_BYTES <= bytes.length) {
        const hash = bytes.toString('hex', at, at + HASH_BYTES)
        const seal = bytes.subarray(at + HASH_BYTES, at + HASH_BYTES * 2)
        const jsLength = bytes.readUInt32LE(at + HASH_BYTES * 2)
        const codeLength = bytes.readUInt32LE(at + HASH_BYTES * 2 + 4)
        const jsStart = at + ENTRY_HEADER_BYTES
        const codeStart = jsStart + jsLength
        const end = codeStart + codeLength
        // A cut pack: what is whole is still usable (each entry is checked on its own).
        if (end > bytes.length) break
        this.entries.set(hash, { js: bytes.subarray(jsStart, codeStart), code: bytes.subarray(codeStart, end), seal, checked: false })
        at = end
      }
    } catch {
      this.entries.clear()
    }
  }
}
