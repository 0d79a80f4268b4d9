import { readFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { StrataError, describeLoadError, stackLocation } from '../config/errors.js'
import { RevisionCache } from '../config/revision-cache.js'
import { sha256Hex } from '../runtime/lazy-hash.js'
import { type BatchSource, type RevisionBatch, batchKey, batchRanges, batchSource, compileBatch, parseStoredBatch, storedBatch } from '../config/revision-batch.js'
import { type RevisionCode, evaluateRevision, runRevisionWrapper, stripRevision } from '../config/revision-module-loader.js'
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
    let sources: RevisionSource[]
    try {
      sources = this.revisions.map((revision) => this.locate(revision))
    } catch {
      // A file that cannot be read: loading them one by one names it, after loading those before it.
      sources = []
      for (const revision of this.revisions) modules.push(await this.load(this.locate(revision)))
    }
    for (const [start, end] of batchRanges(sources.map((s) => s.checksum))) {
      const batch = end - start > 1 ? await this.loadBatch(sources.slice(start, end)) : undefined
      if (batch) modules.push(...batch)
      else for (let i = start; i < end; i++) modules.push(await this.load(sources[i]!))
    }
    return modules
  }

  /** Stores what this run compiled. */
  close(): void {
    this.cache.save()
  }

  /**
   * Several files compiled as one script (config/revision-batch.ts). The cache's entry for the batch (keyed by
   * the files' content hashes) holds its JavaScript and code cache, so a warm run reads no file and checks one seal
   * per batch. Undefined when any file cannot be read or stripped, or they do not compile together: the caller
   * then loads them one by one, which names the file at fault.
   */
  private async loadBatch(sources: RevisionSource[]): Promise<MigrationModule[] | undefined> {
    // A loop, not `.map`: on Node 20, indexing an array made by `.map` (below) deoptimizes this function once
    // TurboFan has optimized it ("wrong map" in --trace-deopt), and it is then compiled again.
    const paths: string[] = []
    for (const s of sources) paths.push(s.revision.path)
    const key = batchKey(sources.map((s) => s.checksum))
    const stored = this.cache.get(key)
    let source: BatchSource
    let batch: RevisionBatch | undefined
    try {
      source = stored ? parseStoredBatch(stored.js) : batchSource(sources.map((s) => this.code(s).js))
      batch = compileBatch(paths, source, stored?.codeCache)
    } catch {
      return undefined
    }
    if (!batch) return undefined
    const modules: MigrationModule[] = []
    for (let i = 0; i < sources.length; i++) {
      const path = paths[i]!
      let exports: Record<string, unknown>
      try {
        exports = await runRevisionWrapper(path, batch.wrappers[i]!)
      } catch (error) {
        throw loadError(path, error)
      }
      modules.push(migrationModule(path, exports, sources[i]!.checksum))
    }
    if (batch.compiled) this.cache.add(key, storedBatch(source), batch.script)
    return modules
  }

  /**
   * A file's content hash. The header index vouches for it (size and times unchanged): such a file is not read
   * here. Any other file is read and hashed.
   */
  private locate(revision: RevisionHeader): RevisionSource {
    const indexed = revisionFileChecksum(revision)
    if (indexed !== undefined) return { revision, checksum: indexed }
    const bytes = readRevision(revision)
    return { revision, checksum: sha256Hex(bytes), bytes }
  }

  /** A file's JavaScript: from the cache, or stripped from its source. */
  private code({ revision, checksum, bytes }: RevisionSource): RevisionCode {
    return this.cache.get(checksum) ?? stripRevision((bytes ?? readRevision(revision)).toString('utf8'), revision.path)
  }

  /** One file as its own script. */
  private async load(source: RevisionSource): Promise<MigrationModule> {
    const { revision, checksum } = source
    const { path } = revision
    let module: Record<string, unknown>
    try {
      const code = this.code(source)
      const evaluated = await evaluateRevision(path, code)
      module = evaluated.exports
      if (evaluated.compiled) this.cache.add(checksum, evaluated.compiled.js, evaluated.compiled.script)
    } catch (error) {
      throw loadError(path, error)
    }
    return migrationModule(path, module, checksum)
  }
}

interface RevisionSource {
  revision: RevisionHeader
  checksum: string
  /** Its content, when read to hash it. */
  bytes?: Buffer
}

function loadError(path: string, error: unknown): StrataError {
  const where = error instanceof SyntaxError ? path : (stackLocation(error, path) ?? path)
  return new StrataError(`migration file ${where} failed to load: ${describeLoadError(error)}`, { code: 'migration-file' })
}

function migrationModule(path: string, module: Record<string, unknown>, checksum: string): MigrationModule {
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
  return sha256Hex(readFileSync(path))
}
