/**
 * importCommonJs loads a CommonJS driver with `require` but must give what `import()` gives, and leave to
 * `import()` whatever `require` cannot load the same way: a missing module (its error code is the one the
 * driver-missing message looks for) and an ES module, including one `require` refuses (top-level await).
 *
 * The cases run in a plain `node` on the built file (dist/runtime/external-import.js): the test runner's own
 * TypeScript loader hooks `require` and would turn an ES module into CommonJS before strata saw it.
 */
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { after, describe, it } from 'node:test'
import { fileURLToPath, pathToFileURL } from 'node:url'

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..')
const BUILT = pathToFileURL(join(REPO, 'dist', 'runtime', 'external-import.js')).href
const dir = mkdtempSync(join(tmpdir(), 'strata-external-import-'))
after(() => rmSync(dir, { recursive: true, force: true }))

function file(name: string, text: string): string {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}

/** Runs `body` (an async function body that may use `importCommonJs` and `path`) in a plain node; its JSON result. */
function inPlainNode(body: string, path: string): unknown {
  const script = `import { importCommonJs } from ${JSON.stringify(BUILT)}\nconst path = ${JSON.stringify(path)}\nconst result = await (async () => { ${body} })()\nprocess.stdout.write(JSON.stringify(result))\n`
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' })
  assert.equal(run.status, 0, run.stderr)
  assert.equal(run.stderr, '', 'nothing on stderr (no warning either)')
  return JSON.parse(run.stdout)
}

describe('importCommonJs', () => {
  it("gives a CommonJS module's exports as default, the same object import() gives", () => {
    const path = file('driver.cjs', 'module.exports = { connect() { return 42 } }\n')
    const result = inPlainNode('const loaded = await importCommonJs(path); return [loaded.default.connect(), loaded.default === (await import(path)).default]', path)
    assert.deepEqual(result, [42, true])
  })

  it('gives an ES module its own namespace, whether require can load it or only import() can', () => {
    const plain = file('plain.mjs', "export const name = 'plain'\nexport default { kind: 'esm' }\n")
    const awaiting = file('awaiting.mjs', "await Promise.resolve()\nexport const name = 'awaiting'\nexport default { kind: 'tla' }\n")
    // The same module instance as import()'s (require may hand back a namespace with `__esModule` added).
    const body = 'const loaded = await importCommonJs(path); return [loaded.default.kind, loaded.name, loaded.default === (await import(path)).default]'
    assert.deepEqual(inPlainNode(body, plain), ['esm', 'plain', true])
    assert.deepEqual(inPlainNode(body, awaiting), ['tla', 'awaiting', true])
  })

  it('rejects a module that is not there with the code import() gives', () => {
    const body = 'return Promise.all([path, "strata-no-such-driver-package"].map((p) => importCommonJs(p).then(() => "loaded", (e) => e.code)))'
    assert.deepEqual(inPlainNode(body, join(dir, 'absent.cjs')), ['ERR_MODULE_NOT_FOUND', 'ERR_MODULE_NOT_FOUND'])
  })

  it('lets an error thrown while the module loads through, as import() does', () => {
    const path = file('throws.cjs', "throw new Error('driver failed to load')\n")
    assert.equal(inPlainNode('return importCommonJs(path).then(() => "loaded", (e) => e.message)', path), 'driver failed to load')
  })
})
