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
