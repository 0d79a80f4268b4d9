import type { Hash } from 'node:crypto'
import { createRequire } from 'node:module'

let crypto: typeof import('node:crypto') | undefined

/**
 * node:crypto's `createHash`, loaded on first use. Loading node:crypto sets up OpenSSL's tables (about 5 ms); the
 * read commands (`current`, `heads`, `history`) reach modules that hash only on a cold or unusual path, and this
 * keeps them from paying for it on the usual one.
 */
export function createHash(algorithm: 'sha1' | 'sha256'): Hash {
  crypto ??= createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto')
  return crypto.createHash(algorithm)
}
