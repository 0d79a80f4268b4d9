/**
 * Where strata keeps what it can rebuild from the project's files (compiled revisions, the header index):
 * `node_modules/.cache/strata-db/` above the versions folder, or `STRATA_CACHE_DIR`; `STRATA_CACHE_DIR=off`, or
 * no node_modules folder, means no cache.
 */
import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'

/** The cache file `<kind>-<hash of the folder>.<extension>` for a versions folder, or undefined when caching is off. */
export function cacheFileFor(versionsDir: string, kind: string, extension: string): string | undefined {
  const env = process.env.STRATA_CACHE_DIR
  let dir: string | undefined
  if (env !== undefined && env !== '') dir = env === 'off' ? undefined : resolve(env)
  else dir = findNodeModules(versionsDir)
  if (!dir) return undefined
  const name = createHash('sha256').update(resolve(versionsDir)).digest('hex').slice(0, 16)
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
