import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { dirname } from 'node:path'
import { describe, it } from 'node:test'
import vm from 'node:vm'
import { stripTemplateShape } from '../../../src/config/revision-fast-strip.js'
import { evaluateRevision, folderOf, stripRevision } from '../../../src/config/revision-module-loader.js'
import { renderRevisionFile } from '../../../src/revisions/script-writer.js'
import { seededRandom } from '../../support/seeded-random.js'

const sucrase = createRequire(import.meta.url)('sucrase') as typeof import('sucrase')

const template = renderRevisionFile({
  revision: 'a1',
  downRevision: ['b2', 'c3'],
  branchLabels: ['it\'s'],
  message: 'add <things>',
  imports: ['integer', 'varchar'],
  upgrade: "  await op.createTable('t', { id: integer().primaryKey(), name: varchar({ length: 5 }) })\n  await op.execute(`UPDATE t SET name = 'x'`)",
  downgrade: "  await op.dropTable('t') // a < b",
})

/** Evaluates stripped code the way the loader does; `strata-db` is a stand-in that records the calls. */
function evaluate(js: string): Record<string, unknown> {
  const module = { exports: {} as Record<string, unknown> }
  const api = { integer: () => ({ primaryKey: () => 'pk' }), varchar: (o: unknown) => o }
  const run = vm.runInThisContext(`(function (exports, require, module) {${js}\n})`) as (...args: unknown[]) => void
  run(module.exports, (id: string) => (id === 'strata-db' ? api : assert.fail(`unexpected require ${id}`)), module)
  return module.exports
}

async function operations(exports: Record<string, unknown>, name: 'upgrade' | 'downgrade'): Promise<unknown[]> {
  const calls: unknown[] = []
  const op = new Proxy({}, { get: (_, method) => (...args: unknown[]) => void calls.push([method, ...args]) })
  await (exports[name] as (m: unknown) => Promise<void>)({ op })
  return calls
}

/** The template with its downgrade's statement replaced by `code`. */
const withBody = (code: string) => template.replace("await op.dropTable('t') // a < b", code)

describe('fast type strip of the revision template', () => {
  it('gives what sucrase gives: the same exports, the same operations, every line in place', async () => {
    const fast = stripTemplateShape(template)
    assert.ok(fast, 'the template shape takes the fast path')
    const slow = sucrase.transform(template, { transforms: ['typescript', 'imports'], production: true }).code
    const [a, b] = [evaluate(fast), evaluate(slow)]
    for (const key of ['revision', 'downRevision', 'branchLabels', 'dependsOn']) assert.deepEqual(a[key], b[key], key)
    assert.deepEqual(await operations(a, 'upgrade'), await operations(b, 'upgrade'))
    assert.deepEqual(await operations(a, 'downgrade'), await operations(b, 'downgrade'))
    const lines = template.split('\n')
    const stripped = fast.split('\n')
    const at = lines.findIndex((l) => l.includes('dropTable'))
    assert.equal(stripped[at], lines[at])
  })

  it('leaves to sucrase what would parse as JavaScript with another meaning, or what it does not know', () => {
    for (const code of [
      "await op.query<Row>('SELECT 1')",
      'const x = y as\n  Foo',
      'enum E { A }',
      'const r = /a/g',
      'await op.execute(`UPDATE ${t}`)',
      "await import('node:fs')",
      "const x = 'a' as T",
      'const x = y /* c */ as T',
      'const x = `a` satisfies(T)',
      'asserts x',
      "await op.execute('unclosed)",
      'await op.execute(`unclosed)',
      '/* unclosed',
      'const x = 1 / 2',
    ])
      assert.equal(stripTemplateShape(withBody(code)), undefined, code)
    assert.equal(stripTemplateShape(template.replace("export const dependsOn = null", 'export const dependsOn = null, x = 1')), undefined)
    assert.equal(stripTemplateShape(`${template}\nexport { x }\n`), undefined)
    assert.equal(stripTemplateShape(template.replace(/^import .*$/m, "import fs from 'node:fs'")), undefined)
  })

  it('takes strings, comments and property names that only look like TypeScript', () => {
    for (const code of [
      "await op.execute('a < b as T /* @ */')",
      'await op.execute(`x as T $ $x {`) // as T',
      'const x = y.\n    as\n  /* import <T> */ const z = x.type',
      "const x = \"it's \\\" as T\"",
      'const types = 1, type = 2, as = type',
    ])
      assert.ok(stripTemplateShape(withBody(code)), code)
  })

  it('keeps property names that are TypeScript words, and other named imports (the loader resolves them)', () => {
    const source = template
      .replace("await op.dropTable('t') // a < b", "await op.alterColumn('t', 'c', { type: integer(), readonly: true })")
      .replace(/^import .*$/m, "import { type Migration, integer } from 'strata-db'\nimport { join as joinPath } from 'node:path'")
    const fast = stripTemplateShape(source)
    assert.ok(fast)
    assert.match(fast, /const \{ join: joinPath \} = require\('node:path'\);/)
  })

  it('falls back to sucrase when V8 cannot parse the fast output (TypeScript it does not look for)', async () => {
    const source = template.replace("await op.dropTable('t') // a < b", "const table: string = 't'\n  await op.dropTable(table)")
    const code = stripRevision(source, '/virtual/a1_typed.ts')
    assert.ok(code.source, 'the shape is the template: the fast strip is tried first')
    const evaluated = await evaluateRevision('/virtual/a1_typed.ts', code)
    assert.deepEqual(await operations(evaluated.exports, 'downgrade'), [['dropTable', 't']])
    assert.ok(evaluated.compiled && !evaluated.compiled.js.includes(': string'), 'the cache gets the JavaScript that compiled')
  })
})

describe('the folder a revision file is given as __dirname', () => {
  it('is path.dirname of its path, whatever path came before (remembered folder or not)', () => {
    const tricky = ['/a/b/c.ts', '/a/b/d.ts', '/a/bc/d.ts', '/a/b/c/d.ts', '/a/b//d.ts', '/a/b/', '/a/b/c.ts/', '/x.ts', '/', 'rel/x.ts', 'x.ts', '/a/b/.ts', '/a/b/c.ts']
    for (const path of [...tricky, ...[...tricky].reverse()]) assert.equal(folderOf(path), dirname(path), path)
    const random = seededRandom(16)
    const parts = ['a', 'b', 'ab', '', '.', '..', 'v.ts']
    for (let i = 0; i < 5000; i++) {
      const count = 1 + Math.floor(random() * 4)
      const segments = Array.from({ length: count }, () => parts[Math.floor(random() * parts.length)]!)
      const path = `${random() < 0.8 ? '/' : ''}${segments.join('/')}`
      assert.equal(folderOf(path), dirname(path), `case ${i}: ${path}`)
    }
  })
})
