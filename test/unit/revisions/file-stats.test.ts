import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, mkdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chooseStatInto } from '../../../src/revisions/file-stats.js'

/** The four numbers statSync gives, as the header index stores them. */
function expected(path: string): number[] {
  const found = statSync(path)
  return [found.size, found.mtimeMs, found.ctimeMs, found.ino]
}

describe('file stats for the header index', () => {
  const dir = mkdtempSync(join(tmpdir(), 'strata-file-stats-'))
  const file = join(dir, 'a.ts')
  writeFileSync(file, 'export const revision = "a"\n')
  writeFileSync(join(dir, 'b.ts'), 'x'.repeat(12345))
  mkdirSync(join(dir, 'folder.ts'))
  symlinkSync(join(dir, 'b.ts'), join(dir, 'link.ts'))
  const statInto = chooseStatInto(file)

  it('gives exactly what statSync gives, at the position asked', () => {
    const stats = new Float64Array(8).fill(-1)
    assert.equal(statInto(join(dir, 'b.ts'), stats, 4), true)
    assert.deepEqual([...stats.subarray(0, 4)], [-1, -1, -1, -1])
    assert.deepEqual([...stats.subarray(4)], expected(join(dir, 'b.ts')))
  })

  it('follows a symlink to its file', () => {
    const stats = new Float64Array(4)
    assert.equal(statInto(join(dir, 'link.ts'), stats, 0), true)
    assert.deepEqual([...stats], expected(join(dir, 'b.ts')))
  })

  it('says no for a folder and for a missing file, without touching the array', () => {
    const stats = new Float64Array(4).fill(7)
    assert.equal(statInto(join(dir, 'folder.ts'), stats, 0), false)
    assert.equal(statInto(join(dir, 'gone.ts'), stats, 0), false)
    assert.deepEqual([...stats], [7, 7, 7, 7])
  })

  it('throws on other errors, as statSync does', () => {
    symlinkSync(join(dir, 'loop-b.ts'), join(dir, 'loop-a.ts'))
    symlinkSync(join(dir, 'loop-a.ts'), join(dir, 'loop-b.ts'))
    assert.throws(() => statInto(join(dir, 'loop-a.ts'), new Float64Array(4), 0), /ELOOP/)
  })

  it('answers a path under a file as statSync does on this Node (Node 20 throws ENOTDIR, Node 22 finds nothing)', () => {
    const under = join(file, 'under-a-file.ts')
    let statSyncThrew: string | undefined
    try {
      statSync(under, { throwIfNoEntry: false })
    } catch (error) {
      statSyncThrew = (error as NodeJS.ErrnoException).code
    }
    if (statSyncThrew) assert.throws(() => statInto(under, new Float64Array(4), 0), { code: statSyncThrew })
    else assert.equal(statInto(under, new Float64Array(4), 0), false)
  })

  it('falls back to statSync when the probe is not a file', () => {
    const fallback = chooseStatInto(join(dir, 'folder.ts'))
    const stats = new Float64Array(4)
    assert.equal(fallback(file, stats, 0), true)
    assert.deepEqual([...stats], expected(file))
    rmSync(dir, { recursive: true, force: true })
  })
})
