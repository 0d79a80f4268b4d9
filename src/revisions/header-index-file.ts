/**
 * The header index's bytes: the header columns as JSON, then each file's stats as float64 and its sha256 as 32
 * raw bytes. The numbers and checksums are most of the index; read into a Float64Array and a Buffer they cost no
 * parsing at all (as JSON text they were 1.8 of its 2 MB at 10,000 files, and most of its parse time).
 *
 *   u32 length of the JSON, u32 file count, JSON, zero padding to a multiple of 8,
 *   count × 4 float64 (size, mtimeMs, ctimeMs, ino), count × 32 bytes of sha256.
 *
 * Numbers are in the machine's byte order: the stamp inside the JSON names it, so another machine rebuilds.
 */

const PREFIX_BYTES = 8
const STAT_BYTES = 8
export const STATS_PER_FILE = 4
export const CHECKSUM_BYTES = 32

export interface IndexBytes {
  /** The parsed JSON part (checked by the caller). */
  meta: unknown
  /** The JSON part's bytes: all the graph depends on (its length is part of the graph snapshot's key). */
  metaBytes: Buffer
  count: number
  stats: Float64Array
  checksums: Buffer
}

function statsOffset(jsonBytes: number): number {
  return Math.ceil((PREFIX_BYTES + jsonBytes) / STAT_BYTES) * STAT_BYTES
}

/** The parts of an index file, or undefined when its lengths disagree (damage: the caller rebuilds). */
export function decodeIndex(bytes: Buffer): IndexBytes | undefined {
  if (bytes.length < PREFIX_BYTES) return undefined
  const jsonBytes = bytes.readUInt32LE(0)
  const count = bytes.readUInt32LE(4)
  const start = statsOffset(jsonBytes)
  const checksumsAt = start + count * STATS_PER_FILE * STAT_BYTES
  if (bytes.length !== checksumsAt + count * CHECKSUM_BYTES) return undefined
  const metaBytes = indexMetaBytes(bytes)
  const meta: unknown = JSON.parse(metaBytes.toString('utf8'))
  const at = bytes.byteOffset + start
  // A Float64Array needs an aligned offset: the file's own buffer usually gives one, a copy otherwise.
  const stats =
    at % STAT_BYTES === 0
      ? new Float64Array(bytes.buffer, at, count * STATS_PER_FILE)
      : new Float64Array(bytes.buffer.slice(at, at + count * STATS_PER_FILE * STAT_BYTES))
  return { meta, metaBytes, count, stats, checksums: bytes.subarray(checksumsAt) }
}

/** The JSON part of an index file's bytes (as `decodeIndex` gives it as `metaBytes`). */
export function indexMetaBytes(bytes: Buffer): Buffer {
  return bytes.subarray(PREFIX_BYTES, PREFIX_BYTES + bytes.readUInt32LE(0))
}

/** The bytes of an index file: `stats` holds at least `count` files, `checksums` exactly `count` × 32 bytes. */
export function encodeIndex(meta: object, count: number, stats: Float64Array, checksums: Buffer): Buffer {
  const json = Buffer.from(JSON.stringify(meta), 'utf8')
  const start = statsOffset(json.length)
  const statBytes = count * STATS_PER_FILE * STAT_BYTES
  const bytes = Buffer.alloc(start + statBytes + count * CHECKSUM_BYTES)
  bytes.writeUInt32LE(json.length, 0)
  bytes.writeUInt32LE(count, 4)
  json.copy(bytes, PREFIX_BYTES)
  Buffer.from(stats.buffer, stats.byteOffset, statBytes).copy(bytes, start)
  checksums.copy(bytes, start + statBytes)
  return bytes
}
