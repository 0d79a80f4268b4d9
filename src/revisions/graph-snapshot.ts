/**
 * The graph snapshot: the ranks of a validated revision graph, kept next to the header index and keyed by the
 * hash of the index's JSON (which holds every header field the graph is built from). A warm read whose headers
 * are exactly the index's then skips the checks already passed on those same headers, and checks the ranks in
 * one pass over the edges instead of sorting the graph (graph-index.ts): a damaged snapshot is recomputed, never
 * believed.
 *
 *   u32 format, u32 revision count, 32 bytes sha256 key, count × int32 rank (machine order: the key hashes the
 *   index's stamp, which names the byte order).
 */
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs'
import { dirname } from 'node:path'
import { cacheFileFor } from './cache-location.js'

const FORMAT = 1
const KEY_BYTES = 32
const HEADER_BYTES = 8 + KEY_BYTES
const RANK_BYTES = 4

/** The ranks stored for `key` (a hex sha256) and `count` revisions, or undefined (none, another key, damaged). */
export function readGraphSnapshot(versionsDir: string, key: string, count: number): Int32Array | undefined {
  const file = cacheFileFor(versionsDir, 'graph', 'bin')
  if (!file) return undefined
  let bytes: Buffer
  try {
    bytes = readFileSync(file)
  } catch {
    return undefined
  }
  if (bytes.length !== HEADER_BYTES + count * RANK_BYTES || bytes.readUInt32LE(0) !== FORMAT || bytes.readUInt32LE(4) !== count) return undefined
  if (bytes.toString('hex', 8, HEADER_BYTES) !== key) return undefined
  const start = bytes.byteOffset + HEADER_BYTES
  return new Int32Array(bytes.buffer.slice(start, start + count * RANK_BYTES))
}

/** Stores the ranks of the graph built from the index whose JSON hashes to `key` (atomically; failures ignored). */
export function writeGraphSnapshot(versionsDir: string, key: string, rank: Int32Array): void {
  const file = cacheFileFor(versionsDir, 'graph', 'bin')
  if (!file) return
  const bytes = Buffer.alloc(HEADER_BYTES + rank.length * RANK_BYTES)
  bytes.writeUInt32LE(FORMAT, 0)
  bytes.writeUInt32LE(rank.length, 4)
  bytes.write(key, 8, KEY_BYTES, 'hex')
  Buffer.from(rank.buffer, rank.byteOffset, rank.length * RANK_BYTES).copy(bytes, HEADER_BYTES)
  const temp = `${file}.${process.pid}.tmp`
  try {
    mkdirSync(dirname(file), { recursive: true })
    const fd = openSync(temp, 'w')
    try {
      writeSync(fd, bytes)
    } finally {
      closeSync(fd)
    }
    renameSync(temp, file)
  } catch {
    // A read-only or full disk only costs the next command its speed.
    rmSync(temp, { force: true })
  }
}
