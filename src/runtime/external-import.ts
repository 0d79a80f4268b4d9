import { createRequire } from 'node:module'

/**
 * `import()` of a module outside strata's own code: a driver, jiti, Prettier, a config file. The CLI runs strata
 * as one CommonJS bundle compiled through `vm.Script` with V8's code cache (src/cli/load-cli.cts), and on Node 20
 * an `import()` inside such a script fails ("A dynamic import callback was not specified"). The CLI's loader
 * therefore registers a function that imports from its own, normally loaded file; everywhere else (the package's
 * ES modules) this is a plain `import()`. Either way the specifier resolves from strata's install folder.
 */
const IMPORT_HOOK = Symbol.for('strata-db.import')

type ImportHook = (specifier: string) => Promise<unknown>

export function importExternal<T>(specifier: string): Promise<T> {
  const hook = (globalThis as { [IMPORT_HOOK]?: ImportHook })[IMPORT_HOOK]
  return (hook ? hook(specifier) : import(specifier)) as Promise<T>
}

/**
 * A CommonJS package (the drivers better-sqlite3, pg and mysql2) as `import()` gives it, `default` being its
 * exports, but loaded with `require`. `import()` of a CommonJS file starts the rest of Node's ES module loader and
 * reads the file a second time for its export names: about 6 ms of every command that opens a database (`strata
 * current`: 86 → 80 ms on a 5,000-revision SQLite history, 58 → 52 ms on an empty PostgreSQL database). `require`
 * resolves from the same folder as `import()` (this file's, or the CLI bundle's, both in strata's install folder).
 * A package that is not installed, or has become an ES module `require` cannot load, is left to `import()`, which
 * loads it or fails exactly as it always did.
 */
export async function importCommonJs<T>(specifier: string): Promise<{ default: T }> {
  let exports: unknown
  try {
    exports = createRequire(import.meta.url)(specifier)
  } catch (error) {
    const code = (error as { code?: string }).code
    if (code === 'MODULE_NOT_FOUND' || code === 'ERR_REQUIRE_ESM' || code === 'ERR_REQUIRE_ASYNC_MODULE') return importExternal(specifier)
    throw error
  }
  // Node 20.19+ and 22.12+ `require` an ES module without top-level await: its namespace, with its own `default`.
  const namespace = (exports as { [Symbol.toStringTag]?: unknown } | null)?.[Symbol.toStringTag] === 'Module'
  return namespace ? (exports as { default: T }) : { default: exports as T }
}
