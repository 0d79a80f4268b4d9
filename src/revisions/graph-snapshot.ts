/**
 * The graph snapshot: the ranks of a validated revision graph, kept next to the header index and keyed by the
 * index's generation (header-index.ts: new on every write of the index, whose JSON holds every header field the
 * graph is built from). A warm read whose headers are exactly the index's then checks the ranks in one pass over
 * the edges instead of sorting the graph (graph-index.ts); every other check on the headers still runs. The key
 * only says which snapshot is worth trying: a stale or damaged one fails that check and is recomputed, never
 * believed.
 *
 *   u32 format, u32 revision count, 16 bytes key, count × int32 rank (machine order, as the index's stamp says:
 *   another byte order means another index, so another key).
 */
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs'
import { dirname } from 'node:path'
import { cacheFileFor } from './cache-location.js'

const FORMAT = 2
const KEY_BYTES = 16
const HEADER_BYTES = 8 + KEY_BYTES
const RANK_BYTES = 4

/** The ranks stored for `key` (32 hex digits) and `count` revisions, or undefined (none, another key, damaged). */
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

/** Stores the ranks of the graph built from the index whose key is `key` (atomically; failures ignored). */
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
