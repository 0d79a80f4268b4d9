import type { Hash } from 'node:crypto'
import { createRequire } from 'node:module'

let crypto: typeof import('node:crypto') | undefined

/**
 * node:crypto, loaded on first use. Loading it sets up OpenSSL's tables (about 5 ms); the read commands
 * (`current`, `heads`, `history`) reach modules that hash only on a cold or unusual path, and this keeps them from
 * paying for it on the usual one.
 */
function nodeCrypto(): typeof import('node:crypto') {
  crypto ??= createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto')
  return crypto
}

/** node:crypto's `createHash`, for a hash fed in several parts. */
export function createHash(algorithm: 'sha1' | 'sha256'): Hash {
  return nodeCrypto().createHash(algorithm)
}

/**
 * sha256 as hex. `crypto.hash` (Node ≥ 20.12) is one call without a Hash object: on the ≈1 KB inputs hashed once
 * per revision file (content checksums, cache seals) it costs about half of `createHash().update().digest()`.
 */
export function sha256Hex(data: string | Buffer): string {
  const loaded = nodeCrypto()
  return typeof loaded.hash === 'function' ? loaded.hash('sha256', data) : loaded.createHash('sha256').update(data).digest('hex')
}

/** node:crypto's `randomBytes`, for the few ids that must not collide across processes (lease holders). */
export function randomBytes(size: number): Buffer {
  return nodeCrypto().randomBytes(size)
}
