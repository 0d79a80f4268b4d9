/**
 * A failed command leaves the filesystem exactly as it was: no empty SQLite database, no lock file, no folder made
 * for the database (a command that had nothing to do writes nothing either). A successful upgrade creates the
 * database, and no lock file stays behind. The folder of each scenario is listed before and after.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { sqliteDialect } from '../../src/dialects/sqlite/sqlite-dialect.js'
import { acquireFileLock } from '../../src/dialects/shared/file-lock.js'
import { parseDatabaseUrl } from '../../src/runtime/url.js'
import { describeEachDialect } from '../support/databases.js'
import { rawQuery, tableNames } from '../support/inspect.js'
import type { UserProject } from '../support/project.js'
import { type Scenario, createScenario, errorLine, linkUserProject, revId } from '../support/safe-project.js'

/** Every file and folder under `dir`, relative, sorted. */
function listing(dir: string): string[] {
  const out: string[] = []
  const walk = (at: string) => {
    for (const name of readdirSync(at)) {
      const path = join(at, name)
      out.push(relative(dir, path))
      if (statSync(path).isDirectory()) walk(path)
    }
  }
  walk(dir)
  return out.sort()
}

describeEachDialect('faults: a failed command creates no file', ({ dialect }) => {
  let project: UserProject
  let s: Scenario
  const scenarios: Scenario[] = []
  const [r1, r2] = [revId(1, 'fb1'), revId(2, 'fb2')]
  // SQLite: a database two folders deep that does not exist yet, next to the config.
  const url = dialect === 'sqlite' ? 'sqlite:///./data/deep/app.sqlite' : undefined
  before(async () => {
    project = linkUserProject(`side-effects-${dialect}`)
    s = await createScenario(project, dialect, 'side-effects', url ? { url } : {})
    scenarios.push(s)
  })
  after(async () => {
    for (const scenario of scenarios) await scenario.db.drop()
    project?.remove()
  })

  /** Runs `args`, expects `code`, and checks that not a single file or folder appeared or vanished. */
  async function leavesNoTrace(args: string[], code: number, pattern?: RegExp): Promise<void> {
    const before = listing(s.path())
    const result = await s.strata(args)
    assert.equal(result.code, code, `strata ${args.join(' ')}: ${result.stdout}${result.stderr}`)
    if (pattern) assert.match(errorLine(result), pattern)
    assert.deepEqual(listing(s.path()), before, `strata ${args.join(' ')} left files behind`)
  }

  it('a first migration that fails', async () => {
    s.revision({ id: r1, down: null, message: 'broken', imports: ['integer'], up: `  await op.createTable('t', { id: integer().primaryKey() })\n  await op.execute('SELECT * FROM no_such_table')` })
    await leavesNoTrace(['upgrade', 'head'], 1, new RegExp(`upgrade ${r1} failed`))
    await leavesNoTrace(['upgrade', 'head', '--transaction-mode', 'each'], 1)
    if (dialect === 'postgres') assert.ok(!(await tableNames(s.db)).includes('t'), 'rolled back')
    // A migration that throws before any statement (MySQL resumes the step above instead: only the files matter here).
    s.revision({ id: r1, down: null, message: 'broken', up: `  throw new Error('not yet')` })
    await leavesNoTrace(['upgrade', 'head'], 1, dialect === 'mysql' ? undefined : /not yet/)
  })

  it('an unknown target, a stamp of an unknown revision, a broken config', async () => {
    await leavesNoTrace(['upgrade', 'nosuchrev'], 1, /nosuchrev/)
    await leavesNoTrace(['stamp', 'nosuchrev'], 1, /nosuchrev/)
    await leavesNoTrace(['upgrade', 'head', '--config', 'missing.config.ts'], 1, /config file not found/)
  })

  it('a command with nothing to do writes nothing', async () => {
    // On MySQL the first test left its step part-way: a run that would not resume it is refused (and writes nothing).
    if (dialect === 'mysql') await leavesNoTrace(['downgrade', 'base'], 1, /failed after 1 statement\(s\) last time .* but this run would do nothing/)
    else await leavesNoTrace(['downgrade', 'base'], 0)
    await leavesNoTrace(['current'], 0)
    await leavesNoTrace(['verify'], 0)
  })

  it('a successful upgrade creates the database and leaves no lock file; a later failure leaves it as it is', async () => {
    s = await createScenario(project, dialect, 'side-effects-ok', url ? { url } : {})
    scenarios.push(s)
    s.revision({ id: r1, down: null, message: 'first', imports: ['integer'], up: `  await op.createTable('t', { id: integer().primaryKey() })\n  await op.bulkInsert('t', [{ id: 1 }])` })
    const before = listing(s.path())
    const ok = await s.strata(['upgrade', 'head'])
    assert.equal(ok.code, 0, ok.stderr)
    const created = listing(s.path()).filter((p) => !before.includes(p))
    if (dialect === 'sqlite') assert.deepEqual(created, ['data', 'data/deep', 'data/deep/app.sqlite'])
    else assert.deepEqual(created, [])
    if (dialect !== 'sqlite') assert.deepEqual((await rawQuery<{ id: number }>(s.db, 'SELECT id FROM t')).map((r) => Number(r.id)), [1])

    s.revision({ id: r2, down: r1, message: 'second', up: `  await op.execute('SELECT * FROM no_such_table')` })
    await leavesNoTrace(['upgrade', 'head'], 1, new RegExp(`upgrade ${r2} failed`))
    if (dialect === 'sqlite') {
      // A lock file a killed run left behind is used, then removed by the next run that succeeds.
      writeFileSync(s.path('data/deep/app.sqlite-strata-lock'), '')
      s.revision({ id: r2, down: r1, message: 'second', up: `  await op.bulkInsert('t', [{ id: 2 }])` })
      const next = await s.strata(['upgrade', 'head'])
      assert.equal(next.code, 0, next.stderr)
      assert.deepEqual(readdirSync(s.path('data/deep')), ['app.sqlite'], 'the database, and no lock file')
    }
  })
})

describe('faults: two first runs on a new SQLite file, the first writes nothing', () => {
  it('the waiting run starts over on a fresh file and its work is kept', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-untouched-'))
    try {
      const file = join(dir, 'sub', 'app.sqlite')
      const url = parseDatabaseUrl(`sqlite:///${file}`, dir)
      const first = await sqliteDialect.connect(url)
      const second = await sqliteDialect.connect(url)
      const firstLocks = [await acquireFileLock(file, 1000), await sqliteDialect.acquireLock(first, 1000)]
      const waiting = acquireFileLock(file, 5000)
      await new Promise((resolve) => setTimeout(resolve, 100))
      // The first run fails having written nothing: its file, lock file and folder go, under its lock.
      for (const lock of firstLocks.reverse()) await lock.release()
      await first.close()
      const secondLocks = [await waiting, await sqliteDialect.acquireLock(second, 1000)]
      await second.execute('CREATE TABLE kept (id INTEGER)')
      await second.execute("INSERT INTO kept VALUES (1)")
      await second.execute('COMMIT')
      for (const lock of secondLocks.reverse()) await lock.release()
      await second.close()
      assert.deepEqual(readdirSync(join(dir, 'sub')), ['app.sqlite'], 'the database, and no lock file')
      const check = await sqliteDialect.connect(url)
      assert.deepEqual(await check.query('SELECT id FROM kept'), [{ id: 1 }])
      await check.close()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
