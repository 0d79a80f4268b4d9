import { existsSync } from 'node:fs'
import Module = require('node:module')
import { dirname, sep } from 'node:path'
import { Script } from 'node:vm'

/**
 * V8's code cache for the CommonJS packages a command loads from node_modules: the database drivers above all.
 * Node 20 caches no compiled code, and compiling mysql2's 90 modules was about a fifth of what loading it cost
 * (10 of 45 ms, the largest piece of `strata check` on MariaDB that was not strata's own). Design:
 * docs/design/cli-loading.md, "Packages".
 *
 * While a command runs, `Module.prototype._compile` compiles such a module through `vm.Script` with the cached data
 * stored for it, and runs it as Node's loader would. After the command, when anything had to be compiled afresh,
 * the caller writes one file with the data of every module the command compiled, and of those stored before that
 * it did not load. Each entry carries a CRC-32 of its module's source: V8 checks only a source's length, and an
 * upgraded package must never run the old bytecode.
 * Anything this cannot do exactly as Node would goes to Node's own `_compile`: a module that may call `import()`,
 * directly or from code it builds at run time (Node 20 loses a vm script's import hook when the script comes from
 * cached data), one Node compiles as something other than CommonJS, one V8 rejects inside the wrapper (a hashbang),
 * and every module when Node does more per module than compile it: source maps on (`--enable-source-maps`, or
 * coverage with NODE_V8_COVERAGE), or a policy (`--experimental-policy`) to check each file against.
 */

type Crc32 = (data: Buffer | string) => number

interface Entry {
  crc: number
  data: Buffer
}

interface Compiled {
  filename: string
  crc: number
  /** The stored data when V8 accepted it, else the script to take new data from. */
  reuse: Buffer | Script
}

type CompileFunction = (this: Module, content: string, filename: string, format?: string) => unknown

interface Loader {
  prototype: { _compile: CompileFunction }
  _cache: Record<string, Module>
  _extensions: Record<string, unknown>
  _resolveFilename(request: string, parent: Module, isMain: boolean, options?: unknown): string
  _resolveLookupPaths(request: string, parent: Module): string[] | null
}

const PACKAGES = `${sep}node_modules${sep}`
/**
 * `import(`, or code built at run time (`eval`, `Function`), anywhere, comments and strings included: such a
 * module only misses the cache (5 small modules of the three drivers and their dependencies).
 */
const MAY_IMPORT = /\bimport\s*\(|\beval\b|\bFunction\b/
/** The file's first bytes: another layout is ignored (and rewritten). */
const FORMAT = Buffer.from('strata-deps 1\n', 'latin1')
/** Stored entries of modules a run did not load are kept up to this many (beyond, the file would only grow). */
const MAX_KEPT = 2000

export interface DependencyCodeCache {
  /** The cache's content for the next command: written when any module was compiled without usable data. */
  serialize(): Buffer | undefined
}

/**
 * Compiles the node_modules packages loaded from now on with the data in `stored` (a file's content, or undefined).
 * Does nothing under a policy or with coverage on (`nodeChecksModules`).
 */
export function installDependencyCodeCache(stored: Buffer | undefined, crc32: Crc32): DependencyCodeCache {
  if (nodeChecksModules()) return { serialize: () => undefined }
  const loader = Module as unknown as Loader
  const entries = stored ? parseEntries(stored) : new Map<string, Entry>()
  const compiled = new Map<string, Compiled>()
  let fresh = false
  const nodeCompile = loader.prototype._compile
  loader.prototype._compile = function compileWithCache(this: Module, content: string, filename: string, format?: string) {
    if (!cacheable(content, filename, format)) return nodeCompile.call(this, content, filename, format)
    const crc = crc32(content)
    const entry = entries.get(filename)
    const cachedData = entry && entry.crc === crc ? entry.data : undefined
    let script: Script
    try {
      script = new Script(Module.wrap(content), { filename, ...(cachedData ? { cachedData } : {}) })
    } catch {
      // Nothing has run yet: Node's loader compiles it its own way (module syntax, a hashbang) or reports the error.
      return nodeCompile.call(this, content, filename, format)
    }
    const accepted = cachedData !== undefined && !script.cachedDataRejected
    if (!accepted) fresh = true
    compiled.set(filename, { filename, crc, reuse: accepted ? cachedData : script })
    const body = script.runInThisContext({ displayErrors: true }) as (...args: unknown[]) => unknown
    return body.call(this.exports, this.exports, requireFor(this, loader), this, filename, dirname(filename))
  }
  return {
    serialize: () => (fresh ? serializeEntries([...compiled.values(), ...unused(entries, compiled)]) : undefined),
  }
}

/** A policy checks each file as Node compiles it; coverage (NODE_V8_COVERAGE) keeps each module's source map. */
function nodeChecksModules(): boolean {
  if (process.env.NODE_V8_COVERAGE) return true
  const options = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)]
  return options.some((option) => /^--(experimental-policy|policy-integrity)\b/.test(option))
}

function cacheable(content: unknown, filename: string, format: string | undefined): content is string {
  // With --enable-source-maps Node reads each module's source map as it compiles it: its loader keeps that.
  if (process.sourceMapsEnabled || (format !== undefined && format !== 'commonjs')) return false
  return filename.includes(PACKAGES) && typeof content === 'string' && !MAY_IMPORT.test(content)
}

/** The `require` Node gives a module (lib/internal/modules/helpers.js, makeRequireFunction), for `module`. */
function requireFor(module: Module, loader: Loader): NodeJS.Require {
  const require = ((id: string) => module.require(id)) as NodeJS.Require
  const resolve = ((request: string, options?: unknown) => loader._resolveFilename(request, module, false, options)) as NodeJS.RequireResolve
  resolve.paths = (request: string) => loader._resolveLookupPaths(request, module)
  require.resolve = resolve
  require.main = process.mainModule
  require.extensions = loader._extensions as NodeJS.Require['extensions']
  require.cache = loader._cache as NodeJS.Require['cache']
  return require
}

// The file: FORMAT, then entries of [u32 name length][name, UTF-8][u32 source CRC-32][u32 data length][data],
// little-endian. The caller adds and checks a CRC-32 of the whole (load-cli.cts), so a damaged file never gets here.

function parseEntries(bytes: Buffer): Map<string, Entry> {
  const entries = new Map<string, Entry>()
  if (!bytes.subarray(0, FORMAT.length).equals(FORMAT)) return entries
  let at = FORMAT.length
  while (at + 12 <= bytes.length) {
    const nameLength = bytes.readUInt32LE(at)
    const name = bytes.toString('utf8', at + 4, at + 4 + nameLength)
    at += 4 + nameLength
    if (at + 8 > bytes.length) break
    const crc = bytes.readUInt32LE(at)
    const length = bytes.readUInt32LE(at + 4)
    at += 8
    if (at + length > bytes.length) break
    entries.set(name, { crc, data: bytes.subarray(at, at + length) })
    at += length
  }
  return entries
}

/**
 * The stored entries of modules this run did not load (a driver loads some parts only on some paths, an
 * authentication plugin say): kept, so that two commands loading different parts do not rewrite the file in turn.
 * Not those of files that are gone (a removed package, an old version's pnpm folder), and at most MAX_KEPT.
 */
function unused(entries: Map<string, Entry>, compiled: Map<string, Compiled>): Compiled[] {
  const kept: Compiled[] = []
  for (const [filename, { crc, data }] of entries) {
    if (kept.length === MAX_KEPT) break
    if (!compiled.has(filename) && existsSync(filename)) kept.push({ filename, crc, reuse: data })
  }
  return kept
}

function serializeEntries(compiled: readonly Compiled[]): Buffer {
  const parts: Buffer[] = [FORMAT]
  for (const { filename, crc, reuse } of compiled) {
    const data = reuse instanceof Script ? reuse.createCachedData() : reuse
    const name = Buffer.from(filename, 'utf8')
    const header = Buffer.alloc(4)
    header.writeUInt32LE(name.length, 0)
    const fields = Buffer.alloc(8)
    fields.writeUInt32LE(crc, 0)
    fields.writeUInt32LE(data.length, 4)
    parts.push(header, name, fields, data)
  }
  return Buffer.concat(parts)
}
