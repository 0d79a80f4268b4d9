/**
 * The graph snapshot (graph-<hash>.bin beside the header index) holds the ranks of a validated graph. It is used
 * only for headers that are exactly the index's entries, and its ranks are checked, never believed: damaged ranks
 * give the same graph as no snapshot, and are rewritten.
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
/** u32 format, u32 count, 16-byte key: the ranks follow. */
const RANKS_AT = 24

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

  it('is written once the headers come whole from the index, then gives the same graph', () => {
    const truth = expected()
    assert.deepEqual(summary(loadRevisionGraph(versions)), truth, 'first load: writes the header index')
    assert.deepEqual(summary(loadRevisionGraph(versions)), truth, 'second load: writes the snapshot')
    assert.ok(existsSync(snapshotFile()))
    const written = readFileSync(snapshotFile())
    assert.deepEqual(summary(loadRevisionGraph(versions)), truth, 'third load: uses it')
    assert.deepEqual(readFileSync(snapshotFile()), written, 'a snapshot that checks out is not rewritten')
  })

  it('damaged ranks are noticed, recomputed and rewritten', () => {
    const truth = expected()
    const good = readFileSync(snapshotFile())
    for (const damage of [0, 7, -1]) {
      const bad = Buffer.from(good)
      for (let at = RANKS_AT; at < bad.length; at += 4) bad.writeInt32LE(damage, at)
      writeFileSync(snapshotFile(), bad)
      assert.deepEqual(summary(loadRevisionGraph(versions)), truth, `all ranks ${damage}`)
      assert.deepEqual(readFileSync(snapshotFile()), good, `rewritten after all ranks ${damage}`)
    }
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

