import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import Module = require('node:module')
import { dirname, join, resolve } from 'node:path'
import { Script } from 'node:vm'
import { installDependencyCodeCache } from './dependency-code-cache.cjs'

/**
 * Loads the CLI's bundle (dist/cli/strata-cli.cjs, made by scripts/bundle.mjs) the way Node loads a CommonJS file,
 * but compiled through `vm.Script` with V8's code cache: Node 20 caches no compiled code of its own, and compiling
 * the program (and resolving and loading it as ES modules) was most of what a short command such as
 * `strata current` cost over bare Node. Design: docs/design/cli-loading.md.
 *
 * One cache file per command (each compiles different functions), in `node_modules/.cache/strata-db/` of the
 * project the command runs in (or `STRATA_CACHE_DIR`; `off` turns it off), named after the bundle's content hash
 * and V8's version. V8 rejects a cache made by another V8 or with other flags; anything unreadable is ignored. The
 * cache is only ever an optimisation: without it the bundle is compiled as usual, and the cache written afterwards.
 */

const BUNDLE = join(__dirname, 'strata-cli.cjs')
/** Symbol.for: the same key src/runtime/external-import.ts reads. */
const IMPORT_HOOK = Symbol.for('strata-db.import')

type Program = { main: (argv: string[]) => Promise<number> }

export function runCli(argv: string[]): void {
  // `import()` works here (a file Node compiled), not inside a script compiled from a code cache: the bundle
  // imports drivers, jiti and config files through this.
  Object.defineProperty(globalThis, IMPORT_HOOK, { value: (specifier: string) => import(specifier) })
  // ASCII by construction (scripts/bundle.mjs): read as one byte per character, without decoding UTF-8.
  const source = readFileSync(BUNDLE, 'latin1')
  const cacheFile = codeCacheFile(argv)
  const cachedData = cacheFile ? readChecked(cacheFile) : undefined
  const script = new Script(Module.wrap(source), { filename: BUNDLE, ...(cachedData ? { cachedData } : {}) })
  const program = evaluate(script)
  const dependencies = dependencyCache(argv)
  const saveCache = () => {
    if (cacheFile && (!cachedData || script.cachedDataRejected)) writeCodeCache(cacheFile, script.createCachedData())
    dependencies?.save()
  }
  program.main(argv).then(
    (code) => {
      process.exitCode = code
      saveCache()
    },
    () => {
      process.exitCode = 1
    },
  )
}

/** Runs the bundle's module body as Node's CommonJS loader would, and registers it under its file name. */
function evaluate(script: Script): Program {
  const loader = Module as unknown as { _cache: Record<string, Module>; _nodeModulePaths: (dir: string) => string[] }
  const module = new Module(BUNDLE)
  module.filename = BUNDLE
  module.paths = loader._nodeModulePaths(__dirname)
  loader._cache[BUNDLE] = module
  const body = script.runInThisContext() as (...args: unknown[]) => void
  body.call(module.exports, module.exports, Module.createRequire(BUNDLE), module, BUNDLE, __dirname)
  module.loaded = true
  return module.exports as Program
}

/**
 * The cache's data when its CRC-32 trailer matches. V8 checks a code cache's version, flags and lengths, but not its
 * content (release builds skip the checksum), and would run damaged bytecode; a file that fails is compiled afresh
 * and rewritten. Without `zlib.crc32` (Node before 20.15) the cache is not used.
 */
function readChecked(file: string): Buffer | undefined {
  const bytes = readQuietly(file)
  const crc32 = crc32Function()
  if (!bytes || !crc32 || bytes.length < 4) return undefined
  const data = bytes.subarray(0, bytes.length - 4)
  return crc32(data) === bytes.readUInt32LE(bytes.length - 4) ? data : undefined
}

function crc32Function(): ((data: Buffer | string) => number) | undefined {
  // Required here, not at the top: only a command that reads or writes a code cache needs zlib.
  const zlib = require('node:zlib') as { crc32?: (data: Buffer | string) => number }
  return typeof zlib.crc32 === 'function' ? zlib.crc32 : undefined
}

function readQuietly(file: string): Buffer | undefined {
  try {
    return readFileSync(file)
  } catch {
    return undefined
  }
}

/** `cli-<bundle hash>-<v8>-<command>.v8` in the cache folder, or undefined when caching is off or there is none. */
function codeCacheFile(argv: string[]): string | undefined {
  const folder = cacheFolder()
  const key = readQuietly(join(__dirname, 'strata-cli.key'))?.toString('utf8').trim()
  if (!folder || !key) return undefined
  return join(folder, `${cachePrefix(key)}${commandOf(argv)}.v8`)
}

function commandOf(argv: string[]): string {
  return argv.slice(2).find((arg) => /^[a-z][a-z-]*$/.test(arg)) ?? 'none'
}

function cachePrefix(key: string): string {
  return `cli-${key}-${v8Version()}-`
}

function v8Version(): string {
  return process.versions.v8.replace(/[^\w.]/g, '_')
}

/**
 * The code cache of the packages the command loads (dependency-code-cache.cts), in
 * `deps-<v8>-<command>.v8` beside the CLI's: read now, written after the command when it changed.
 */
function dependencyCache(argv: string[]): { save(): void } | undefined {
  const folder = cacheFolder()
  const crc32 = crc32Function()
  if (!folder || !crc32) return undefined
  const file = join(folder, `deps-${v8Version()}-${commandOf(argv)}.v8`)
  const cache = installDependencyCodeCache(readChecked(file), crc32)
  return { save: () => saveDependencyCache(file, cache.serialize()) }
}

function saveDependencyCache(file: string, data: Buffer | undefined): void {
  if (data) writeChecked(file, data, 'deps-')
}

/** The rule of src/revisions/cache-location.ts, restated: this runs before the bundle that holds it is loaded. */
function cacheFolder(): string | undefined {
  const env = process.env.STRATA_CACHE_DIR
  if (env !== undefined && env !== '') return env === 'off' ? undefined : resolve(env)
  for (let dir = process.cwd(); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'node_modules'))) return join(dir, 'node_modules', '.cache', 'strata-db')
    if (dirname(dir) === dir) return undefined
  }
}

function writeCodeCache(file: string, data: Buffer): void {
  writeChecked(file, data, 'cli-')
}

/**
 * Written whole or not at all (a temp file renamed), with a CRC-32 trailer (`readChecked`). The other files of the
 * same `family` made for another bundle or V8 (a different `<family><key>-` prefix: `cli-<hash>-<v8>-` or
 * `deps-<v8>-`) are removed.
 */
function writeChecked(file: string, data: Buffer, family: 'cli-' | 'deps-'): void {
  const crc32 = crc32Function()
  if (!crc32) return
  const temp = `${file}.${process.pid}.tmp`
  try {
    mkdirSync(dirname(file), { recursive: true })
    const trailer = Buffer.alloc(4)
    trailer.writeUInt32LE(crc32(data), 0)
    writeFileSync(temp, Buffer.concat([data, trailer]))
    renameSync(temp, file)
    const name = file.slice(dirname(file).length + 1)
    const prefix = family === 'cli-' ? /^(cli-[^-]+-[^-]+-)/.exec(name)?.[1] : `deps-${v8Version()}-`
    for (const other of readdirSync(dirname(file)))
      if (other.startsWith(family) && other.endsWith('.v8') && !other.startsWith(prefix ?? other)) rmSync(join(dirname(file), other), { force: true })
  } catch {
    rmSync(temp, { force: true })
  }
}
