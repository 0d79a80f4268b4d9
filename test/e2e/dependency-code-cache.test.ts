/**
 * The code cache of the packages a command loads (src/cli/dependency-code-cache.cts, docs/design/cli-loading.md,
 * "Packages"): written after a command, used by the next, never stale, and giving each module what Node's own
 * loader gives it. The mechanism is driven in child processes (it replaces `Module.prototype._compile` for the
 * process); the CLI's use of it through the SQLite driver.
 */
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import Database from 'better-sqlite3'
import { REPO, cacheFiles, linkedCacheDir, linkedSqliteProject, runLinkedCli } from '../support/project.js'

const MECHANISM = join(REPO, 'dist', 'cli', 'dependency-code-cache.cjs')

/** Loads `entry` with the cache in `cacheFile` (read before, written after when it changed); prints a JSON report. */
const HARNESS = `
const { readFileSync, writeFileSync } = require('node:fs')
const { crc32 } = require('node:zlib')
const { installDependencyCodeCache } = require(${JSON.stringify(MECHANISM)})
const [cacheFile, entry] = process.argv.slice(2)
let stored
try { stored = readFileSync(cacheFile) } catch {}
const cache = installDependencyCodeCache(stored, crc32)
Promise.resolve(require(entry).run()).then((value) => {
  const data = cache.serialize()
  if (data) writeFileSync(cacheFile, data)
  process.stdout.write(JSON.stringify({ value, wrote: data !== undefined, names: data ? names(data) : [] }))
})
function names(bytes) {
  const out = []
  // After the format line, 'strata-deps 1' and a line feed.
  for (let at = 14; at < bytes.length; ) {
    const length = bytes.readUInt32LE(at)
    out.push(bytes.toString('utf8', at + 4, at + 4 + length))
    at += 4 + length
    at += 8 + bytes.readUInt32LE(at + 4)
  }
  return out
}
`

interface Report {
  value: unknown
  wrote: boolean
  names: string[]
}

describe('the dependency code cache', () => {
  const dirs: string[] = []
  const tempDir = (label: string) => {
    const dir = mkdtempSync(join(tmpdir(), `strata-deps-cache-${label}-`))
    dirs.push(dir)
    return dir
  }
  after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })))

  /** A folder with node_modules/fake (the package under test) and a harness beside it. */
  function workspace(files: Record<string, string>) {
    const dir = tempDir('mechanism')
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(dir, path, '..'), { recursive: true })
      writeFileSync(join(dir, path), text)
    }
    writeFileSync(join(dir, 'harness.cjs'), HARNESS)
    const run = (entry = 'fake', nodeOptions: string[] = [], env: Record<string, string> = {}): Report => {
      const result = spawnSync(process.execPath, [...nodeOptions, join(dir, 'harness.cjs'), join(dir, 'cache.bin'), entry], {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, ...env },
      })
      assert.equal(result.status, 0, result.stderr)
      return JSON.parse(result.stdout) as Report
    }
    return { dir, run }
  }

  it('compiles a package once, then runs it from the cache without rewriting it', () => {
    const { dir, run } = workspace({
      'node_modules/fake/package.json': '{"name":"fake","main":"index.js"}',
      'node_modules/fake/index.js': "const part = require('./part')\nexports.run = () => part.twice(21)\n",
      'node_modules/fake/part.js': 'exports.twice = (n) => n * 2\n',
    })
    const first = run()
    assert.deepEqual(first, {
      value: 42,
      wrote: true,
      names: [join(dir, 'node_modules', 'fake', 'index.js'), join(dir, 'node_modules', 'fake', 'part.js')],
    })
    assert.deepEqual(run(), { value: 42, wrote: false, names: [] })
  })

  it('keeps the modules another run loaded, so that two runs loading different parts do not rewrite it in turn', () => {
    const { dir, run } = workspace({
      'node_modules/fake/package.json': '{"name":"fake"}',
      'node_modules/fake/a.js': "exports.run = () => 'a'\n",
      'node_modules/fake/b.js': "exports.run = () => 'b'\n",
    })
    const [a, b] = ['a.js', 'b.js'].map((name) => join(dir, 'node_modules', 'fake', name))
    assert.deepEqual(run('fake/a.js'), { value: 'a', wrote: true, names: [a] })
    assert.deepEqual(run('fake/b.js'), { value: 'b', wrote: true, names: [b, a] })
    assert.deepEqual([run('fake/a.js').wrote, run('fake/b.js').wrote], [false, false])
    // A module whose file is gone (a removed package, an old version's folder) is not kept.
    rmSync(a)
    writeFileSync(join(dir, 'node_modules', 'fake', 'c.js'), "exports.run = () => 'c'\n")
    assert.deepEqual(run('fake/c.js'), { value: 'c', wrote: true, names: [join(dir, 'node_modules', 'fake', 'c.js'), b] })
  })

  it('keeps at most 2,000 entries of modules a run did not load', () => {
    const { dir, run } = workspace({
      'node_modules/fake/package.json': '{"name":"fake"}',
      'node_modules/fake/index.js': 'exports.run = () => 5\n',
    })
    // 2,001 stored entries for files that exist but this run does not load (their data is never used).
    const parts = [Buffer.from('strata-deps 1\n')]
    mkdirSync(join(dir, 'node_modules', 'many'))
    for (let i = 0; i < 2001; i++) {
      const file = join(dir, 'node_modules', 'many', `m${i}.js`)
      writeFileSync(file, '')
      const name = Buffer.from(file)
      const fields = Buffer.alloc(12)
      fields.writeUInt32LE(name.length, 0)
      parts.push(fields.subarray(0, 4), name, fields.subarray(4))
    }
    writeFileSync(join(dir, 'cache.bin'), Buffer.concat(parts))
    const report = run()
    assert.equal(report.wrote, true)
    assert.equal(report.names.length, 1 + 2000)
    assert.equal(report.names[0], join(dir, 'node_modules', 'fake', 'index.js'))
  })

  it('never runs the code of an earlier source of the same length (V8 checks only the length)', () => {
    const { dir, run } = workspace({
      'node_modules/fake/package.json': '{"name":"fake"}',
      'node_modules/fake/index.js': "exports.run = () => 'old'\n",
    })
    assert.equal(run().value, 'old')
    assert.equal(run().wrote, false)
    writeFileSync(join(dir, 'node_modules', 'fake', 'index.js'), "exports.run = () => 'new'\n")
    const changed = run()
    assert.deepEqual([changed.value, changed.wrote], ['new', true])
    assert.equal(run().value, 'new')
  })

  it("gives a cached module Node's require, module, __filename and __dirname, import(), and its own name in stack traces", () => {
    const { dir, run } = workspace({
      'node_modules/fake/package.json': '{"name":"fake"}',
      'node_modules/fake/index.js': [
        "'use strict'",
        "const { join } = require('node:path')",
        'const self = this',
        'exports.run = async () => {',
        "  const esm = await require('./dynamic.js')()",
        "  const built = await require('./built.js')('node:path')",
        '  let line',
        "  try { throw new Error('here') } catch (error) { line = /index\\.js:(\\d+)/.exec(error.stack)[1] }",
        '  return {',
        "    resolved: require.resolve('./esm.mjs') === join(__dirname, 'esm.mjs'),",
        "    paths: Array.isArray(require.resolve.paths('x')),",
        '    cache: require.cache[__filename] === module,',
        '    exportsIsThis: self === exports && module.exports === exports,',
        "    file: __filename.endsWith(join('fake', 'index.js')),",
        '    esm: esm.value,',
        '    built: typeof built.join,',
        '    line: Number(line),',
        '  }',
        '}',
      ].join('\n'),
      'node_modules/fake/esm.mjs': 'export const value = 7\n',
      // Left to Node's loader: Node 20 loses a vm script's import() hook when its code comes from cached data.
      'node_modules/fake/dynamic.js': "module.exports = () => import('./esm.mjs')\n",
      // …and so is code built at run time, which may call import() as well.
      'node_modules/fake/built.js': "module.exports = new Function('specifier', 'return im' + 'port(specifier)')\n",
    })
    const expected = { resolved: true, paths: true, cache: true, exportsIsThis: true, file: true, esm: 7, built: 'function', line: 8 }
    const first = run()
    assert.deepEqual(first.value, expected)
    assert.deepEqual(first.names, [join(dir, 'node_modules', 'fake', 'index.js')])
    assert.deepEqual(run(), { value: expected, wrote: false, names: [] })
  })

  it("leaves files outside node_modules, and what it cannot wrap (a hashbang), to Node's loader", () => {
    const { dir, run } = workspace({
      'node_modules/fake/package.json': '{"name":"fake"}',
      'node_modules/fake/index.js': "exports.run = () => require('./cli.js').name + require('../../local.js')\n",
      'node_modules/fake/cli.js': "#!/usr/bin/env node\nexports.name = 'cli'\n",
      'local.js': "module.exports = '+local'\n",
    })
    const first = run()
    assert.equal(first.value, 'cli+local')
    assert.deepEqual(first.names, [join(dir, 'node_modules', 'fake', 'index.js')])
    assert.deepEqual(run(), { value: 'cli+local', wrote: false, names: [] })
  })

  it("leaves every module to Node's loader when source maps are on (it reads them as it compiles)", () => {
    const { run } = workspace({
      'node_modules/fake/package.json': '{"name":"fake"}',
      'node_modules/fake/index.js': 'exports.run = () => 3\n',
    })
    assert.deepEqual(run('fake', ['--enable-source-maps']), { value: 3, wrote: false, names: [] })
    assert.equal(run().wrote, true)
  })

  it("leaves every module to Node's loader when it checks them: coverage on, or a policy", () => {
    const { dir, run } = workspace({
      'node_modules/fake/package.json': '{"name":"fake"}',
      'node_modules/fake/index.js': 'exports.run = () => 4\n',
      'policy.json': '{"onerror":"log","resources":{}}',
    })
    assert.deepEqual(run('fake', [], { NODE_V8_COVERAGE: join(dir, 'coverage') }), { value: 4, wrote: false, names: [] })
    // Node 22.2 removed policies: that case is checked where Node still has them.
    if (process.allowedNodeEnvironmentFlags.has('--experimental-policy'))
      assert.deepEqual(run('fake', [`--experimental-policy=${join(dir, 'policy.json')}`]), { value: 4, wrote: false, names: [] })
    assert.equal(run().wrote, true)
  })

  it('ignores stored data of another layout, or that ends mid-entry', () => {
    const { dir, run } = workspace({
      'node_modules/fake/package.json': '{"name":"fake"}',
      'node_modules/fake/index.js': 'exports.run = () => 1\n',
    })
    run()
    const cache = join(dir, 'cache.bin')
    writeFileSync(cache, readFileSync(cache).subarray(0, 40))
    assert.deepEqual([run().value, run().value], [1, 1])
    writeFileSync(cache, Buffer.concat([Buffer.from('strata-deps 0\n'), readFileSync(cache).subarray(14)]))
    assert.deepEqual(run(), { value: 1, wrote: true, names: [join(dir, 'node_modules', 'fake', 'index.js')] })
  })

  describe('in the CLI', () => {
    function project(): string {
      const dir = linkedSqliteProject('strata-deps-cache-cli-')
      dirs.push(dir)
      new Database(join(dir, 'app.sqlite')).close()
      return dir
    }
    const strata = runLinkedCli
    const cacheDir = linkedCacheDir
    const dependencyCaches = (folder: string) => cacheFiles(folder, 'deps-')

    it('keeps the driver compiled for the next command, and rewrites a damaged file', () => {
      const dir = project()
      assert.equal(strata(dir, ['current']), '')
      const files = dependencyCaches(cacheDir(dir))
      assert.deepEqual(files, [`deps-${process.versions.v8.replace(/[^\w.]/g, '_')}-current.v8`])
      const path = join(cacheDir(dir), files[0]!)
      assert.match(readFileSync(path, 'latin1'), /better-sqlite3/)
      utimesSync(path, new Date(2001, 0, 1), new Date(2001, 0, 1))
      assert.equal(strata(dir, ['current']), '')
      assert.equal(statSync(path).mtime.getFullYear(), 2001)
      const damaged = readFileSync(path)
      damaged[Math.floor(damaged.length / 2)]! ^= 0x01
      writeFileSync(path, damaged)
      assert.equal(strata(dir, ['current']), '')
      assert.notDeepEqual(readFileSync(path), damaged)
    })

    it('removes the files of another V8, follows STRATA_CACHE_DIR, and writes nothing when caching is off', () => {
      const dir = project()
      strata(dir, ['current'], { STRATA_CACHE_DIR: 'off' })
      assert.deepEqual(dependencyCaches(cacheDir(dir)), [])
      strata(dir, ['current'], { STRATA_CACHE_DIR: join(dir, 'elsewhere') })
      assert.equal(dependencyCaches(join(dir, 'elsewhere')).length, 1)
      assert.deepEqual(dependencyCaches(cacheDir(dir)), [])
      mkdirSync(cacheDir(dir), { recursive: true })
      writeFileSync(join(cacheDir(dir), 'deps-0.0.0-current.v8'), 'old')
      strata(dir, ['current'])
      assert.equal(dependencyCaches(cacheDir(dir)).some((name) => name.startsWith('deps-0.0.0-')), false)
      assert.equal(dependencyCaches(cacheDir(dir)).length, 1)
    })
  })
})
