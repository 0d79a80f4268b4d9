/**
 * The CLI's code cache (src/cli/load-cli.cts, docs/design/cli-loading.md): written after a command, used by the
 * next, rejected and rewritten when damaged, keyed by the bundle's content, off with STRATA_CACHE_DIR=off, and
 * never in the way of what the command does (drivers and configs are imported from the cached program too).
 */
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import Database from 'better-sqlite3'
import { REPO, cacheFiles, linkedCacheDir, linkedSqliteProject, runLinkedCli } from '../support/project.js'

const BUNDLE = join(REPO, 'dist', 'cli', 'strata-cli.cjs')

const project = () => linkedSqliteProject('strata-code-cache-')

const strata = runLinkedCli
const cacheDir = linkedCacheDir
const codeCaches = (folder: string) => cacheFiles(folder, 'cli-')

describe('the CLI code cache', () => {
  const dirs: string[] = []
  const fresh = () => {
    const dir = project()
    dirs.push(dir)
    return dir
  }
  after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })))

  it('is written after a command and used, unchanged, by the next', () => {
    const dir = fresh()
    const first = strata(dir, ['heads', '--verbose'])
    const [file] = codeCaches(cacheDir(dir))
    assert.match(file ?? '', /^cli-[0-9a-f]{16}-.+-heads\.v8$/)
    const path = join(cacheDir(dir), file!)
    // Dated in the past: a cache V8 rejected would be rewritten, and get today's date.
    utimesSync(path, new Date(2001, 0, 1), new Date(2001, 0, 1))
    assert.equal(strata(dir, ['heads', '--verbose']), first)
    assert.equal(statSync(path).mtime.getFullYear(), 2001)
  })

  it('imports the driver and the config from the cached program', () => {
    const dir = fresh()
    new Database(join(dir, 'app.sqlite')).close()
    for (let run = 0; run < 2; run++) assert.equal(strata(dir, ['current']), '')
    assert.equal(codeCaches(cacheDir(dir)).filter((name) => name.endsWith('-current.v8')).length, 1)
    assert.match(strata(dir, ['current', '-v']), /no version: strata has not migrated this database/)
  })

  it('rejects a damaged cache and writes a good one in its place', () => {
    const dir = fresh()
    const expected = strata(dir, ['history'])
    const path = join(cacheDir(dir), codeCaches(cacheDir(dir))[0]!)
    const garbage = Buffer.alloc(statSync(path).size, 0x5a)
    writeFileSync(path, garbage)
    assert.equal(strata(dir, ['history']), expected)
    assert.notDeepEqual(readFileSync(path), garbage)
  })

  it('is not used when a byte of its data has changed (V8 would run it), and is rewritten', () => {
    const dir = fresh()
    const expected = strata(dir, ['history'])
    const path = join(cacheDir(dir), codeCaches(cacheDir(dir))[0]!)
    const damaged = readFileSync(path)
    // A byte inside V8's payload: its header (magic number, version and flags hashes, lengths) stays valid.
    damaged[Math.floor(damaged.length / 2)]! ^= 0x01
    writeFileSync(path, damaged)
    assert.equal(strata(dir, ['history']), expected)
    assert.notDeepEqual(readFileSync(path), damaged)
  })

  it('removes the caches of another bundle when it writes its own', () => {
    const dir = fresh()
    mkdirSync(cacheDir(dir), { recursive: true })
    const stale = join(cacheDir(dir), `cli-0000000000000000-${process.versions.v8}-heads.v8`)
    writeFileSync(stale, 'old')
    strata(dir, ['heads'])
    assert.deepEqual(
      codeCaches(cacheDir(dir)).map((name) => name.startsWith('cli-0000000000000000-')),
      [false],
    )
  })

  it('follows STRATA_CACHE_DIR, and writes nothing when it is off', () => {
    const dir = fresh()
    strata(dir, ['heads'], { STRATA_CACHE_DIR: 'off' })
    assert.deepEqual(codeCaches(cacheDir(dir)), [])
    strata(dir, ['heads'], { STRATA_CACHE_DIR: join(dir, 'elsewhere') })
    assert.equal(codeCaches(join(dir, 'elsewhere')).length, 1)
    assert.deepEqual(codeCaches(cacheDir(dir)), [])
  })

  it('is keyed by the content of an ASCII bundle', () => {
    const bundle = readFileSync(BUNDLE)
    assert.equal(bundle.findIndex((byte) => byte > 0x7f), -1)
    const key = readFileSync(join(REPO, 'dist', 'cli', 'strata-cli.key'), 'utf8')
    assert.equal(key, createHash('sha256').update(bundle).digest('hex').slice(0, 16))
  })

  it('runs a revision that imports a local module (through jiti, with the package copy of strata-db)', () => {
    const dir = fresh()
    writeFileSync(join(dir, 'migrations', 'columns.ts'), `import { integer, varchar } from 'strata-db'\nexport const columns = () => ({ id: integer().primaryKey(), name: varchar({ length: 20 }).notNull() })\n`)
    writeFileSync(
      join(dir, 'migrations', 'versions', 'a1_apes.ts'),
      `import type { Migration } from 'strata-db'\nimport { columns } from '../columns'\n\nexport const revision = 'a1'\nexport const downRevision = null\nexport const branchLabels = null\nexport const dependsOn = null\n\n` +
        `export async function upgrade({ op }: Migration) {\n  await op.createTable('apes', columns())\n  await op.execute("INSERT INTO apes (id, name) VALUES (1, 'koko')")\n}\n\n` +
        `export async function downgrade({ op }: Migration) {\n  await op.dropTable('apes')\n}\n`,
    )
    for (let run = 0; run < 2; run++) {
      strata(dir, ['upgrade', 'head'])
      const db = new Database(join(dir, 'app.sqlite'))
      try {
        assert.deepEqual(db.prepare('SELECT id, name FROM apes').all(), [{ id: 1, name: 'koko' }])
        assert.deepEqual(db.prepare("SELECT name, \"notnull\" FROM pragma_table_info('apes') ORDER BY cid").all(), [
          { name: 'id', notnull: 1 },
          { name: 'name', notnull: 1 },
        ])
      } finally {
        db.close()
      }
      strata(dir, ['downgrade', 'base'])
    }
    assert.equal(strata(dir, ['current']), '')
  })
})
