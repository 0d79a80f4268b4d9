/**
 * The compiled-revision cache (node_modules/.cache/strata-db): a run stores what it compiled, an edited file
 * always runs as edited (also an edit that keeps the length, which V8's own code-cache check would miss), a broken
 * or foreign pack is ignored and rewritten, errors from cached code still name the file and line, a dynamic
 * import inside a migration resolves from the file, and STRATA_CACHE_DIR moves or disables the cache. The cache
 * is the same on every dialect, so SQLite is enough.
 */
import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { tableNames } from '../support/inspect.js'
import type { UserProject } from '../support/project.js'
import { type Scenario, createScenario, errorLine, linkUserProject, revId } from '../support/safe-project.js'

const MAGIC = 'strata-revision-cache 1\n'

describe('compiled-revision cache', () => {
  let project: UserProject
  let s: Scenario
  const r1 = revId(1, 'ca')
  const cacheDir = () => join(project.dir, 'node_modules', '.cache', 'strata-db')
  const packs = (dir = cacheDir()) => (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.pack')) : [])

  before(async () => {
    project = linkUserProject('revision-cache')
    s = await createScenario(project, 'sqlite', 'cache')
  })
  after(async () => {
    await s?.db.drop()
    project?.remove()
  })

  const createsTable = (name: string) => ({
    id: r1,
    down: null,
    message: 'create',
    imports: ['integer'],
    up: `  await op.createTable('${name}', { id: integer().primaryKey() })`,
    down_: `  await op.dropTable('${name}')`,
  })

  async function upgradeThenCheck(expected: string[]): Promise<void> {
    const up = await s.strata(['upgrade', 'head'])
    assert.equal(up.code, 0, up.stderr)
    const tables = (await tableNames(s.db)).filter((t) => !t.startsWith('strata_'))
    assert.deepEqual(tables, expected)
    const down = await s.strata(['downgrade', 'base'])
    assert.equal(down.code, 0, down.stderr)
  }

  it('a run stores the files it compiled; an edited file runs as edited, even when its length is unchanged', async () => {
    s.revision(createsTable('t1'))
    await upgradeThenCheck(['t1'])
    assert.equal(packs().length, 1, 'one pack for the versions folder')
    const pack = join(cacheDir(), packs()[0]!)
    assert.equal(readFileSync(pack).subarray(0, MAGIC.length).toString(), MAGIC)
    const sizeAfterFirst = readFileSync(pack).length

    // Same length as before: only a content hash tells the two apart.
    s.revision(createsTable('t2'))
    await upgradeThenCheck(['t2'])
    // A longer edit, and back to the first content (served from the cache).
    s.revision(createsTable('t_longer'))
    await upgradeThenCheck(['t_longer'])
    s.revision(createsTable('t1'))
    await upgradeThenCheck(['t1'])
    assert.ok(readFileSync(pack).length > sizeAfterFirst, 'the pack holds every version it compiled')
  })

  it('a damaged pack, or one from another version of strata, is ignored and rewritten', async () => {
    const pack = join(cacheDir(), packs()[0]!)
    for (const damage of [Buffer.from('garbage'), Buffer.concat([Buffer.from(`${MAGIC}{"code":"strata 0.0.0-other","v8":"0"}\n`), Buffer.alloc(100, 7)]), readFileSync(pack).subarray(0, 200)]) {
      writeFileSync(pack, damage)
      await upgradeThenCheck(['t1'])
      assert.equal(readFileSync(pack).subarray(0, MAGIC.length).toString(), MAGIC, 'rewritten')
    }
  })

  it('an error thrown by cached code names the file and line', async () => {
    const r2 = revId(2, 'ca')
    const file = s.revision({ id: r2, down: r1, message: 'throws', up: `  await op.execute('SELECT 1')\n  throw new Error('boom in upgrade')` })
    const name = file.split('/').pop()!.replace('.', '\\.')
    try {
      // The first run compiles and stores the file; the second runs it from the cache.
      for (let run = 0; run < 2; run++) {
        const result = await s.strata(['upgrade', 'head'])
        assert.equal(result.code, 1)
        assert.match(errorLine(result), new RegExp(`boom in upgrade`))
        assert.match(errorLine(result), new RegExp(`${name}:17`), `run ${run + 1}: ${errorLine(result)}`)
      }
    } finally {
      rmSync(file)
    }
  })

  it('a migration that imports a local module while it runs (import() becomes require) works, cached or not', async () => {
    const r3 = revId(3, 'ca')
    s.write('migrations/helper.cjs', "module.exports = { name: 't_dynamic' }\n")
    const file = s.revision({
      id: r3,
      down: r1,
      message: 'dynamic import',
      imports: ['integer'],
      up: `  const helper = await import('../helper.cjs')\n  await op.createTable(helper.name, { id: integer().primaryKey() })`,
      down_: `  await op.dropTable('t_dynamic')`,
    })
    try {
      for (let run = 0; run < 2; run++) {
        const up = await s.strata(['upgrade', 'head'])
        assert.equal(up.code, 0, up.stderr)
        assert.ok((await tableNames(s.db)).includes('t_dynamic'), `run ${run + 1}`)
        assert.equal((await s.strata(['downgrade', 'base'])).code, 0)
      }
    } finally {
      rmSync(file)
    }
  })

  it('STRATA_CACHE_DIR moves the cache; STRATA_CACHE_DIR=off turns it off', async () => {
    rmSync(cacheDir(), { recursive: true, force: true })
    const elsewhere = mkdtempSync(join(tmpdir(), 'strata-cache-'))
    try {
      const moved = await s.strata(['upgrade', 'head'], { STRATA_CACHE_DIR: elsewhere })
      assert.equal(moved.code, 0, moved.stderr)
      assert.equal(packs(elsewhere).length, 1)
      assert.equal(packs().length, 0)
      assert.equal((await s.strata(['downgrade', 'base'], { STRATA_CACHE_DIR: 'off' })).code, 0)
      assert.equal((await s.strata(['upgrade', 'head'], { STRATA_CACHE_DIR: 'off' })).code, 0)
      assert.equal(packs().length, 0, 'nothing written with the cache off')
      assert.deepEqual((await tableNames(s.db)).filter((t) => !t.startsWith('strata_')), ['t1'])
    } finally {
      rmSync(elsewhere, { recursive: true, force: true })
    }
  })
})
