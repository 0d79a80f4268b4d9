/**
 * Where strata keeps what it can rebuild from the project's files (compiled revisions, the header index):
 * `node_modules/.cache/strata-db/` above the versions folder, or `STRATA_CACHE_DIR`; `STRATA_CACHE_DIR=off`, or
 * no node_modules folder, means no cache.
 */
import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'

/** The cache file `<kind>-<hash of the folder>.<extension>` for a versions folder, or undefined when caching is off. */
export function cacheFileFor(versionsDir: string, kind: string, extension: string): string | undefined {
  const env = process.env.STRATA_CACHE_DIR
  let dir: string | undefined
  if (env !== undefined && env !== '') dir = env === 'off' ? undefined : resolve(env)
  else dir = findNodeModules(versionsDir)
  if (!dir) return undefined
  const name = fnv1a64(resolve(versionsDir))
  return join(dir, `${kind}-${name}.${extension}`)
}

function findNodeModules(from: string): string | undefined {
  let dir = resolve(from)
  for (;;) {
    if (existsSync(join(dir, 'node_modules'))) return join(dir, 'node_modules', '.cache', 'strata-db')
    const up = dirname(dir)
    if (up === dir) return undefined
    dir = up
  }
}

/**
 * FNV-1a, 64 bits, as 16 hex digits: a file name for a folder path. Not node:crypto, whose loading (OpenSSL's
 * tables) costs a read command about 5 ms; a collision would only make two folders share a cache file, which
 * every cache here detects (each holds its folder's paths or content hashes) and rebuilds.
 */
function fnv1a64(text: string): string {
  let hash = 0xcbf29ce484222325n
  for (let i = 0; i < text.length; i++) hash = BigInt.asUintN(64, (hash ^ BigInt(text.charCodeAt(i))) * 0x100000001b3n)
  return hash.toString(16).padStart(16, '0')
}
