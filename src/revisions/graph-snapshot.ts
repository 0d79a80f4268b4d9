/**
 * The graph snapshot: a validated revision graph (ranks, parent and dependency edges as positions), kept next to
 * the header index with a copy of the index's JSON part, which holds every header field the graph is built from
 * (and the index's generation, new on every write). A warm read whose headers are exactly the index's entries,
 * with that JSON byte for byte the one stored here, adopts the graph: it checks the stored edges against the
 * headers and the ranks along the edges (graph-index.ts), and builds no per-revision arrays. Anything else (no
 * snapshot, other bytes, a damaged one) means the graph is validated from the headers, and the snapshot rewritten.
 *
 *   u32 format, u32 revision count n, u32 JSON length, u32 parent edges p, u32 dependency edges d,
 *   the JSON, zero padding to a multiple of 4, then int32 (machine order, as the index's stamp says):
 *   n ranks, n + 1 parent offsets, p parents, n + 1 dependency offsets, d dependencies.
 */
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs'
import { dirname } from 'node:path'
import { cacheFileFor } from './cache-location.js'
import { EdgeLists } from './graph-edges.js'
import type { StoredGraph } from './graph-index.js'

const FORMAT = 3
const HEADER_WORDS = 5
const WORD = 4

const padded = (bytes: number) => Math.ceil(bytes / WORD) * WORD

/** The graph stored for the index whose JSON part is `meta`, with `count` revisions; undefined otherwise (none, other JSON, damaged). */
export function readGraphSnapshot(versionsDir: string, meta: Buffer, count: number): StoredGraph | undefined {
  const file = cacheFileFor(versionsDir, 'graph', 'bin')
  if (!file) return undefined
  let bytes: Buffer
  try {
    bytes = readFileSync(file)
  } catch {
    return undefined
  }
  if (bytes.length < HEADER_WORDS * WORD) return undefined
  const word = (k: number) => bytes.readUInt32LE(k * WORD)
  const [format, n, metaLength, parentEdges, depEdges] = [0, 1, 2, 3, 4].map(word)
  const intsAt = HEADER_WORDS * WORD + padded(metaLength!)
  const ints = n! * 3 + 2 + parentEdges! + depEdges!
  if (format !== FORMAT || n !== count || metaLength !== meta.length || bytes.length !== intsAt + ints * WORD) return undefined
  if (!meta.equals(bytes.subarray(HEADER_WORDS * WORD, HEADER_WORDS * WORD + metaLength))) return undefined
  // An Int32Array needs an aligned offset: a file's own buffer gives one, a copy otherwise.
  const at = bytes.byteOffset + intsAt
  const all = at % WORD === 0 ? new Int32Array(bytes.buffer, at, ints) : new Int32Array(bytes.buffer.slice(at, at + ints * WORD))
  let next = 0
  const take = (length: number) => all.subarray(next, (next += length))
  const rank = take(count)
  const parents = new EdgeLists(take(count + 1), take(parentEdges!))
  const deps = new EdgeLists(take(count + 1), take(depEdges!))
  // Each revision's edges are checked against its header (graph-index.ts); what is left is that they cover the lists.
  return covers(parents) && covers(deps) ? { rank, parents, deps } : undefined
}

function covers(edges: EdgeLists): boolean {
  return edges.start[0] === 0 && edges.start[edges.size] === edges.edgeCount
}

/** The bytes of a snapshot of `graph`, built from the index whose JSON part is `meta`. */
export function encodeGraphSnapshot(meta: Buffer, graph: StoredGraph): Buffer {
  const arrays = [graph.rank, graph.parents.start, graph.parents.targets, graph.deps.start, graph.deps.targets]
  const intsAt = HEADER_WORDS * WORD + padded(meta.length)
  const bytes = Buffer.alloc(intsAt + arrays.reduce((sum, array) => sum + array.length, 0) * WORD)
  ;[FORMAT, graph.rank.length, meta.length, graph.parents.edgeCount, graph.deps.edgeCount].forEach((value, k) => bytes.writeUInt32LE(value, k * WORD))
  meta.copy(bytes, HEADER_WORDS * WORD)
  let at = intsAt
  for (const array of arrays) {
    Buffer.from(array.buffer, array.byteOffset, array.byteLength).copy(bytes, at)
    at += array.byteLength
  }
  return bytes
}

/** Stores `bytes` (encodeGraphSnapshot) as the snapshot of a versions folder (atomically; failures ignored). */
export function writeGraphSnapshot(versionsDir: string, bytes: Buffer): void {
  const file = cacheFileFor(versionsDir, 'graph', 'bin')
  if (!file) return
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
