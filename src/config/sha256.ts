import crypto from 'node:crypto'

/**
 * sha256 as hex. `crypto.hash` (Node ≥ 20.12) is one call without a Hash object: on the ≈1 KB inputs hashed once
 * per revision file (content checksums, cache seals) it costs about half of `createHash().update().digest()`.
 */
export const sha256Hex: (data: string | Buffer) => string =
  typeof crypto.hash === 'function' ? (data) => crypto.hash('sha256', data) : (data) => crypto.createHash('sha256').update(data).digest('hex')
