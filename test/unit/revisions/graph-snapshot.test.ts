/**
 * The graph snapshot (graph-<hash>.bin beside the header index) holds the ranks and edges of a validated graph,
 * with a copy of the index's JSON part. It is used only for headers that are exactly the index's entries, with
 * that JSON unchanged, and its ranks and edges are checked against the headers: damaged ones give the same graph as
 * no snapshot, and are rewritten.
 */
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { type RevisionGraph, loadRevisionGraph } from '../../../src/revisions/index.js'
import { renderRevisionFile } from '../../../src/revisions/script-writer.js'

/** Files younger than this are not indexed (header-index.ts): wait it out. */
const RACY_WAIT_MS = 2100
/** Where the ranks start: after five u32 (format, count, JSON length, parent and dependency edge counts) and the JSON, padded to 4. */
const ranksAt = (bytes: Buffer) => 20 + Math.ceil(bytes.readUInt32LE(8) / 4) * 4

describe('graph snapshot', () => {
  const root = mkdtempSync(join(tmpdir(), 'strata-graph-snapshot-'))
  const versions = join(root, 'versions')
  const cache = join(root, 'cache')
  const savedCacheDir = process.env.STRATA_CACHE_DIR
  const write = (revision: string, downRevision: string | string[] | null, dependsOn?: string[]) =>
    writeFileSync(join(versions, `${revision}_step.ts`), renderRevisionFile({ revision, message: `step ${revision}`, downRevision, dependsOn }))
  const snapshotFile = () => join(cache, readdirSync(cache).find((name) => name.startsWith('graph-'))!)

  /** What a graph answers that depends on its ranks and edges. */
  function summary(graph: RevisionGraph) {
    const ids = graph.all().map((h) => h.revision)
    return { heads: graph.heads, order: graph.topologicalOrder(), ranks: ids.map((id) => graph.rankOf(id)), normalized: ids.map((id) => graph.normalizedDependencies(id)) }
  }
  function expected() {
    process.env.STRATA_CACHE_DIR = 'off'
    try {
      return summary(loadRevisionGraph(versions))
    } finally {
      process.env.STRATA_CACHE_DIR = cache
    }
  }

  before(async () => {
    mkdirSync(versions)
    write('a1', null)
    write('b2', 'a1')
    write('c3', 'b2')
    write('d4', 'a1', ['b2'])
    write('e5', ['c3', 'd4'])
    process.env.STRATA_CACHE_DIR = cache
    await sleep(RACY_WAIT_MS)
  })
  after(() => {
    if (savedCacheDir === undefined) delete process.env.STRATA_CACHE_DIR
    else process.env.STRATA_CACHE_DIR = savedCacheDir
    rmSync(root, { recursive: true, force: true })
  })

  it('is written with a header index that holds every file, then gives the same graph', () => {
    const truth = expected()
    assert.deepEqual(summary(loadRevisionGraph(versions)), truth, 'first load: writes the header index and the snapshot')
    assert.ok(existsSync(snapshotFile()))
    const written = readFileSync(snapshotFile())
    const index = readFileSync(join(cache, readdirSync(cache).find((name) => name.startsWith('headers-'))!))
    assert.deepEqual(summary(loadRevisionGraph(versions)), truth, 'second load: uses it')
    assert.deepEqual(summary(loadRevisionGraph(versions)), truth, 'third load: uses it')
    assert.deepEqual(readFileSync(snapshotFile()), written, 'a snapshot that checks out is not rewritten')
    // Keyed by the index's JSON part, which the first load wrote: the snapshot holds a copy of it.
    const json = index.subarray(8, 8 + index.readUInt32LE(0))
    assert.ok(written.subarray(20, 20 + json.length).equals(json))
  })

  it('damaged ranks are noticed, recomputed and rewritten', () => {
    const truth = expected()
    const good = readFileSync(snapshotFile())
    for (const damage of [0, 7, -1]) {
      const bad = Buffer.from(good)
      for (let at = ranksAt(bad); at < ranksAt(bad) + 4 * bad.readUInt32LE(4); at += 4) bad.writeInt32LE(damage, at)
      writeFileSync(snapshotFile(), bad)
      assert.deepEqual(summary(loadRevisionGraph(versions)), truth, `all ranks ${damage}`)
      assert.deepEqual(readFileSync(snapshotFile()), good, `rewritten after all ranks ${damage}`)
    }
  })

  it('damaged edges and lengths are noticed, and the graph validated from the headers', () => {
    const truth = expected()
    const good = readFileSync(snapshotFile())
    const count = good.readUInt32LE(4)
    const parentsAt = ranksAt(good) + 4 * count + 4 * (count + 1)
    const damaged = (change: (bytes: Buffer) => void) => {
      const bad = Buffer.from(good)
      change(bad)
      return bad
    }
    const damages: [string, Buffer][] = [
      // Every parent pointing at the first revision: ranks that fit those edges would still be a wrong graph.
      [
        'parents moved',
        damaged((bad) => {
          for (let at = parentsAt; at < parentsAt + 4 * good.readUInt32LE(12); at += 4) bad.writeInt32LE(0, at)
        }),
      ],
      // e5's parents are c3 and d4, both of rank 2: e5 naming d4 twice fits every rank, yet would make c3 a head.
      ['a parent swapped for one of the same rank', damaged((bad) => bad.writeInt32LE(3, parentsAt + 4 * 3))],
      ['a parent out of range', damaged((bad) => bad.writeInt32LE(1000, parentsAt))],
      ['a dependency moved', damaged((bad) => bad.writeInt32LE(bad.readInt32LE(bad.length - 4) === 0 ? 1 : 0, bad.length - 4))],
      ['parent offsets moved', damaged((bad) => bad.writeInt32LE(bad.readInt32LE(ranksAt(bad) + 4 * count + 4) + 1, ranksAt(bad) + 4 * count + 4))],
      ['the JSON copy changed', damaged((bad) => bad.write('X', 21))],
      ['cut short', good.subarray(0, good.length - 4)],
      ['another format', damaged((bad) => bad.writeUInt32LE(2, 0))],
    ]
    for (const [damage, bytes] of damages) {
      writeFileSync(snapshotFile(), bytes)
      assert.deepEqual(summary(loadRevisionGraph(versions)), truth, damage)
      assert.deepEqual(readFileSync(snapshotFile()), good, `rewritten after: ${damage}`)
    }
  })

  it('is not written with an index that leaves out a file changed just now', async () => {
    rmSync(cache, { recursive: true, force: true })
    write('b2', 'a1')
    const truth = expected()
    assert.deepEqual(summary(loadRevisionGraph(versions)), truth, 'b2 too recent to index')
    assert.ok(!readdirSync(cache).some((name) => name.startsWith('graph-')), 'no snapshot for an index without b2')
    await sleep(RACY_WAIT_MS)
    assert.deepEqual(summary(loadRevisionGraph(versions)), truth, 'b2 indexed now, with the snapshot')
    assert.ok(existsSync(snapshotFile()))
    assert.deepEqual(summary(loadRevisionGraph(versions)), truth, 'the snapshot used')
  })

  it('a changed folder does not use the old snapshot', async () => {
    write('f6', 'e5')
    rmSync(join(versions, 'c3_step.ts'))
    write('c3', 'a1')
    await sleep(RACY_WAIT_MS)
    const truth = expected()
    assert.deepEqual(truth.heads, ['b2', 'f6'], 'c3 moved under a1: b2 is left with only a dependent')
    for (let load = 0; load < 3; load++) assert.deepEqual(summary(loadRevisionGraph(versions)), truth, `load ${load}`)
  })
})

