/**
 * The compiled-revision cache (node_modules/.cache/strata-db): a run stores what it compiled, an edited file
 * always runs as edited (also an edit that keeps the length, which V8's own code-cache check would miss), a broken
 * or foreign pack is ignored and rewritten, errors from cached code still name the file and line, a dynamic
 * import inside a migration resolves from the file, and STRATA_CACHE_DIR moves or disables the cache. The cache
 * is the same on every dialect, so SQLite is enough.
 */
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { tableNames } from '../support/inspect.js'
import type { UserProject } from '../support/project.js'
import { type Scenario, createScenario, errorLine, linkUserProject, revId } from '../support/safe-project.js'

const MAGIC = 'strata-revision-cache 2\n'

/** One entry of a pack (format 2): key (sha256 of the file), seal, lengths, JavaScript, V8 code cache. */
interface PackEntry {
  key: Buffer
  seal: Buffer
  js: Buffer
  code: Buffer
}

function readPack(file: string): { header: Buffer; entries: PackEntry[] } {
  const bytes = readFileSync(file)
  const headerEnd = bytes.indexOf(10, MAGIC.length) + 1
  const entries: PackEntry[] = []
  for (let at = headerEnd; at + 72 <= bytes.length; ) {
    const jsLength = bytes.readUInt32LE(at + 64)
    const codeLength = bytes.readUInt32LE(at + 68)
    const js = bytes.subarray(at + 72, at + 72 + jsLength)
    entries.push({ key: bytes.subarray(at, at + 32), seal: bytes.subarray(at + 32, at + 64), js, code: bytes.subarray(at + 72 + jsLength, at + 72 + jsLength + codeLength) })
    at += 72 + jsLength + codeLength
  }
  return { header: bytes.subarray(0, headerEnd), entries }
}

function packBytes(header: Buffer, entries: PackEntry[]): Buffer {
  return Buffer.concat([
    header,
    ...entries.flatMap((e) => {
      const lengths = Buffer.alloc(8)
      lengths.writeUInt32LE(e.js.length, 0)
      lengths.writeUInt32LE(e.code.length, 4)
      return [e.key, e.seal, lengths, e.js, e.code]
    }),
  ])
}

/** The seal strata writes: sha256 over key, lengths, JavaScript and code cache. */
function sealOf(entry: PackEntry): Buffer {
  const lengths = Buffer.alloc(8)
  lengths.writeUInt32LE(entry.js.length, 0)
  lengths.writeUInt32LE(entry.code.length, 4)
  return createHash('sha256').update(entry.key).update(lengths).update(entry.js).update(entry.code).digest()
}

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

  it('a damaged entry (flipped code, flipped code cache, swapped code, a cut) never runs: the file runs, and the entry is rewritten', async () => {
    // The pack holds this file's code for t2 and for t1 (the current content).
    s.revision(createsTable('t2'))
    await upgradeThenCheck(['t2'])
    const file = s.revision(createsTable('t1'))
    const key = createHash('sha256').update(readFileSync(file)).digest()
    await upgradeThenCheck(['t1'])
    const pack = join(cacheDir(), packs()[0]!)
    const own = (entries: PackEntry[]) => entries.find((e) => e.key.equals(key))!
    const sameLengthOther = (entries: PackEntry[]) => entries.find((e) => !e.key.equals(key) && e.js.includes("createTable('t2'"))!
    const damages: Array<[string, (entries: PackEntry[]) => PackEntry[]]> = [
      // The damaged code would create t9 (same length: only a check of the content can tell).
      ['flipped code', (entries) => entries.map((e) => (e === own(entries) ? { ...e, js: Buffer.from(e.js.toString().replace("'t1'", "'t9'")) } : e))],
      ['flipped code cache', (entries) => entries.map((e) => (e === own(entries) ? { ...e, code: Buffer.from(e.code).fill(0x5a, 100, 140) } : e))],
      // Another file's code (it creates t2) and seal under this file's key.
      ['swapped code', (entries) => entries.map((e) => (e === own(entries) ? { ...sameLengthOther(entries), key } : e))],
    ]
    for (const [what, damage] of damages) {
      const { header, entries } = readPack(pack)
      assert.ok(own(entries), `${what}: the pack holds the file's entry`)
      writeFileSync(pack, packBytes(header, damage(entries)))
      await upgradeThenCheck(['t1'])
      const rewritten = own(readPack(pack).entries)
      assert.ok(rewritten.seal.equals(sealOf(rewritten)), `${what}: the entry was rewritten with a valid seal`)
      assert.match(rewritten.js.toString(), /createTable\('t1'/, `${what}: the rewritten entry holds the file's code`)
    }
    // A cut through the file's entry (placed last): the rest of the pack stays usable, the file is compiled again.
    const { header, entries } = readPack(pack)
    const ordered = [...entries.filter((e) => !e.key.equals(key)), own(entries)]
    writeFileSync(pack, packBytes(header, ordered).subarray(0, -Math.floor(own(entries).code.length / 2) - 1))
    const up = await s.strata(['upgrade', 'head'])
    assert.equal(up.code, 0, up.stderr)
    assert.deepEqual((await tableNames(s.db)).filter((t) => !t.startsWith('strata_')), ['t1'])
    assert.ok(own(readPack(pack).entries).seal.equals(sealOf(own(readPack(pack).entries))), 'cut: rewritten')
    const verify = await s.strata(['verify'])
    assert.equal(verify.code, 0, `verify passes: the file's own code ran (${verify.stdout}${verify.stderr})`)
    assert.equal((await s.strata(['downgrade', 'base'])).code, 0)
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

  it('files compiled as one batch: one entry for all of them, errors name the file and line, a damaged batch entry is rewritten', async () => {
    assert.equal((await s.strata(['downgrade', 'base'])).code, 0)
    rmSync(cacheDir(), { recursive: true, force: true })
    const r4 = revId(4, 'ca')
    const r5 = revId(5, 'ca')
    const second = s.revision({ id: r4, down: r1, message: 'second', imports: ['integer'], up: `  await op.createTable('t4', { id: integer().primaryKey() })`, down_: `  await op.dropTable('t4')` })
    const throwing = s.revision({ id: r5, down: r4, message: 'throws later', up: `  await op.execute('SELECT 1')\n  throw new Error('boom in a batch')` })
    const name = throwing.split('/').pop()!.replace('.', '\\.')
    // A batch entry: the line where each file's code starts, then the batch's JavaScript (one array of wrappers).
    const batchEntries = () => readPack(join(cacheDir(), packs()[0]!)).entries.filter((e) => /^\d+(,\d+)*\n\[/.test(e.js.toString()))
    try {
      try {
        // The first run compiles the batch and stores it; the second runs it from the cache.
        for (let run = 0; run < 2; run++) {
          const result = await s.strata(['upgrade', 'head'])
          assert.equal(result.code, 1)
          assert.match(errorLine(result), new RegExp(`${name}:17\\) failed: boom in a batch;`), `run ${run + 1}: ${errorLine(result)}`)
          const { entries } = readPack(join(cacheDir(), packs()[0]!))
          assert.equal(entries.length, 1, `run ${run + 1}: one entry, the batch's`)
          assert.deepEqual(batchEntries().length, 1)
          assert.match(entries[0]!.js.toString(), /createTable\('t1'[^]*createTable\('t4'[^]*boom in a batch/)
          assert.ok(entries[0]!.code.length > 0, 'with its code cache')
        }
      } finally {
        rmSync(throwing)
      }
      // Other files make another batch (and the downgrade, in the other order, a third); a damaged one never runs,
      // and is rewritten.
      await upgradeThenCheck(['t1', 't4'])
      const pack = join(cacheDir(), packs()[0]!)
      assert.equal(batchEntries().length, 3)
      const damages = [(e: PackEntry) => ({ ...e, code: Buffer.from(e.code).fill(0x5a, 100, 140) }), (e: PackEntry) => ({ ...e, js: Buffer.from(e.js.toString().replace("'t4'", "'t9'")) })]
      for (const damage of damages) {
        const { header, entries } = readPack(pack)
        writeFileSync(pack, packBytes(header, entries.map((e) => (batchEntries().some((b) => b.key.equals(e.key)) ? damage(e) : e))))
        await upgradeThenCheck(['t1', 't4'])
        // All were damaged: the two these runs used are whole again; the other is kept as it was, and never used.
        assert.equal(batchEntries().filter((e) => e.seal.equals(sealOf(e))).length, 2, 'the batches these runs used were rewritten')
      }
    } finally {
      rmSync(second)
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
