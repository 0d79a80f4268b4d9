import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { StrataError, describeLoadError, stackLocation } from '../config/errors.js'
import { importRevisionModule } from '../config/revision-module-loader.js'
import { prefetchRevisions, stopPrefetch, takePrefetched } from '../config/revision-prefetch.js'
import type { PrefetchedRevision } from '../config/transform-worker.js'
import type { DialectName } from '../dialects/dialect.js'
import type { Operations } from '../operations/api.js'

/** What `upgrade` and `downgrade` receive. */
export interface Migration {
  op: Operations
  /** The dialect being migrated, for the rare migration that must differ per database. */
  dialect: DialectName
  /** True while writing an offline script (`--sql`): `op.query` is unavailable. */
  offline: boolean
}

export interface MigrationModule {
  upgrade: (context: Migration) => Promise<void> | void
  downgrade: (context: Migration) => Promise<void> | void
  /** `export const transaction = false` runs the migration outside any transaction. */
  transaction: boolean
  /** sha256 of the file's content as loaded. */
  checksum: string
}

/**
 * Loads the modules of a run, in order. On a long run the second half is read and type-stripped on a worker
 * thread while this thread does the first half (two cores: about half the load time at 5,000 files).
 */
export async function loadMigrationModules(paths: string[]): Promise<MigrationModule[]> {
  prefetchRevisions(paths.slice(Math.ceil(paths.length / 2)))
  try {
    const modules: MigrationModule[] = []
    for (const path of paths) modules.push(await loadMigrationModule(path, await takePrefetched(path)))
    return modules
  } finally {
    stopPrefetch()
  }
}

export async function loadMigrationModule(path: string, prefetched?: PrefetchedRevision): Promise<MigrationModule> {
  let module: Record<string, unknown>
  let source: Buffer | string
  try {
    source = prefetched?.source ?? readFileSync(path)
  } catch (error) {
    throw new StrataError(`migration file ${path} cannot be read: ${(error as Error).message}`)
  }
  try {
    module = await importRevisionModule(path, source.toString('utf8'), prefetched?.code)
  } catch (error) {
    const where = error instanceof SyntaxError ? path : (stackLocation(error, path) ?? path)
    throw new StrataError(`migration file ${where} failed to load: ${describeLoadError(error)}`)
  }
  const { upgrade, downgrade } = module
  if (typeof upgrade !== 'function' || typeof downgrade !== 'function')
    throw new StrataError(`migration file ${path} must export async functions 'upgrade' and 'downgrade'`)
  return {
    upgrade: upgrade as MigrationModule['upgrade'],
    downgrade: downgrade as MigrationModule['downgrade'],
    transaction: module.transaction !== false,
    checksum: prefetched?.checksum ?? createHash('sha256').update(source).digest('hex'),
  }
}

/** sha256 of a file's bytes: recorded per applied step, compared by `verify` and before resuming. */
export function fileChecksum(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex')
}
