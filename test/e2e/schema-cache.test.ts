/**
 * Issue 16: a schema file that imports only strata-db is compiled once and kept in a pack
 * (node_modules/.cache/strata-db/schema-*.jspack). The pack never hides an edit (also one that keeps the length),
 * a damaged pack is ignored, the tables come in export-name order as a module namespace lists them, and a file that
 * imports a local module or fails to load goes through jiti as before. The cache is the same on every dialect, so
 * SQLite is enough.
 */
import assert from 'node:assert/strict'
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { importModule } from '../../src/config/module-loader.js'
import { SchemaModuleLoader } from '../../src/config/schema-module-loader.js'
import { createLinkedProject, fails, ok, strata } from '../support/graph-project.js'
import type { UserProject } from '../support/project.js'

const schema = (column: string) => `import { table, integer } from 'strata-db'

export const zebras = table('zebras', { id: integer().primaryKey(), ${column}: integer() })
export const apes = table('apes', { id: integer().primaryKey() })
`

describe('schema file cache', () => {
  let project: UserProject
  const env = () => ({ DATABASE_URL: `sqlite:///${project.path('app.sqlite')}` })
  const cacheDir = () => join(project.dir, 'node_modules', '.cache', 'strata-db')
  const packs = () => (existsSync(cacheDir()) ? readdirSync(cacheDir()).filter((f) => f.endsWith('.jspack')) : [])

  before(() => {
    project = createLinkedProject('schema-cache')
  })
  after(() => project?.remove())

  it('compiles the file once; an edit of the same length is seen; a damaged pack is ignored', async () => {
    project.write('schema.ts', schema('aa'))
    await ok(project, ['revision', '--autogenerate', '-m', 'first', '--rev-id', 'first'], env())
    assert.equal(packs().length, 1, 'one pack for the schema folder')
    await ok(project, ['upgrade', 'head'], env())
    assert.match(await ok(project, ['check'], env()), /No changes detected/)

    project.write('schema.ts', schema('bb'))
    const edited = await strata(project, ['check'], env())
    assert.equal(edited.code, 1, edited.stderr)
    assert.match(edited.stdout, /Detected added column 'zebras.bb'/)

    writeFileSync(join(cacheDir(), packs()[0]!), 'not a pack')
    const damaged = await strata(project, ['check'], env())
    assert.equal(damaged.code, 1, damaged.stderr)
    assert.match(damaged.stdout, /Detected added column 'zebras.bb'/)
  })

  it('lists the exports in export-name order, as jiti (a module namespace) does', async () => {
    const file = project.write('ordered.ts', schema('aa').replace('export const zebras', "export default table('moles', { id: integer().primaryKey() })\nexport const zebras"))
    const fast = Object.keys(await new SchemaModuleLoader().import(file))
    assert.deepEqual(fast, ['apes', 'default', 'zebras'])
    assert.deepEqual(fast, Object.keys(await importModule(file)))
  })

  it('a schema importing a local module, and a broken one, load through jiti with the same errors', async () => {
    project.write('columns.ts', `import { integer } from 'strata-db'\nexport const id = () => integer().primaryKey()\n`)
    project.write('schema.ts', `import { table } from 'strata-db'\nimport { id } from './columns'\n\nexport const apes = table('apes', { id: id() })\n`)
    const local = await strata(project, ['check'], env())
    assert.match(local.stdout, /Detected|No changes detected/, local.stderr)
    project.write('schema.ts', `import { table, integer } from 'strata-db'\n\nexport const apes = table('apes', { id: integer().primaryKey( })\n`)
    await fails(project, ['check'], /^error: schema file .*schema\.ts failed to load: /, env())
    project.write('schema.ts', `import { table, integer } from 'strata-db'\n\nthrow new Error('boom from the schema')\n`)
    await fails(project, ['check'], /^error: schema file .*schema\.ts failed to load: .*boom from the schema/, env())
  })

  it('a large entry (a schema of 400 tables) is sealed from its parts: kept when intact, recompiled when a byte flips', async () => {
    const tables = Array.from({ length: 400 }, (_, i) => `export const t${i} = table('t${i}', { id: integer().primaryKey(), name: varchar({ length: 40 }).notNull() }, (t) => [index().on(t.name)])`)
    const file = project.write('large.ts', `import { table, integer, varchar, index } from 'strata-db'\n\n${tables.join('\n')}\n`)
    const load = async () => {
      const loader = new SchemaModuleLoader()
      const exports = Object.keys(await loader.import(file))
      loader.save()
      return exports
    }
    const before = new Set(packs())
    assert.equal((await load()).length, 400)
    const pack = join(cacheDir(), packs().find((f) => !before.has(f)) ?? packs()[0]!)
    const written = readFileSync(pack)
    assert.ok(written.length > 64 * 1024, `a large entry: ${written.length} bytes`)
    const mtime = () => statSync(pack).mtimeMs
    const first = mtime()
    await new Promise((resolve) => setTimeout(resolve, 30))
    assert.equal((await load()).length, 400)
    assert.equal(mtime(), first, 'an intact entry is used as it is: nothing recompiled, the pack not rewritten')

    // One byte in the JavaScript's half of the pack, one near its end (the code cache): each must be caught.
    for (const at of [Math.floor(written.length * 0.3), written.length - 100]) {
      const damaged = Buffer.from(written)
      damaged[at] = damaged[at]! ^ 0x20
      writeFileSync(pack, damaged)
      assert.equal((await load()).length, 400)
      assert.ok(!readFileSync(pack).equals(damaged), `the entry with byte ${at} flipped is recompiled and the pack rewritten`)
    }
  })
})
