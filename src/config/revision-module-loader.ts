import { readFileSync } from 'node:fs'
import { builtinModules, createRequire } from 'node:module'
import { dirname } from 'node:path'
import { pathToFileURL } from 'node:url'
import { transform } from 'sucrase'
import { importModule } from './module-loader.js'

/** Thrown by the fast path's `require` for a specifier it does not serve: the file is loaded by jiti instead. */
const NEEDS_FULL_LOADER = Symbol('needs full loader')

let strataApi: Promise<Record<string, unknown>> | undefined

/**
 * Loads a revision file. Revision files import only `strata-db` (and sometimes Node built-ins), so the fast path
 * strips types with sucrase (≈0.1 ms a file, against ≈2 ms for a cold jiti/babel transform: it matters on a
 * 5,000-revision upgrade) and hands `strata-db` the running instance. A file that imports anything else is
 * loaded with jiti, which resolves modules fully.
 */
export async function importRevisionModule(path: string, source = readFileSync(path, 'utf8'), transformed?: string): Promise<Record<string, unknown>> {
  let code: string
  try {
    code = transformed ?? transform(source, { transforms: ['typescript', 'imports'], filePath: path, production: true }).code
  } catch (error) {
    throw syntaxError(error, path)
  }
  strataApi ??= import('../index.js') as Promise<Record<string, unknown>>
  const api = await strataApi
  const module = { exports: {} as Record<string, unknown> }
  const requireFn = (id: string): unknown => {
    if (id === 'strata-db') return api
    if (id.startsWith('node:') || builtinModules.includes(id)) return createRequire(path)(id)
    throw NEEDS_FULL_LOADER
  }
  try {
    // Indirect eval compiles several times faster than vm.compileFunction. The wrapper shares the code's first line,
    // so stack traces give the file's own line numbers; sourceURL gives its path.
    const wrapped = `(function (exports, require, module, __filename, __dirname) {${code}\n})\n//# sourceURL=${pathToFileURL(path).href}`
    const run = (0, eval)(wrapped) as (...args: unknown[]) => void
    run(module.exports, requireFn, module, path, dirname(path))
  } catch (error) {
    if (error === NEEDS_FULL_LOADER) return importModule(path)
    throw error
  }
  return module.exports
}

function syntaxError(error: unknown, path: string): Error {
  const message = error instanceof Error ? error.message : String(error)
  // sucrase reports "Unexpected token (line:column)".
  const at = /\((\d+):(\d+)\)\s*$/.exec(message)
  const text = at ? `${message.replace(/\s*\(\d+:\d+\)\s*$/, '')} at ${path}:${at[1]}:${at[2]}` : `${message} in ${path}`
  return new SyntaxError(text)
}
