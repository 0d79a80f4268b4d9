/**
 * The header index (node_modules/.cache/strata-db/headers-*.bin) never shows a stale graph: a file edited in
 * place (even with its size and mtime put back), added, removed or renamed is read again; a damaged index is
 * ignored and rewritten; `verify` still sees an applied file that changed; STRATA_CACHE_DIR=off writes none.
 * The index is the same on every dialect, so SQLite is enough.
 */
import assert from 'node:assert/strict'
import { existsSync, readFileSync, readdirSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { after, before, describe, it } from 'node:test'
import { decodeIndex, encodeIndex } from '../../src/revisions/header-index-file.js'
import type { UserProject } from '../support/project.js'
import { type Scenario, createScenario, linkUserProject, revId } from '../support/safe-project.js'

/** Files younger than this are not indexed (their next change could keep size and times): wait it out. */
const RACY_WAIT_MS = 2100
/** The JSON part of the index file, which the tests damage. */
interface IndexFile {
  stamp: string
  names: string
  revisions: unknown[]
  downRevisions: unknown[]
  messages: string
  createDates: string
  extras: unknown[]
}

function readIndex(path: string): { meta: IndexFile; count: number; stats: Float64Array; checksums: Buffer } {
  const parts = decodeIndex(readFileSync(path))
  assert.ok(parts, 'the index file is whole')
  return { ...parts, meta: parts.meta as IndexFile }
}
/** A whole second: put back with utimes exactly (a fractional one would come back rounded and give the edit away). */
const MTIME = 1_767_000_000

describe('header index', () => {
  let project: UserProject
  let s: Scenario
  const [a, b, c, d] = [1, 2, 3, 4].map((n) => revId(n, 'e'))
  const files = new Map<string, string>()
  const indexDir = () => join(project.dir, 'node_modules', '.cache', 'strata-db')
  const indexFiles = () => (existsSync(indexDir()) ? readdirSync(indexDir()).filter((f) => f.startsWith('headers-')) : [])

  async function out(args: string[], env: Record<string, string> = {}): Promise<string> {
    const result = await s.strata(args, env)
    assert.equal(result.code, 0, `strata ${args.join(' ')}: ${result.stderr}`)
    return result.stdout
  }
  const headsOf = async () => (await out(['heads'])).trim().split('\n').map((line) => line.split(' ')[0])

  function add(id: string, down: string | null, message = `step ${id}`) {
    const file = s.revision({ id, down, message, imports: ['integer'], up: `  await op.createTable('t_${id}', { id: integer().primaryKey() })`, down_: `  await op.dropTable('t_${id}')` })
    utimesSync(file, MTIME, MTIME)
    files.set(id, file)
  }
  /** Rewrites a file in place with the same length, then puts its mtime back: only the ctime tells. */
  function editKeepingSizeAndMtime(file: string, from: string, to: string) {
    const before = statSync(file)
    assert.equal(from.length, to.length)
    writeFileSync(file, readFileSync(file, 'utf8').replace(from, to))
    utimesSync(file, MTIME, MTIME)
    assert.deepEqual([statSync(file).size, statSync(file).mtimeMs], [before.size, before.mtimeMs], 'size and mtime as before')
  }

  before(async () => {
    project = linkUserProject('header-index')
    s = await createScenario(project, 'sqlite', 'index')
    add(a, null)
    add(b, a)
    add(c, b)
    await sleep(RACY_WAIT_MS)
    assert.deepEqual(await headsOf(), [c])
    assert.equal(indexFiles().length, 1, 'the index was written')
  })
  after(async () => {
    await s?.db.drop()
    project?.remove()
  })

  it('a file edited in place, with its size and mtime put back, is read again', async () => {
    const file = files.get(c)!
    // c now revises a instead of b, so b becomes a head too.
    editKeepingSizeAndMtime(file, `downRevision = '${b}'`, `downRevision = '${a}'`)
    assert.deepEqual((await headsOf()).sort(), [b, c].sort())
    writeFileSync(file, readFileSync(file, 'utf8').replace(`downRevision = '${a}'`, `downRevision = '${b}'`))
    assert.deepEqual(await headsOf(), [c])
  })

  it('added, removed and renamed files are seen', async () => {
    add(d, c)
    assert.deepEqual(await headsOf(), [d])
    const renamed = files.get(d)!.replace(/\.ts$/, '_renamed.ts')
    renameSync(files.get(d)!, renamed)
    assert.match(await out(['history', '-v']), /_renamed\.ts/)
    rmSync(renamed)
    assert.deepEqual(await headsOf(), [c])
  })

  it('a damaged index is ignored and rewritten', async () => {
    await sleep(RACY_WAIT_MS)
    await headsOf()
    const index = join(indexDir(), indexFiles()[0]!)
    const whole = readIndex(index)
    const good = whole.meta
    assert.equal(good.revisions.length, 3, 'three files indexed')
    const encode = (meta: object, count = whole.count) => encodeIndex(meta, count, whole.stats, whole.checksums)
    const cName = files.get(c)!.split('/').pop()!
    const position = good.names.split('\n').indexOf(cName)
    const withEntry = (column: 'revisions' | 'downRevisions', value: unknown) => {
      const damaged = structuredClone(good)
      damaged[column][position] = value
      return damaged
    }
    // A parent is written as the position of its entry: a position no entry has is damage, not a header.
    assert.equal(typeof good.downRevisions[position], 'number', "c's parent is written as a position")
    const goodBytes = readFileSync(index)
    const wrongJson = Buffer.from(goodBytes)
    wrongJson.write('{"stamp":', 8)
    const damages: [string, Buffer][] = [
      ['empty', Buffer.alloc(0)],
      ['JSON text instead of bytes', Buffer.from(JSON.stringify(good))],
      ['cut short', goodBytes.subarray(0, goodBytes.length - 1)],
      ['one byte longer', Buffer.concat([goodBytes, Buffer.alloc(1)])],
      ['a count that disagrees with the columns', encode(good, 2)],
      ['damaged JSON', wrongJson],
      ['another stamp', encode({ ...good, stamp: 'header-index 0' })],
      ['a parent position no entry has', encode(withEntry('downRevisions', 42))],
      ['a parent that is an object', encode(withEntry('downRevisions', { id: a }))],
      ['a revision that is a number', encode(withEntry('revisions', 7))],
      ['names renamed', encode({ ...good, names: good.names.replace(cName, 'zzz.ts') })],
      ['one message too many', encode({ ...good, messages: `${good.messages}\nextra` })],
      ['a column too short', encode({ ...good, revisions: good.revisions.slice(1) })],
      ['one create date too many', encode({ ...good, createDates: `${good.createDates}\nextra` })],
      ['one name too few', encode({ ...good, names: good.names.slice(good.names.indexOf('\n') + 1) })],
      ['a damaged label list', encode({ ...good, extras: [[position, 'label', []]] })],
    ]
    for (const [damage, bytes] of damages) {
      writeFileSync(index, bytes)
      assert.deepEqual(await headsOf(), [c], damage)
      assert.equal(readIndex(index).meta.revisions.length, 3, `rewritten whole after: ${damage}`)
    }
  })

  it('an index that lies about a header, with the file unchanged, is believed only while the stats match', async () => {
    // What the index is for: it is trusted when the stats match. Changing the file's ctime (any write) ends that.
    const index = join(indexDir(), indexFiles()[0]!)
    const { meta, count, stats, checksums } = readIndex(index)
    const position = meta.names.split('\n').indexOf(files.get(c)!.split('/').pop()!)
    meta.downRevisions[position] = a
    writeFileSync(index, encodeIndex(meta, count, stats, checksums))
    assert.deepEqual((await headsOf()).sort(), [b, c].sort(), 'the index is what was read')
    const file = files.get(c)!
    writeFileSync(file, readFileSync(file, 'utf8'))
    assert.deepEqual(await headsOf(), [c])
  })

  it('history -v reads the doc comment from the file, which the index does not hold', async () => {
    await sleep(RACY_WAIT_MS)
    await headsOf()
    assert.doesNotMatch(readFileSync(join(indexDir(), indexFiles()[0]!), 'latin1'), /Revision ID:/)
    const verbose = await out(['history', '-v'])
    assert.match(verbose, new RegExp(`Revision ID: ${c}`))
    assert.match(verbose, new RegExp(`step ${a}`))
  })

  it('history --json from the index is what the files say (paths, messages, create dates)', async () => {
    await sleep(RACY_WAIT_MS)
    await headsOf()
    const fromFiles = JSON.parse(await out(['history', '--json'], { STRATA_CACHE_DIR: 'off' })) as { path: string; createDate: string | null }[]
    assert.equal(fromFiles.length, 3)
    assert.ok(fromFiles.every((r) => r.createDate !== null && r.path.endsWith('.ts')), 'the files have create dates and paths')
    assert.deepEqual(JSON.parse(await out(['history', '--json'])), fromFiles)
  })

  it('warm read commands do not load node:crypto (the graph snapshot is keyed without hashing)', async () => {
    await out(['upgrade', 'head'])
    await sleep(RACY_WAIT_MS)
    await headsOf()
    // A preload that writes, on exit, the crypto modules the process loaded.
    const preload = join(project.dir, 'crypto-probe.cjs')
    const report = join(project.dir, 'crypto-probe.json')
    writeFileSync(preload, `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(report)}, JSON.stringify(process.moduleLoadList.filter((m) => m.includes('crypto')))))`)
    for (const args of [['heads'], ['current'], ['history'], ['upgrade', 'head']]) {
      await out(args, { NODE_OPTIONS: `--require ${preload}` })
      assert.deepEqual(JSON.parse(readFileSync(report, 'utf8')), [], `strata ${args.join(' ')}`)
    }
  })

  it('verify sees an applied file that changed, even with its size and mtime put back', async () => {
    await out(['upgrade', 'head'])
    await sleep(RACY_WAIT_MS)
    assert.equal((await s.strata(['verify'])).code, 0)
    editKeepingSizeAndMtime(files.get(b)!, `'t_${b}'`, `'x_${b}'`)
    const verify = await s.strata(['verify'])
    assert.equal(verify.code, 1, verify.stdout + verify.stderr)
    assert.match(verify.stdout + verify.stderr, new RegExp(b))
  })

  it('STRATA_CACHE_DIR=off writes no index', async () => {
    rmSync(indexDir(), { recursive: true, force: true })
    await sleep(RACY_WAIT_MS)
    assert.match(await out(['heads'], { STRATA_CACHE_DIR: 'off' }), new RegExp(c))
    assert.equal(indexFiles().length, 0)
  })
})
