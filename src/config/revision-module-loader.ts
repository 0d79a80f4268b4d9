import { builtinModules, createRequire } from 'node:module'
import { dirname, sep } from 'node:path'
import vm from 'node:vm'
import { importModule } from './module-loader.js'
import { type RevisionWrapper, WRAPPER_HEAD, WRAPPER_TAIL } from './revision-batch.js'
import { stripTemplateShape } from './revision-fast-strip.js'

/** Thrown by the fast path's `require` for a specifier it does not serve: the file is loaded by jiti instead. */
const NEEDS_FULL_LOADER = Symbol('needs full loader')

let strataApi: Promise<Record<string, unknown>> | undefined

/** A revision file's JavaScript (types stripped), with V8's code cache for it when a cache had one. */
export interface RevisionCode {
  js: string
  /** Absent when compiled in this run, or dropped from a pack written by another V8. */
  codeCache?: Buffer
  /** The TypeScript, when `js` is the fast strip's: if V8 cannot parse it, sucrase strips the file instead. */
  source?: string
}

export interface EvaluatedRevision {
  exports: Record<string, unknown>
  /** The script and its JavaScript, when compiled here without a usable code cache (the cache can store them). */
  compiled?: { js: string; script: vm.Script }
}

type Sucrase = typeof import('sucrase')

let sucrase: Sucrase | undefined

/**
 * The file's TypeScript as CommonJS-style JavaScript: the fast strip for the template's plain shape
 * (revision-fast-strip.ts), sucrase for anything else.
 */
export function stripRevision(source: string, path: string): RevisionCode {
  const fast = stripTemplateShape(source)
  return fast === undefined ? { js: sucraseStrip(source, path) } : { js: fast, source }
}

/**
 * The file's TypeScript as CommonJS-style JavaScript: types stripped, imports turned into `require` calls. sucrase
 * keeps every line where it was, so stack traces point at the file's own lines; it is loaded on first use (a run
 * whose files are all in the compiled-revision cache never needs it). A syntax error names file, line and column.
 */
function sucraseStrip(source: string, path: string): string {
  sucrase ??= createRequire(import.meta.url)('sucrase') as Sucrase
  try {
    return sucrase.transform(source, { transforms: ['typescript', 'imports'], filePath: path, production: true }).code
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    // sucrase reports "Unexpected token (line:column)".
    const at = /\((\d+):(\d+)\)\s*$/.exec(message)
    throw new SyntaxError(at ? `${message.replace(/\s*\(\d+:\d+\)\s*$/, '')} at ${path}:${at[1]}:${at[2]}` : `${message} in ${path}`)
  }
}

/**
 * Evaluates a revision file. Revision files import only `strata-db` (and sometimes Node built-ins), so the fast
 * path strips types with sucrase (≈0.1 ms a file, against ≈2 ms for a cold jiti/babel transform: it matters on
 * a 5,000-revision upgrade), compiles the result as a script named after the file (so stack traces give its own
 * path and lines), and hands `strata-db` the running instance. A file that imports anything else is loaded with
 * jiti, which resolves modules fully.
 */
export async function evaluateRevision(path: string, code: RevisionCode): Promise<EvaluatedRevision> {
  let script: vm.Script
  try {
    script = compileRevision(path, code)
  } catch (error) {
    if (code.source === undefined) throw error
    // TypeScript the fast strip could not see: sucrase strips the file (and names a real syntax error).
    code = { js: sucraseStrip(code.source, path) }
    script = compileRevision(path, code)
  }
  const exports = await runRevisionWrapper(path, script.runInThisContext() as RevisionWrapper)
  return { exports, ...(code.codeCache && !script.cachedDataRejected ? {} : { compiled: { js: code.js, script } }) }
}

/**
 * Runs a revision file's compiled wrapper: its exports. `strata-db` is the running instance; a file that imports
 * anything else (statically) is loaded with jiti instead, which resolves modules fully.
 */
export async function runRevisionWrapper(path: string, wrapper: RevisionWrapper): Promise<Record<string, unknown>> {
  strataApi ??= import('../index.js') as Promise<Record<string, unknown>>
  const api = await strataApi
  const module = { exports: {} as Record<string, unknown> }
  let evaluated = false
  const requireFn = (id: string): unknown => {
    if (id === 'strata-db') return api
    // Node built-ins, and anything a migration imports dynamically while it runs (sucrase turns `import()` into
    // `require`): Node's own resolution. A static import of anything else needs jiti (below).
    if (evaluated || id.startsWith('node:') || builtinModules.includes(id)) return createRequire(path)(id)
    throw NEEDS_FULL_LOADER
  }
  try {
    wrapper(module.exports, requireFn, module, path, folderOf(path))
    evaluated = true
  } catch (error) {
    if (error === NEEDS_FULL_LOADER) return await importModule(path)
    throw error
  }
  return module.exports
}

let lastFolder = ''

/**
 * `path.dirname`, remembered: a run's files share one folder. 5,000 calls of Node 20's `dirname` (and of the
 * argument check it wraps) are enough for TurboFan to compile both, on a path that then never runs again.
 */
export function folderOf(path: string): string {
  const folder = lastFolder
  const after = folder.length
  // The same folder: `path` is `folder/name`, with no other separator in `name`. Anything else goes to dirname.
  if (sep === '/' && after > 1 && path.startsWith(folder) && path.charCodeAt(after) === 47 && path.indexOf('/', after + 1) === -1 && path.length > after + 1) return folder
  return (lastFolder = dirname(path))
}

function compileRevision(path: string, code: RevisionCode): vm.Script {
  try {
    // The wrapper shares the code's first line, so line numbers are the file's own.
    return new vm.Script(`${WRAPPER_HEAD}${code.js}${WRAPPER_TAIL}`, {
      filename: path,
      ...(code.codeCache ? { cachedData: code.codeCache } : {}),
    })
  } catch (error) {
    // V8 puts the location on the stack's first line ("/path/file.ts:12").
    const where = error instanceof SyntaxError ? /^(.*:\d+)\n/.exec(error.stack ?? '')?.[1] : undefined
    if (where) throw new SyntaxError(`${error instanceof Error ? error.message : String(error)} at ${where}`)
    throw error
  }
}
