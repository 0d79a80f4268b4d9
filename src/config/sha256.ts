import { createRequire } from 'node:module'

let crypto: typeof import('node:crypto') | undefined

/**
 * sha256 as hex. `crypto.hash` (Node ≥ 20.12) is one call without a Hash object: on the ≈1 KB inputs hashed once
 * per revision file (content checksums, cache seals) it costs about half of `createHash().update().digest()`.
 * node:crypto is loaded on first use (see runtime/lazy-hash.ts): a warm read command may never hash.
 */
export function sha256Hex(data: string | Buffer): string {
  crypto ??= createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto')
  return typeof crypto.hash === 'function' ? crypto.hash('sha256', data) : crypto.createHash('sha256').update(data).digest('hex')
}
