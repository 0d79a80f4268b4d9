/**
 * Safe runs under contention: eight processes upgrading at once, a process killed in the middle of a long
 * migration, and a lock held past --lock-timeout / lockTimeout. Black-box: the installed `strata` bin as
 * subprocesses, the database read with the raw drivers.
 */
import assert from 'node:assert/strict'
import { after, before, it } from 'node:test'
import { describeEachDialect } from '../support/databases.js'
import { rawQuery, tableNames, versionRows } from '../support/inspect.js'
import type { UserProject } from '../support/project.js'
import { type Scenario, createScenario, errorLine, linkUserProject, revId } from '../support/safe-project.js'

interface HistoryRecord {
  revision: string
  direction: string
  status: string
  statements_done: number | string
}

const historyRows = (s: Scenario) =>
  rawQuery<HistoryRecord>(s.db, 'SELECT revision, direction, status, statements_done FROM strata_history ORDER BY id')

/** Resolves when `predicate` holds for the text a child printed so far (polls), or rejects after `ms`. */
async function waitFor(check: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms
  while (Date.now() < deadline) {
    if (await check()) return
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`timed out waiting for ${what}`)
}

/**
 * Source lines for a migration statement that keeps the database busy for about SLOW seconds (an environment
 * variable, so that the same unchanged file is quick when rerun). SQLite has no sleep: it counts through a
 * recursive CTE (about 7 million rows a second here) and writes the count into k2.
 */
function slowLines(dialect: string): string {
  const sql =
    dialect === 'postgres'
      ? 'SELECT pg_sleep(${slow})'
      : dialect === 'mysql'
        ? 'SELECT SLEEP(${slow})'
        : 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ${Math.round(slow * 7000000)}) INSERT INTO k2 (id) SELECT MAX(x) FROM c'
  return '  const slow = Number(process.env.SLOW ?? 0)\n  await op.execute(`' + sql + '`)'
}

describeEachDialect('safe runs: concurrency, kills and lock timeouts', ({ dialect }) => {
  let project: UserProject
  before(() => {
    project = linkUserProject(`conc-${dialect}`)
  })
  after(() => project?.remove())

  it('eight processes upgrade a 50-revision history at once: each migration runs exactly once', async () => {
    const s = await createScenario(project, dialect, 'eight')
    try {
      const ids = Array.from({ length: 50 }, (_, i) => revId(i + 1, 'c'))
      ids.forEach((id, i) =>
        s.revision({
          id,
          down: i === 0 ? null : ids[i - 1]!,
          message: `step ${i + 1}`,
          imports: ['integer', 'varchar'],
          up: `  await op.createTable('t_${i + 1}', { id: integer().primaryKey(), name: varchar({ length: 20 }) })\n  await op.bulkInsert('t_${i + 1}', [{ id: 1, name: 'once' }])`,
          down_: `  await op.dropTable('t_${i + 1}')`,
        }),
      )
      const runs = Array.from({ length: 8 }, () => s.spawn(['upgrade', 'head']))
      const results = await Promise.all(runs.map((r) => r.done))
      for (const r of results) assert.equal(r.code, 0, `exit ${r.code}: ${r.stderr}`)
      const ran = results.map((r) => r.stdout.split('\n').filter((l) => l.startsWith('Running upgrade')).length)
      assert.equal(
        ran.reduce((a, b) => a + b, 0),
        50,
        `the 50 steps ran once in total: ${ran.join(',')}`,
      )
      for (const [i, r] of results.entries()) if (ran[i] === 0) assert.match(r.stdout, /nothing to upgrade/i)
      const history = await historyRows(s)
      assert.equal(history.length, 50, JSON.stringify(history))
      assert.ok(history.every((h) => h.direction === 'up' && h.status === 'done'))
      assert.deepEqual(history.map((h) => h.revision).sort(), [...ids].sort())
      assert.deepEqual(await versionRows(s.db), [ids[49]])
      for (const n of [1, 25, 50]) assert.deepEqual(await rawQuery(s.db, `SELECT COUNT(*) AS n FROM t_${n}`).then((r) => Number(Object.values(r[0]!)[0])), 1)
    } finally {
      await s.db.drop()
    }
  })

  it('with every statement committing on its own (--transaction-mode none), eight processes still run each step once', async () => {
    const s = await createScenario(project, dialect, 'eight-each')
    try {
      const ids = Array.from({ length: 20 }, (_, i) => revId(i + 1, 'f'))
      ids.forEach((id, i) =>
        s.revision({
          id,
          down: i === 0 ? null : ids[i - 1]!,
          message: `each ${i + 1}`,
          imports: ['integer'],
          up: `  await op.createTable('e_${i + 1}', { id: integer().primaryKey() })\n  for (let n = 1; n <= 5; n++) await op.bulkInsert('e_${i + 1}', [{ id: n }])`,
          down_: `  await op.dropTable('e_${i + 1}')`,
        }),
      )
      const results = await Promise.all(Array.from({ length: 8 }, () => s.spawn(['upgrade', 'head', '--transaction-mode', 'none']).done))
      for (const r of results) assert.equal(r.code, 0, `exit ${r.code}: ${r.stderr}`)
      const history = await historyRows(s)
      assert.deepEqual(history.map((h) => `${h.revision} ${h.direction} ${h.status}`), ids.map((id) => `${id} up done`))
      assert.deepEqual(await versionRows(s.db), [ids[19]])
    } finally {
      await s.db.drop()
    }
  })

  it('the lines of finished steps are out while a long statement runs (even on a database in this process)', async () => {
    const s = await createScenario(project, dialect, 'progress')
    try {
      // Quick steps, each a few ms, then a long one: the last quick lines are held back for the next batched write
      // when the long statement starts. On SQLite no timer can write them while it runs.
      const ids = Array.from({ length: 21 }, (_, i) => revId(i + 1, 'g'))
      ids.forEach((id, i) =>
        s.revision({
          id,
          down: i === 0 ? null : ids[i - 1]!,
          message: i === 20 ? 'long' : `quick ${i + 1}`,
          imports: ['integer'],
          up: i === 20 ? `  await op.createTable('k2', { id: integer() })\n${slowLines(dialect)}` : `  await op.createTable('q_${i + 1}', { id: integer().primaryKey() })`,
          down_: `  await op.dropTable('${i === 20 ? 'k2' : `q_${i + 1}`}')`,
        }),
      )
      const run = s.spawn(['upgrade', 'head'], { SLOW: '4' })
      const exitedAt = run.done.then((r) => ({ r, at: Date.now() }))
      await waitFor(() => run.output().includes('quick 20') || run.child.exitCode !== null, 60_000, 'the 20th step line or the end')
      const seenAt = Date.now()
      const { r, at } = await exitedAt
      assert.equal(r.code, 0, r.stderr)
      assert.ok(r.stdout.includes(`-> ${ids[19]}, quick 20 (`), r.stdout)
      assert.ok(at - seenAt >= 1000, `the 20th step's line came ${at - seenAt} ms before the end of the 4 s statement after it`)
    } finally {
      await s.db.drop()
    }
  })

  it('a process killed (SIGKILL) in a long migration: the next run gets the lock at once and reaches head', async () => {
    const s = await createScenario(project, dialect, 'killed')
    try {
      const [r1, r2, r3] = [revId(1, 'd'), revId(2, 'd'), revId(3, 'd')]
      s.revision({ id: r1, down: null, message: 'first', imports: ['integer'], up: `  await op.createTable('k1', { id: integer().primaryKey() })`, down_: `  await op.dropTable('k1')` })
      s.revision({
        id: r2,
        down: r1,
        message: 'long',
        imports: ['integer'],
        up: `  await op.createTable('k2', { id: integer() })\n${slowLines(dialect)}\n  await op.bulkInsert('k2', [{ id: -1 }])`,
        down_: `  await op.dropTable('k2')`,
      })
      s.revision({ id: r3, down: r2, message: 'last', imports: ['integer'], up: `  await op.createTable('k3', { id: integer().primaryKey() })`, down_: `  await op.dropTable('k3')` })

      const victim = s.spawn(['upgrade', 'head'], { SLOW: '30' })
      await waitFor(() => victim.output().includes('first'), 60_000, 'the first step to finish')
      await new Promise((r) => setTimeout(r, 1500)) // well inside the long statement
      victim.child.kill('SIGKILL')
      const killed = await victim.done
      assert.equal(killed.code, -1, 'killed by a signal')

      if (dialect !== 'mysql') {
        // Transactional DDL: nothing of the killed run is visible.
        assert.deepEqual(
          (await tableNames(s.db)).filter((t) => !t.startsWith('strata_')),
          [],
          'no partial effect',
        )
        assert.deepEqual((await versionRows(s.db)) ?? [], [])
      } else {
        // MySQL committed the first step and recorded how far the second got.
        assert.deepEqual(await versionRows(s.db), [r1])
        const rows = await historyRows(s)
        assert.deepEqual(rows.map((r) => [r.revision, r.status, Number(r.statements_done)]), [
          [r1, 'done', 1],
          [r2, 'running', 1],
        ])
      }

      const t0 = Date.now()
      const next = await s.strata(['upgrade', 'head', '--lock-timeout', '5'])
      const seconds = (Date.now() - t0) / 1000
      assert.equal(next.code, 0, next.stderr)
      assert.ok(seconds < 8, `the next run finished in ${seconds.toFixed(1)} s, well under the killed statement's 30 s`)
      assert.deepEqual(await versionRows(s.db), [r3])
      if (dialect === 'mysql') assert.match(next.stdout, new RegExp(`${r2} stopped after 1 statement\\(s\\) last time; resuming at statement 2`))
      const k2 = await rawQuery<{ id: number | string }>(s.db, 'SELECT id FROM k2 ORDER BY id')
      assert.deepEqual(
        k2.map((r) => Number(r.id)),
        dialect === 'sqlite' ? [-1, 1] : [-1],
        'the long step ran once, completely',
      )
      const rows = await historyRows(s)
      assert.deepEqual(rows.filter((h) => h.status === 'done').map((h) => h.revision), [r1, r2, r3])
      // On MySQL the killed step's row is marked as interrupted by the run that took over.
      assert.deepEqual(rows.filter((h) => h.status !== 'done').map((h) => `${h.revision} ${h.status}`), dialect === 'mysql' ? [`${r2} interrupted`] : [])
    } finally {
      await s.db.drop()
    }
  })

  it('a held lock: --lock-timeout and lockTimeout give up with a clear error naming the holder; nothing changes', async () => {
    const s = await createScenario(project, dialect, 'held', { config: 'lockTimeout: 1,' })
    try {
      const [r1, r2] = [revId(1, 'e'), revId(2, 'e')]
      s.revision({
        id: r1,
        down: null,
        message: 'hold',
        imports: ['integer'],
        up: `  await op.createTable('k2', { id: integer() })\n${slowLines(dialect)}`,
        down_: `  await op.dropTable('k2')`,
      })
      s.revision({ id: r2, down: r1, message: 'after', imports: ['integer'], up: `  await op.createTable('h2', { id: integer().primaryKey() })`, down_: `  await op.dropTable('h2')` })

      const holder = s.spawn(['upgrade', r1], { SLOW: '12' })
      // The holder has the lock once its statement runs; give it a moment to start.
      await new Promise((r) => setTimeout(r, 2500))

      let t0 = Date.now()
      const flag = await s.strata(['upgrade', 'head', '--lock-timeout', '1.5'])
      let waited = (Date.now() - t0) / 1000
      assert.equal(flag.code, 1, flag.stdout + flag.stderr)
      assert.equal(flag.stderr.trim().split('\n').length, 1, flag.stderr)
      assert.match(errorLine(flag), /lock/i)
      assert.match(errorLine(flag), dialect === 'sqlite' ? /pid \d+/ : dialect === 'postgres' ? /pid \d+/ : /connection \d+/)
      assert.ok(waited >= 1.4 && waited < 5, `gave up after ${waited} s`)

      t0 = Date.now()
      const configured = await s.strata(['upgrade', 'head'])
      waited = (Date.now() - t0) / 1000
      assert.equal(configured.code, 1, configured.stderr)
      assert.match(errorLine(configured), /lock/i)
      assert.ok(waited < 4, `lockTimeout: 1 honoured (${waited} s)`)

      const held = await holder.done
      assert.equal(held.code, 0, held.stderr)
      assert.deepEqual(await versionRows(s.db), [r1], 'the waiting runs changed nothing')
      const after = await s.strata(['upgrade', 'head'])
      assert.equal(after.code, 0, after.stderr)
      assert.deepEqual(await versionRows(s.db), [r2])
    } finally {
      await s.db.drop()
    }
  })
}, { needsServer: 'several processes at once, and kills' })
