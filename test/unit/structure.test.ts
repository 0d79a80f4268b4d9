/**
 * The dialect boundary, pinned (docs/design/dialect-registry.md): the same role files in every dialect folder, no
 * dialect-name branches outside src/dialects/, a compiler for every operation kind in every dialect, and a
 * registry that tsc keeps complete (test/unit/structure-types.ts holds the type-level half, checked by typecheck).
 */
import assert from 'node:assert/strict'
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, it } from 'node:test'
import type { Dialect } from '../../src/dialects/dialect.js'
import { dialectNames, dialectRegistry } from '../../src/dialects/registry.js'
import { compilerMembers } from '../../src/dialects/shared/compiler-table.js'
import { ExecuteOp } from '../../src/operations/index.js'
import { loadDialect } from '../../src/runtime/dialects.js'

const root = join(import.meta.dirname, '..', '..')
const src = join(root, 'src')
const dialectsDir = join(src, 'dialects')
const ROLES = ['dialect', 'driver', 'introspector', 'ddl-compiler', 'types', 'canonical', 'lock', 'features']
/** A variant (registry `variantOf`) brings its own connection, lock and capabilities and reuses the rest. */
const VARIANT_ROLES = ['dialect', 'driver', 'lock', 'features']

/** The folder whose compiler, introspector and canonical forms a dialect folder uses: its own, or its parent's. */
function parentOf(folder: string): string | undefined {
  return (dialectRegistry as Record<string, { variantOf?: string }>)[folder]?.variantOf
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? sourceFiles(path) : name.endsWith('.ts') ? [path] : []
  })
}

const dialectFolders = readdirSync(dialectsDir).filter((name) => name !== 'shared' && statSync(join(dialectsDir, name)).isDirectory())

/** Operation kinds, read from the operation classes (`readonly kind = '…'`). */
function operationKinds(): string[] {
  const kinds = sourceFiles(join(src, 'operations')).flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/readonly kind = '(\w+)'/g)].map((m) => m[1]!))
  return [...new Set(kinds)].sort()
}

describe('dialect structure', () => {
  it('the registry lists exactly the dialect folders', () => {
    assert.deepEqual([...dialectFolders].sort(), [...dialectNames].sort())
  })

  it('every dialect folder has the same role files', () => {
    for (const folder of dialectFolders) {
      const files = readdirSync(join(dialectsDir, folder))
      const missing = (parentOf(folder) ? VARIANT_ROLES : ROLES).filter((role) => !files.includes(`${folder}-${role}.ts`))
      assert.deepEqual(missing, [], `src/dialects/${folder}/ lacks role files`)
    }
  })

  it('no dialect-name branches outside src/dialects/', () => {
    const names = dialectNames.join('|')
    const patterns = [
      new RegExp(`[!=]==\\s*'(${names})'`),
      new RegExp(`'(${names})'\\s*[!=]==`),
      new RegExp(`case '(${names})'`),
      /beginSql\s*[!=]==/,
    ]
    const offenders: string[] = []
    for (const file of sourceFiles(src)) {
      if (file.startsWith(dialectsDir)) continue
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (patterns.some((p) => p.test(line))) offenders.push(`${relative(root, file)}:${i + 1}: ${line.trim()}`)
        })
    }
    assert.deepEqual(offenders, [], 'use a capability (dialect.features) or a hook instead')
  })

  it('nothing outside src/dialects/ imports a dialect folder (the registry loads them)', () => {
    const offenders = sourceFiles(src)
      .filter((file) => !file.startsWith(dialectsDir))
      .filter((file) => new RegExp(`dialects/(${dialectFolders.join('|')})/`).test(readFileSync(file, 'utf8')))
    assert.deepEqual(offenders.map((f) => relative(root, f)), [])
  })

  it('a dialect folder imports no other dialect folder (a variant imports its parent only)', () => {
    for (const folder of dialectFolders) {
      const others = dialectFolders.filter((f) => f !== folder && f !== parentOf(folder))
      for (const file of sourceFiles(join(dialectsDir, folder))) {
        const text = readFileSync(file, 'utf8')
        for (const other of others) assert.ok(!text.includes(`'../${other}/`), `${relative(root, file)} imports src/dialects/${other}/`)
      }
    }
  })

  it('every operation kind has a compiler in every dialect, and nothing else does', async () => {
    const kinds = operationKinds()
    assert.ok(kinds.length >= 25, `found ${kinds.length} operation kinds`)
    for (const name of dialectNames) {
      const { compilers } = await loadDialect(name)
      const missing = kinds.filter((kind) => typeof (compilers as Record<string, unknown>)[kind] !== 'function')
      assert.deepEqual(missing, [], `the ${name} dialect has no compiler for these kinds`)
      assert.deepEqual(Object.keys(compilers).sort(), kinds, `the ${name} dialect's compiler table has entries for kinds no operation has`)
    }
  })

  it('compile dispatches through the table, so a variant overrides one kind by spreading its parent\'s table', async () => {
    const context = { offline: true, table: async () => undefined }
    for (const name of dialectNames) {
      const parent = await loadDialect(name)
      const variant: Dialect = { ...parent, ...compilerMembers({ ...parent.compilers, execute: (op) => [`-- ${op.sql}`] }) }
      assert.deepEqual(await variant.compile(new ExecuteOp('SELECT 1'), context), ['-- SELECT 1'])
      assert.deepEqual(await parent.compile(new ExecuteOp('SELECT 1'), context), ['SELECT 1'])
      // Every other kind is still the parent's.
      assert.equal(variant.compilers.dropTable, parent.compilers.dropTable)
    }
  })

  it('each loaded dialect carries its registry entry: name, features', async () => {
    for (const name of dialectNames) {
      const dialect = await loadDialect(name)
      assert.equal(dialect.name, name)
      assert.deepEqual(dialect.features, dialectRegistry[name].features)
      assert.equal(typeof dialect.nowMillisSql, 'string')
    }
  })
})
