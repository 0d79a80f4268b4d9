/**
 * `ddlLockTimeout` with retries on real servers: a second session holds a lock that conflicts with a migration's
 * ALTER while `strata upgrade` runs. The statement is cancelled after the bound (so a third session's writes
 * queued behind it go on), retried after a pause, and succeeds once the blocker ends; a blocker that never ends
 * fails the run with `ddl-lock-timeout` and leaves the database as it was. PostgreSQL `lock_timeout` (savepoints
 * inside the transaction, the statement itself outside one, an INVALID index from CONCURRENTLY cleaned up) and
 * MySQL/MariaDB `lock_wait_timeout` (whole seconds).
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { after, before, it } from 'node:test'
import mysql from 'mysql2/promise'
import pg from 'pg'
import { upgrade } from '../../src/index.js'
import { StrataError } from '../../src/errors.js'
import { type TestDatabase, describeDialect } from '../support/databases.js'
import { columnNames, rawQuery, tableNames, versionRows } from '../support/inspect.js'
import type { UserProject } from '../support/project.js'
import { type Scenario, createScenario, errorLine, linkUserProject, revId } from '../support/safe-project.js'

/** A raw session of its own (pg or mysql2), outside strata. */
interface Session {
  query(sql: string): Promise<unknown>
  end(): Promise<void>
}

async function openSession(db: TestDatabase): Promise<Session> {
  if (db.dialect === 'postgres') {
    const client = new pg.Client({ connectionString: db.url })
    await client.connect()
    client.on('error', () => undefined)
    return { query: (sql) => client.query(sql), end: () => client.end() }
  }
  const conn = await mysql.createConnection({ uri: db.url })
  return { query: (sql) => conn.query(sql), end: () => conn.end() }
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** A third session inserting rows one by one until stopped; reports its longest single INSERT. */
function startWriter(session: Session, firstId: number): { stop: () => Promise<{ longestMs: number; rows: number }> } {
  let running = true
  let longestMs = 0
  let rows = 0
  const loop = (async () => {
    for (let id = firstId; running; id++) {
      const t0 = performance.now()
      await session.query(`INSERT INTO t (id, v) VALUES (${id}, 1)`)
      longestMs = Math.max(longestMs, performance.now() - t0)
      rows++
      await wait(5)
    }
  })()
  return {
    stop: async () => {
      running = false
      await loop
      return { longestMs, rows }
    },
  }
}

/** Resolves once `check` holds (polls); rejects after `ms`. */
async function waitFor(check: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await wait(20)
  }
}

const RETRY_LINE = /^lock timeout on "t" after (\d+(?:\.\d+)?) (?:ms|s), retry (\d+)\/(\d+) in \d+ ms$/gm

for (const dialect of ['postgres', 'mysql'] as const) {
  // MySQL counts lock_wait_timeout in whole seconds.
  const timeoutMs = dialect === 'postgres' ? 300 : 1000
  const blockedMs = dialect === 'postgres' ? 1500 : 2500

  describeDialect(dialect, 'ddlLockTimeout: bounded lock waits with retries', () => {
    let project: UserProject
    const scenarios: Scenario[] = []
    before(() => {
      project = linkUserProject(`ddl-lock-${dialect}`)
    })
    after(async () => {
      for (const s of scenarios) await s.db.drop()
      project?.remove()
    })

    /** A database at revision 1 (table t with 100 rows) and revision 2 written: `side` then an ALTER of t. */
    async function scenario(label: string, config: string, extra = ''): Promise<Scenario> {
      const s = await createScenario(project, dialect, label, { config })
      scenarios.push(s)
      s.revision({ id: revId(1), down: null, message: 'table t', imports: ['integer'], up: `  await op.createTable('t', { id: integer().primaryKey(), v: integer() })` })
      const first = await s.strata(['upgrade', 'head'])
      assert.equal(first.code, 0, first.stderr)
      await rawQuery(s.db, `INSERT INTO t (id, v) VALUES ${Array.from({ length: 100 }, (_, i) => `(${i + 1}, ${i + 1})`).join(', ')}`)
      s.revision({
        id: revId(2),
        down: revId(1),
        message: 'alter t',
        imports: ['integer'],
        extra,
        up: [
          `  await op.createTable('side', { id: integer().primaryKey() })`,
          `  await op.bulkInsert('side', [{ id: 1 }])`,
          `  await op.addColumn('t', 'w', integer())`,
          `  await op.execute('UPDATE t SET w = v * 2')`,
        ].join('\n'),
      })
      return s
    }

    /** The next `upgrade head` completes revision 2: each of its statements took effect once. */
    async function rerunCompletes(s: Scenario): Promise<void> {
      const rerun = await s.strata(['upgrade', 'head'])
      assert.equal(rerun.code, 0, rerun.stdout + rerun.stderr)
      assert.deepEqual(await versionRows(s.db), [revId(2)])
      assert.deepEqual(await rawQuery(s.db, 'SELECT id FROM side'), [{ id: 1 }])
      const updated = await rawQuery<{ ok: number | string }>(s.db, 'SELECT sum(CASE WHEN w = v * 2 THEN 1 ELSE 0 END) AS ok FROM t')
      assert.equal(Number(updated[0]!.ok), 100)
    }

    /** A session holding a lock that conflicts with ALTER TABLE t (ACCESS SHARE / a shared metadata lock). */
    async function blocker(s: Scenario): Promise<Session> {
      const session = await openSession(s.db)
      await session.query(dialect === 'postgres' ? 'BEGIN' : 'START TRANSACTION')
      await session.query('SELECT count(*) FROM t')
      return session
    }

    it('a blocker released after a while: the ALTER is retried and succeeds; earlier statements kept once; writers wait at most about the bound', async () => {
      const s = await scenario('released', `ddlLockTimeout: '${timeoutMs}ms', ddlLockRetries: 10, ddlLockRetryDelay: 100, ddlLockRetryMaxDelay: 400,`)
      const block = await blocker(s)
      const writerSession = await openSession(s.db)
      const writer = startWriter(writerSession, 1000)
      const run = s.spawn(['upgrade', 'head'])
      // The blocker stays until strata has been cancelled once (starting the CLI takes a while), then a while longer.
      await waitFor(() => /^lock timeout on /m.test(run.output()), 60_000, 'a first retry')
      await wait(blockedMs)
      await block.query(dialect === 'postgres' ? 'ROLLBACK' : 'COMMIT')
      await block.end()
      const result = await run.done
      const { longestMs, rows } = await writer.stop()
      await writerSession.end()
      assert.equal(result.code, 0, result.stdout + result.stderr)

      const retries = [...result.stdout.matchAll(RETRY_LINE)]
      assert.ok(retries.length >= 1, `at least one retry line:\n${result.stdout}`)
      assert.equal(retries[0]![2], '1', 'the first retry is numbered 1')
      assert.equal(retries[0]![3], '10', 'out of ddlLockRetries')
      assert.deepEqual(await versionRows(s.db), [revId(2)])
      // The statements before the ALTER, in the same transaction on PostgreSQL: there once, not lost, not doubled.
      assert.deepEqual(await rawQuery(s.db, 'SELECT id FROM side'), [{ id: 1 }])
      assert.ok((await columnNames(s.db, 't')).includes('w'))
      const original = await rawQuery<{ n: number | string; ok: number | string }>(s.db, 'SELECT count(*) AS n, sum(CASE WHEN w = v * 2 THEN 1 ELSE 0 END) AS ok FROM t WHERE id <= 100')
      assert.deepEqual(original.map((r) => [Number(r.n), Number(r.ok)]), [[100, 100]], 'every original row updated once')
      const written = await rawQuery<{ n: number | string }>(s.db, 'SELECT count(*) AS n FROM t WHERE id >= 1000')
      assert.equal(Number(written[0]!.n), rows, 'every write of the third session is there')
      // Without the bound the writer would wait behind the queued ALTER until the blocker ends (blockedMs).
      assert.ok(rows > 0, 'the writer ran during the migration')
      assert.ok(longestMs < timeoutMs + 1500, `the writer waited at most about the lock timeout (longest ${Math.round(longestMs)} ms)`)
    })

    it('a blocker that never ends: the run fails with ddl-lock-timeout after the retries; nothing changed', async () => {
      const s = await scenario('held', `ddlLockTimeout: ${timeoutMs}, ddlLockRetries: 5, ddlLockRetryDelay: 50, ddlLockRetryMaxDelay: 100,`)
      const block = await blocker(s)
      try {
        // The CLI flag overrides the config's retries.
        const result = await s.strata(['upgrade', 'head', '--ddl-lock-retries', '2'])
        assert.equal(result.code, 1, result.stdout + result.stderr)
        assert.equal([...result.stdout.matchAll(RETRY_LINE)].map((m) => `${m[2]}/${m[3]}`).join(' '), '1/2 2/2')
        const line = errorLine(result)
        assert.equal(line.split('\n').length, 1, line)
        assert.match(line, /^upgrade a00000000002 failed in addColumn .* at statement 3: .*lock timeout on "t": still blocked after 3 attempt\(s\) of \d+(\.\d+)? (ms|s) .*raise ddlLockTimeout \/ ddlLockRetries; /)
        // PostgreSQL: one transaction, rolled back. MySQL: DDL commits as it goes, the step resumes at the ALTER.
        if (dialect === 'postgres') assert.match(line, /; rolled back; the database is as it was before this run$/)
        else assert.match(line, /; the database holds the effect of its first 2 statement\(s\); statement 3 did not take effect; /)

        // The same through the API: the stable code.
        const error = await upgrade(s.path('strata.config.ts'), 'head', { ddlLockRetries: 1, log: () => undefined }).then(
          () => null,
          (e: unknown) => e,
        )
        assert.ok(error instanceof StrataError, String(error))
        assert.equal(error.code, 'ddl-lock-timeout')
      } finally {
        await block.query('ROLLBACK')
        await block.end()
      }
      assert.deepEqual(await versionRows(s.db), [revId(1)], 'version row unchanged')
      if (dialect === 'postgres') assert.ok(!(await tableNames(s.db)).includes('side'), 'the earlier statements of the step were rolled back')
      assert.ok(!(await columnNames(s.db, 't')).includes('w'), 'schema unchanged')
      const history = await rawQuery<{ revision: string; status: string }>(s.db, "SELECT revision, status FROM strata_history WHERE status = 'failed'")
      assert.ok(history.some((h) => h.revision === revId(2)), 'the failure is recorded')

      // Once the blocker is gone, the next run completes the step; nothing ran twice.
      await rerunCompletes(s)
    })

    it('outside a transaction (transaction = false): the statement itself is retried', async () => {
      const s = await scenario('autocommit', `ddlLockTimeout: ${timeoutMs}, ddlLockRetries: 10, ddlLockRetryDelay: 100, ddlLockRetryMaxDelay: 400,`, 'export const transaction = false')
      const block = await blocker(s)
      const run = s.spawn(['upgrade', 'head'])
      // The blocker stays until strata has been cancelled once (starting the CLI takes a while), then a while longer.
      await waitFor(() => /^lock timeout on /m.test(run.output()), 60_000, 'a first retry')
      await wait(blockedMs)
      await block.query('ROLLBACK')
      await block.end()
      const result = await run.done
      assert.equal(result.code, 0, result.stdout + result.stderr)
      assert.ok([...result.stdout.matchAll(RETRY_LINE)].length >= 1, result.stdout)
      assert.deepEqual(await versionRows(s.db), [revId(2)])
      assert.deepEqual(await rawQuery(s.db, 'SELECT id FROM side'), [{ id: 1 }])
      const original = await rawQuery<{ ok: number | string }>(s.db, 'SELECT sum(CASE WHEN w = v * 2 THEN 1 ELSE 0 END) AS ok FROM t')
      assert.equal(Number(original[0]!.ok), 100)
    })

    it('a run killed while it pauses between retries: the next run completes the step, each statement once', async () => {
      const s = await scenario('killed', `ddlLockTimeout: ${timeoutMs}, ddlLockRetries: 50, ddlLockRetryDelay: 200, ddlLockRetryMaxDelay: 400,`)
      const block = await blocker(s)
      const run = s.spawn(['upgrade', 'head'])
      await waitFor(() => /^lock timeout on /m.test(run.output()), 60_000, 'a first retry')
      run.child.kill('SIGKILL')
      await run.done
      await block.query('ROLLBACK')
      await block.end()
      assert.deepEqual(await versionRows(s.db), [revId(1)], 'not moved by the killed run')
      await rerunCompletes(s)
    })

    it('an offline script sets the bound once at its top (no retries offline); lint trusts the config', async () => {
      const s = await scenario('script', `ddlLockTimeout: '${timeoutMs}ms',`)
      const script = await s.strata(['upgrade', `${revId(1)}:head`, '--sql'])
      assert.equal(script.code, 0, script.stderr)
      const lines = script.stdout.split('\n')
      const set = dialect === 'postgres' ? `SET lock_timeout = '${timeoutMs}ms';` : 'SET SESSION lock_wait_timeout = 1;'
      const at = lines.indexOf(set)
      assert.ok(at >= 0, script.stdout)
      assert.ok(at < lines.findIndex((l) => /^(BEGIN|START TRANSACTION);$/.test(l)), 'before the first transaction')
      assert.equal(lines.filter((l) => /lock_(wait_)?timeout/.test(l) && !l.startsWith('--')).length, dialect === 'postgres' ? 1 : 2, 'once')
      const off = await s.strata(['upgrade', `${revId(1)}:head`, '--sql', '--ddl-lock-timeout', '0'])
      assert.equal(off.code, 0, off.stderr)
      assert.doesNotMatch(off.stdout, /lock_(wait_)?timeout/)

      if (dialect !== 'postgres') return
      const findings = async (config: string) => {
        const r = await s.strata(['lint', 'base:head', '--json', '--config', config])
        return (JSON.parse(r.stdout) as { findings: Array<{ rule: string }> }).findings.map((f) => f.rule)
      }
      assert.ok(!(await findings('strata.config.ts')).includes('missing-lock-timeout'), 'silent with ddlLockTimeout')
      s.write('plain.config.ts', readFileSync(s.path('strata.config.ts'), 'utf8').replace(/ddlLockTimeout: [^,]+,/, ''))
      assert.ok((await findings('plain.config.ts')).includes('missing-lock-timeout'), 'reported without it')
    })

    if (dialect === 'postgres')
      it('CREATE INDEX CONCURRENTLY cancelled while waiting leaves an INVALID index: dropped before each retry, built once', async () => {
        const s = await scenario('cic', `ddlLockTimeout: ${timeoutMs}, ddlLockRetries: 20, ddlLockRetryDelay: 100, ddlLockRetryMaxDelay: 200,`)
        s.revision({ id: revId(3), down: revId(2), message: 'index', up: `  await op.autocommit(() => op.createIndex('ix_t_v', 't', ['v'], { online: true }))` })
        assert.equal((await s.strata(['upgrade', revId(2)])).code, 0)
        // An open writing transaction: the concurrent build registers the index, then waits for it to end.
        const block = await openSession(s.db)
        await block.query('BEGIN')
        await block.query('UPDATE t SET v = v WHERE id = 1')
        const run = s.spawn(['upgrade', 'head'])
        await waitFor(() => /^lock timeout on /m.test(run.output()), 60_000, 'a first retry')
        const left = await rawQuery(s.db, `SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = 'ix_t_v'`)
        assert.deepEqual(left, [{ indisvalid: false }], 'the cancelled build left an INVALID index')
        await wait(blockedMs)
        await block.query('COMMIT')
        await block.end()
        const result = await run.done
        assert.equal(result.code, 0, result.stdout + result.stderr)
        assert.ok([...result.stdout.matchAll(RETRY_LINE)].length >= 1, result.stdout)
        const indexes = await rawQuery<{ indisvalid: boolean }>(s.db, `SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = 'ix_t_v'`)
        assert.deepEqual(indexes, [{ indisvalid: true }], 'one valid index of that name')
        assert.deepEqual(await versionRows(s.db), [revId(3)])
      })
  })
}
