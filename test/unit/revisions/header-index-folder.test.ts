/**
 * The header index records the versions folder's own stats with its names, and a read whose folder stats are the
 * same skips listing the folder. Adding, removing or renaming a file must still be seen, also with the folder's
 * mtime put back (its ctime tells), and a folder changed within the racy window, or holding a subfolder named like
 * a revision, is not recorded. Damaged folder stats in the index mean a rebuilt index.
 */
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, rmdirSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { loadRevisionGraph } from '../../../src/revisions/index.js'
import { decodeIndex, encodeIndex } from '../../../src/revisions/header-index-file.js'
import { renderRevisionFile } from '../../../src/revisions/script-writer.js'

/** Files and folders younger than this are not indexed (header-index.ts): wait it out. */
const RACY_WAIT_MS = 2100
const MTIME = 1_767_000_000

describe('header index: the folder listing', () => {
  const root = mkdtempSync(join(tmpdir(), 'strata-index-folder-'))
  const versions = join(root, 'versions')
  const cache = join(root, 'cache')
  const savedCacheDir = process.env.STRATA_CACHE_DIR
  const fileOf = (revision: string) => join(versions, `${revision}_step.ts`)
  const write = (revision: string, downRevision: string | null) =>
    writeFileSync(fileOf(revision), renderRevisionFile({ revision, message: `step ${revision}`, downRevision }))
  const indexFile = () => join(cache, readdirSync(cache).find((name) => name.startsWith('headers-'))!)
  const stored = () => decodeIndex(readFileSync(indexFile()))!
  const folderOf = () => (stored().meta as { folder: number[] | null }).folder
  const heads = () => loadRevisionGraph(versions).heads

  /** Waits out the racy window and loads until the index holds the folder's stats. */
  async function settle(): Promise<void> {
    await sleep(RACY_WAIT_MS)
    heads()
    heads()
    assert.notEqual(folderOf(), null, 'the folder is recorded once it is old enough')
  }

  before(() => {
    mkdirSync(versions)
    write('a1', null)
    write('b2', 'a1')
    process.env.STRATA_CACHE_DIR = cache
  })
  after(() => {
    if (savedCacheDir === undefined) delete process.env.STRATA_CACHE_DIR
    else process.env.STRATA_CACHE_DIR = savedCacheDir
    rmSync(root, { recursive: true, force: true })
  })

  it('a folder changed within the racy window is not recorded, and is recorded later', async () => {
    assert.deepEqual(heads(), ['b2'])
    assert.equal(folderOf(), null, 'the folder changed just now')
    await settle()
    assert.deepEqual(heads(), ['b2'])
  })

  it('an added, a renamed and a removed file are seen', async () => {
    write('c3', 'b2')
    assert.deepEqual(heads(), ['c3'])
    await settle()
    renameSync(fileOf('c3'), join(versions, 'c3_renamed.ts'))
    assert.equal(loadRevisionGraph(versions).get('c3')?.path, join(versions, 'c3_renamed.ts'))
    await settle()
    rmSync(join(versions, 'c3_renamed.ts'))
    assert.deepEqual(heads(), ['b2'])
  })

  it('a file added with the folder mtime put back is seen (the ctime changed)', async () => {
    // A whole second: utimes puts it back exactly (a fractional one would come back rounded).
    utimesSync(versions, MTIME, MTIME)
    await settle()
    write('c3', 'b2')
    utimesSync(versions, MTIME, MTIME)
    try {
      assert.equal(statSync(versions).mtimeMs, MTIME * 1000, 'the folder mtime is as before')
      assert.deepEqual(heads(), ['c3'])
    } finally {
      rmSync(fileOf('c3'))
    }
  })

  it('a subfolder named like a revision file keeps the folder from being recorded', async () => {
    mkdirSync(join(versions, 'x9_folder.ts'))
    await sleep(RACY_WAIT_MS)
    assert.deepEqual(heads(), ['b2'])
    assert.deepEqual(heads(), ['b2'])
    assert.equal(folderOf(), null, 'a listed name was not a file')
    rmdirSync(join(versions, 'x9_folder.ts'))
  })

  it('damaged folder stats mean a rebuilt index', async () => {
    await settle()
    const { meta, count, stats, checksums } = stored()
    for (const folder of ['x', [1, 2, 3], [1, 2, 3, 'x'], {}]) {
      writeFileSync(indexFile(), encodeIndex({ ...(meta as object), folder }, count, stats, checksums))
      assert.deepEqual(heads(), ['b2'], JSON.stringify(folder))
      assert.notEqual(folderOf(), null, `rewritten after ${JSON.stringify(folder)}`)
      assert.ok(Array.isArray(folderOf()))
    }
  })
})
