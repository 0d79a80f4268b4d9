/**
 * The dialect boundary, pinned (docs/design/dialect-registry.md): the same role files in every dialect folder, no
 * dialect-name branches outside src/dialects/, a compiler for every operation kind in every dialect, and a
 * registry that tsc keeps complete (test/unit/structure-types.ts holds the type-level half, checked by typecheck).
 */
import assert from 'node:assert/strict'
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, it } from 'node:test'
import { dialectNames, dialectRegistry } from '../../src/dialects/registry.js'
import { loadDialect } from '../../src/runtime/dialects.js'

const root = join(import.meta.dirname, '..', '..')
const src = join(root, 'src')
const dialectsDir = join(src, 'dialects')
const ROLES = ['dialect', 'driver', 'introspector', 'ddl-compiler', 'types', 'canonical', 'lock', 'features']

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
      const missing = ROLES.filter((role) => !files.includes(`${folder}-${role}.ts`))
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

  it('a dialect folder imports no other dialect folder', () => {
    for (const folder of dialectFolders) {
      const others = dialectFolders.filter((f) => f !== folder)
      for (const file of sourceFiles(join(dialectsDir, folder))) {
        const text = readFileSync(file, 'utf8')
        for (const other of others) assert.ok(!text.includes(`'../${other}/`), `${relative(root, file)} imports src/dialects/${other}/`)
      }
    }
  })

  it('every operation kind has a compiler case in every dialect', () => {
    const kinds = operationKinds()
    assert.ok(kinds.length >= 25, `found ${kinds.length} operation kinds`)
    for (const folder of dialectFolders) {
      const text = sourceFiles(join(dialectsDir, folder))
        .filter((f) => f.includes('compiler'))
        .map((f) => readFileSync(f, 'utf8'))
        .join('\n')
      const missing = kinds.filter((kind) => !text.includes(`case '${kind}'`))
      assert.deepEqual(missing, [], `src/dialects/${folder}/ has no compiler for these kinds`)
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
