/**
 * Issue 10, beyond kills: the lock's connection closed by the server mid-run, errors raised at COMMIT, an edited
 * file on downgrade, offline SQLite scripts piped into a client with foreign keys on, and empty or inverted
 * offline ranges.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { after, before, it } from 'node:test'
import { readFileSync, writeFileSync } from 'node:fs'
import { describeEachDialect } from '../support/databases.js'
import { checkWorkload, writeWorkload } from '../support/fault-workload.js'
import { rawQuery, versionRows } from '../support/inspect.js'
import type { UserProject } from '../support/project.js'
import { createScenario, errorLine, linkUserProject, revId } from '../support/safe-project.js'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function waitFor<T>(probe: () => Promise<T | undefined>, what: string, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const value = await probe()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(50)
  }
}

function sqlite3(file: string, script: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('sqlite3', ['-bail', file], { stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (t: string) => (stdout += t))
    child.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t))
    child.on('error', reject)
    child.on('close', (status) => resolve({ status, stdout, stderr }))
    child.stdin.end(script)
  })
}

describeEachDialect('faults: lost locks, COMMIT errors, edited files, offline safety', ({ dialect }) => {
  let project: UserProject
  before(() => {
    project = linkUserProject(`integrity-${dialect}`)
  })
  after(() => project?.remove())

  it('the server closes the lock holder mid-run; a second runner then applies each migration exactly once', async (t) => {
    if (dialect === 'sqlite') return t.skip('SQLite has no server side to close a connection from')
    const s = await createScenario(project, dialect, 'lostlock')
    try {
      const workload = writeWorkload(s, 14)
      // A slow statement in the middle keeps the victim busy while the server closes its session.
      const slow = dialect === 'postgres' ? 'SELECT pg_sleep(${Number(process.env.SLOW ?? 0)})' : 'SELECT SLEEP(${Number(process.env.SLOW ?? 0)})'
      const slowId = revId(99, 's')
      s.revision({ id: slowId, down: workload.head, message: 'slow', up: `  await op.execute(\`${slow}\`)\n  await op.execute("INSERT INTO ledger (rev) VALUES ('${slowId}')")` })
      const victim = s.spawn(['upgrade', 'head'], { SLOW: '30' })
      const dbName = new URL(s.db.url).pathname.slice(1)
      // The session that holds strata's lock, as the server sees it.
      const holder = await waitFor(async () => {
        const rows =
          dialect === 'postgres'
            ? await rawQuery<{ id: number }>(s.db, `SELECT pid AS id FROM pg_stat_activity WHERE datname = '${dbName}' AND query LIKE 'SELECT pg_sleep%' AND state = 'active'`)
            : await rawQuery<{ id: number }>(s.db, `SELECT id FROM information_schema.processlist WHERE db = '${dbName}' AND info LIKE 'SELECT SLEEP%'`)
        return rows[0]?.id
      }, 'the slow statement')
      await rawQuery(s.db, dialect === 'postgres' ? `SELECT pg_terminate_backend(${holder})` : `KILL ${holder}`)
      const killed = await victim.done
      assert.notEqual(killed.code, 0, 'the run whose lock vanished with its connection stops')
      // The second runner takes over (without the sleep this time).
      const second = await s.strata(['upgrade', 'head'])
      assert.equal(second.code, 0, second.stderr)
      const ledger = await rawQuery<{ n: number | string }>(s.db, `SELECT COUNT(*) AS n FROM ledger WHERE rev = '${slowId}'`)
      assert.equal(Number(ledger[0]!.n), 1, 'the interrupted migration ran once')
      // Everything below it is intact, once.
      await rawQuery(s.db, `DELETE FROM ledger WHERE rev = '${slowId}'`)
      await rawQuery(s.db, `UPDATE strata_version SET version_num = '${workload.head}'`)
      await rawQuery(s.db, `DELETE FROM strata_history WHERE revision = '${slowId}'`)
      await checkWorkload(s, workload, 'after the lost lock')
    } finally {
      await s.db.drop()
    }
  })

  it('an error raised at COMMIT names the revisions it rolled back and the revision the database is at', async (t) => {
    if (dialect !== 'postgres') return t.skip('only PostgreSQL defers constraint checks to COMMIT (MySQL has no deferred constraints; strata runs SQLite with foreign keys off)')
    const s = await createScenario(project, dialect, 'commiterr')
    try {
      const [r0, r1, r2] = [revId(0, 'e'), revId(1, 'e'), revId(2, 'e')]
      s.revision({ id: r0, down: null, message: 'parent', imports: ['integer'], up: `  await op.createTable('parent', { id: integer().primaryKey() })` })
      s.revision({
        id: r1,
        down: r0,
        message: 'child with a deferred key',
        up: `  await op.execute('CREATE TABLE child (id integer PRIMARY KEY, parent_id integer REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)')`,
      })
      s.revision({ id: r2, down: r1, message: 'orphan row', up: `  await op.execute('INSERT INTO child VALUES (1, 42)')` })
      assert.equal((await s.strata(['upgrade', r0])).code, 0)
      const failed = await s.strata(['upgrade', 'head'])
      assert.equal(failed.code, 1)
      const line = errorLine(failed)
      assert.match(line, /^COMMIT failed: .*foreign key/, line)
      assert.match(line, new RegExp(`the effects of ${r1}\\.\\.${r2} \\(2 revisions\\) were rolled back; the database is as it was before this run`), line)
      assert.deepEqual(await versionRows(s.db), [r0])
      const tables = await rawQuery<{ n: string }>(s.db, `SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_name = 'child'`)
      assert.equal(Number(tables[0]!.n), 0, 'nothing of the rolled-back revisions is left')
      const json = await s.strata(['upgrade', 'head', '--transaction-mode', 'each'])
      assert.match(errorLine(json), new RegExp(`COMMIT failed: .*the effects of ${r2} were rolled back; the database is at ${r1}`))
    } finally {
      await s.db.drop()
    }
  })

  it('downgrade refuses an applied file edited since it ran, exactly like upgrade (--allow-changed accepts it)', async () => {
    const s = await createScenario(project, dialect, 'editeddown')
    try {
      const [r0, r1] = [revId(0, 'g'), revId(1, 'g')]
      s.revision({ id: r0, down: null, message: 'base', imports: ['integer'], up: `  await op.createTable('g0', { id: integer().primaryKey() })`, down_: `  await op.dropTable('g0')` })
      const file = s.revision({ id: r1, down: r0, message: 'edited', imports: ['integer'], up: `  await op.createTable('g1', { id: integer().primaryKey() })`, down_: `  await op.dropTable('g1')` })
      assert.equal((await s.strata(['upgrade', 'head'])).code, 0)
      writeFileSync(file, readFileSync(file, 'utf8').replace(`await op.dropTable('g1')`, `await op.dropTable('g0')`))
      const refused = await s.strata(['downgrade', '-1'])
      assert.equal(refused.code, 1)
      assert.match(errorLine(refused), new RegExp(`${r1}\\) changed after it was applied; review the change, then rerun with --allow-changed`))
      assert.deepEqual(await versionRows(s.db), [r1], 'nothing ran')
      const accepted = await s.strata(['downgrade', '-1', '--allow-changed'])
      assert.equal(accepted.code, 0, accepted.stderr)
      assert.deepEqual(await versionRows(s.db), [r0])
    } finally {
      await s.db.drop()
    }
  })

  it('offline: an empty or inverted range is an error, and --sql honours the transaction mode', async () => {
    const s = await createScenario(project, dialect, 'ranges')
    try {
      const [r0, r1] = [revId(0, 'h'), revId(1, 'h')]
      s.revision({ id: r0, down: null, message: 'a', imports: ['integer'], up: `  await op.createTable('h0', { id: integer().primaryKey() })`, down_: `  await op.dropTable('h0')` })
      s.revision({ id: r1, down: r0, message: 'b', imports: ['integer'], up: `  await op.createTable('h1', { id: integer().primaryKey() })`, down_: `  await op.dropTable('h1')` })
      const empty = await s.strata(['upgrade', `${r1}:${r1}`, '--sql'])
      assert.equal(empty.code, 2)
      assert.match(errorLine(empty), /holds no upgrade steps \(it is empty or inverted\)/)
      const inverted = await s.strata(['downgrade', `${r0}:${r1}`, '--sql'])
      assert.notEqual(inverted.code, 0)
      assert.equal(inverted.stdout, '', 'no half script')
      const begin = dialect === 'mysql' ? 'START TRANSACTION;' : 'BEGIN;'
      const count = (text: string) => text.split('\n').filter((l) => l === begin).length
      const all = await s.strata(['upgrade', 'head', '--sql', '--transaction-mode', 'all'])
      const each = await s.strata(['upgrade', 'head', '--sql', '--transaction-mode', 'each'])
      const none = await s.strata(['upgrade', 'head', '--sql', '--transaction-mode', 'none'])
      assert.equal(count(all.stdout), 1, all.stdout)
      assert.equal(count(each.stdout), 2, each.stdout)
      // 'none': the migrations' statements stand outside any transaction; strata's own rows move inside their own.
      const before = none.stdout.slice(0, none.stdout.search(/CREATE TABLE \W?h0/))
      assert.equal(count(before), before.split('\n').filter((l) => l === 'COMMIT;').length, none.stdout)
      assert.ok(count(none.stdout) >= 2, none.stdout)
    } finally {
      await s.db.drop()
    }
  })

  it('offline SQLite: a rebuild script piped into a client with foreign keys on keeps every child row', async (t) => {
    if (dialect !== 'sqlite') return t.skip('table rebuilds are SQLite only')
    const s = await createScenario(project, dialect, 'offlinefk')
    try {
      const [r0, r1] = [revId(0, 'k'), revId(1, 'k')]
      s.revision({
        id: r0,
        down: null,
        message: 'parent and children',
        imports: ['integer', 'text'],
        up: [
          `  await op.createTable('parent', { id: integer().primaryKey(), name: text() })`,
          `  await op.createTable('child', { id: integer().primaryKey(), parentId: integer('parent_id') })`,
          `  await op.createForeignKey(null, 'child', ['parent_id'], 'parent', ['id'], { onDelete: 'cascade' })`,
        ].join('\n'),
      })
      // Changing a column's type is a table rebuild on SQLite: DROP TABLE parent would cascade into child.
      s.revision({ id: r1, down: r0, message: 'rebuild parent', imports: ['varchar'], up: `  await op.alterColumn('parent', 'name', { type: varchar({ length: 50 }) })` })
      assert.equal((await s.strata(['upgrade', r0])).code, 0)
      await rawQuery(s.db, `INSERT INTO parent (id, name) VALUES (1, 'p')`)
      await rawQuery(s.db, `INSERT INTO child (id, parent_id) VALUES (1, 1), (2, 1)`)
      const script = await s.strata(['upgrade', `${r0}:${r1}`, '--sql'])
      assert.equal(script.code, 0, script.stderr)
      assert.match(script.stdout, /PRAGMA foreign_keys = OFF;[\s\S]*BEGIN;[\s\S]*PRAGMA foreign_key_check;\n\nCOMMIT;[\s\S]*PRAGMA foreign_keys = ON;/)
      // The client has foreign keys on, as many users' ~/.sqliterc do.
      const piped = await sqlite3(s.db.file!, `PRAGMA foreign_keys = ON;\n${script.stdout}`)
      assert.equal(piped.status, 0, piped.stderr)
      const children = await rawQuery<{ n: number }>(s.db, 'SELECT COUNT(*) AS n FROM child')
      assert.equal(children[0]!.n, 2, 'no child row cascade-deleted')
      assert.deepEqual(await versionRows(s.db), [r1])
    } finally {
      await s.db.drop()
    }
  })
})
