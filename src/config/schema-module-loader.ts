import { createHash } from '../runtime/lazy-hash.js'
import { readFileSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { dirname } from 'node:path'
import { importModule } from './module-loader.js'
import { RevisionCache } from './revision-cache.js'
import { evaluateRevision, stripRevision } from './revision-module-loader.js'

/** Every module a file names: static imports, re-exports, `import()`. Over-matching only costs the fast path. */
const SPECIFIER = /\b(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g

/** Modules the fast path serves: strata-db itself (the running instance) and Node built-ins. */
function servedDirectly(specifier: string): boolean {
  return specifier === 'strata-db' || specifier.startsWith('node:') || builtinModules.includes(specifier)
}

/**
 * Loads schema files. A TypeScript schema file that imports only `strata-db` and Node built-ins (the usual one) takes
 * the revision files' path: types stripped by sucrase, compiled with V8's code cache, both kept in a pack under
 * `node_modules/.cache/strata-db/` (a 1,000-table file: jiti's cached load ≈70 ms, a cold jiti/babel transform
 * ≈4 s and 400 MB). Any other file, and any file that fails on that path (a syntax error, a throw while it runs),
 * is loaded by jiti, so what a broken schema file reports is unchanged.
 */
export class SchemaModuleLoader {
  private readonly caches = new Map<string, RevisionCache>()

  async import(path: string): Promise<Record<string, unknown>> {
    const bytes = readFileSync(path)
    const source = bytes.toString('utf8')
    const specifiers = [...source.matchAll(SPECIFIER)].map((m) => m[1]!)
    if (!/\.m?ts$/.test(path) || !specifiers.every(servedDirectly)) return importModule(path)
    const cache = this.cacheFor(dirname(path))
    const hash = createHash('sha256').update(bytes).digest('hex')
    try {
      const code = cache.get(hash) ?? stripRevision(source, path)
      const { exports, compiled } = await evaluateRevision(path, code)
      if (compiled) cache.add(hash, compiled.js, compiled.script)
      // In export-name order, as a module namespace (and jiti) has them: the model lists tables in that order.
      return Object.fromEntries(Object.keys(exports).sort().map((name) => [name, exports[name]]))
    } catch {
      return importModule(path)
    }
  }

  /** Writes what this run compiled (the code caches hold the functions that ran). */
  save(): void {
    for (const cache of this.caches.values()) cache.save()
  }

  private cacheFor(dir: string): RevisionCache {
    let cache = this.caches.get(dir)
    if (!cache) this.caches.set(dir, (cache = RevisionCache.forSchemas(dir)))
    return cache
  }
}
