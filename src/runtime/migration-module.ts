import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { StrataError, describeLoadError, stackLocation } from '../config/errors.js'
import { RevisionCache } from '../config/revision-cache.js'
import { evaluateRevision, stripRevision } from '../config/revision-module-loader.js'
import type { DialectName } from '../dialects/dialect.js'
import type { Operations } from '../operations/api.js'
import { type RevisionHeader, revisionFileBytes, revisionFileChecksum } from '../revisions/index.js'

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
 * Loads the modules of a run, in plan order, before any of them runs. Each file is hashed (the hash is its
 * checksum and its key in the compiled-revision cache); files the cache lacks are type-stripped and compiled.
 * The cache is written after the run (`close`), when V8's code cache also holds the functions that ran.
 *
 * Everything happens on this thread: a worker thread stripping half the files measured slower here (two vCPUs
 * that do not scale, and sucrase warming up twice).
 */
export class MigrationModules {
  private readonly cache: RevisionCache

  constructor(private readonly revisions: RevisionHeader[]) {
    this.cache = revisions.length > 0 ? RevisionCache.open(dirname(revisions[0]!.path)) : RevisionCache.disabled()
  }

  async all(): Promise<MigrationModule[]> {
    const modules: MigrationModule[] = []
    for (const revision of this.revisions) modules.push(await this.load(revision))
    return modules
  }

  /** Stores what this run compiled. */
  close(): void {
    this.cache.save()
  }

  private async load(revision: RevisionHeader): Promise<MigrationModule> {
    const { path } = revision
    // The header index vouches for the content's hash (size and times unchanged): a cached file is not read at all.
    const indexed = revisionFileChecksum(revision)
    const cached = indexed === undefined ? undefined : this.cache.get(indexed)
    const bytes = cached ? undefined : readRevision(revision)
    const checksum = bytes ? createHash('sha256').update(bytes).digest('hex') : indexed!
    let module: Record<string, unknown>
    try {
      const code = cached ?? this.cache.get(checksum) ?? stripRevision(bytes!.toString('utf8'), path)
      const evaluated = await evaluateRevision(path, code)
      module = evaluated.exports
      if (evaluated.compiled) this.cache.add(checksum, evaluated.compiled.js, evaluated.compiled.script)
    } catch (error) {
      const where = error instanceof SyntaxError ? path : (stackLocation(error, path) ?? path)
      throw new StrataError(`migration file ${where} failed to load: ${describeLoadError(error)}`, { code: 'migration-file' })
    }
    const { upgrade, downgrade } = module
    if (typeof upgrade !== 'function' || typeof downgrade !== 'function')
      throw new StrataError(`migration file ${path} must export async functions 'upgrade' and 'downgrade'`, { code: 'migration-file' })
    return {
      upgrade: upgrade as MigrationModule['upgrade'],
      downgrade: downgrade as MigrationModule['downgrade'],
      transaction: module.transaction !== false,
      checksum,
    }
  }
}

function readRevision(revision: RevisionHeader): Buffer {
  try {
    return revisionFileBytes(revision) ?? readFileSync(revision.path)
  } catch (error) {
    throw new StrataError(`migration file ${revision.path} cannot be read: ${(error as Error).message}`, { code: 'migration-file' })
  }
}

/**
 * Runs `body` with the modules of a run, loaded in order before any of them runs; afterwards the cache keeps
 * what was compiled.
 */
export async function withMigrationModules<T>(revisions: RevisionHeader[], body: (modules: MigrationModule[]) => Promise<T>): Promise<T> {
  const loader = new MigrationModules(revisions)
  try {
    return await body(await loader.all())
  } finally {
    loader.close()
  }
}

/** sha256 of a file's bytes: recorded per applied step, compared by `verify` and before resuming. */
export function fileChecksum(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex')
}
