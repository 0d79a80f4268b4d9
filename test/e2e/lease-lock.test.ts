/**
 * The table (lease) lock. CockroachDB's pg_advisory_lock is a no-op stub (cockroach #13546) and cannot be installed
 * here, so its semantics are emulated on a real PostgreSQL: the test database's search_path puts a schema whose
 * pg_try_advisory_lock/pg_advisory_unlock always return true before pg_catalog. strata must notice (a second
 * session "takes" the same lock), switch to the table lock, and keep eight concurrent runners from applying any
 * migration twice. The lease itself (timeout, expiry, take-over, verify) is tested on PostgreSQL and MariaDB.
 */
import assert from 'node:assert/strict'
import { after, before, it } from 'node:test'
import pg from 'pg'
import type { Connection, Dialect } from '../../src/dialects/dialect.js'
import { LockLostError, LockTimeoutError } from '../../src/errors.js'
import { acquireLeaseLock } from '../../src/runtime/lease-lock.js'
import { loadDialect } from '../../src/runtime/dialects.js'
import { parseDatabaseUrl } from '../../src/runtime/url.js'
import { type TestDatabase, describeEachDialect } from '../support/databases.js'
import { rawQuery, versionRows } from '../support/inspect.js'
import type { UserProject } from '../support/project.js'
import { EFFECT_COUNTS_SQL, effectCounts, writeEffectRevisions } from '../support/effects.js'
import { createScenario, linkUserProject } from '../support/safe-project.js'

const databaseName = (db: TestDatabase) => new URL(db.url).pathname.slice(1)

/** Makes advisory locks no-ops for every new session on this database (as on CockroachDB). */
async function stubAdvisoryLocks(db: TestDatabase): Promise<void> {
  await rawQuery(
    db,
    `CREATE SCHEMA noop_locks;
     CREATE FUNCTION noop_locks.pg_try_advisory_lock(bigint) RETURNS boolean LANGUAGE sql AS 'SELECT true';
     CREATE FUNCTION noop_locks.pg_advisory_unlock(bigint) RETURNS boolean LANGUAGE sql AS 'SELECT true';
     ALTER DATABASE "${databaseName(db)}" SET search_path = public, noop_locks, pg_catalog`,
  )
}

async function bothSessionsGetTheLock(db: TestDatabase): Promise<boolean> {
  const a = new pg.Client({ connectionString: db.url })
  const b = new pg.Client({ connectionString: db.url })
  await a.connect()
  await b.connect()
  try {
    const first = (await a.query('SELECT pg_try_advisory_lock(42) AS ok')).rows[0].ok
    const second = (await b.query('SELECT pg_try_advisory_lock(42) AS ok')).rows[0].ok
    return first === true && second === true
  } finally {
    await a.end()
    await b.end()
  }
}

describeEachDialect('lease lock', ({ dialect }) => {
  if (dialect === 'sqlite') return // SQLite's lock is its file lock; the lease is for servers.
  let project: UserProject
  before(() => {
    project = linkUserProject(`lease-${dialect}`)
  })
  after(() => project?.remove())

  if (dialect === 'postgres')
    it('no-op advisory locks (emulated CockroachDB): strata switches to the table lock, and 8 runners apply each migration once', async () => {
      const s = await createScenario(project, dialect, 'noop')
      try {
        await stubAdvisoryLocks(s.db)
        assert.ok(await bothSessionsGetTheLock(s.db), 'the stub makes two sessions both hold the same advisory lock')
        const ids = writeEffectRevisions(s, { count: 20, prefix: 'l' })
        const results = await Promise.all(Array.from({ length: 8 }, () => s.spawn(['upgrade', 'head']).done))
        for (const r of results) assert.equal(r.code, 0, `exit ${r.code}: ${r.stderr}`)
        for (const r of results) assert.match(r.stdout, /advisory lock cannot protect this run: a second session took the same advisory lock.*using the table lock/)
        assert.deepEqual(effectCounts(await rawQuery(s.db, EFFECT_COUNTS_SQL)), ids.map((id) => `${id}:1`), 'every migration ran exactly once')
        assert.deepEqual(await versionRows(s.db), [ids[19]])
        const history = await rawQuery<{ n: string }>(s.db, `SELECT COUNT(*) AS n FROM strata_history WHERE status = 'done'`)
        assert.equal(Number(history[0]!.n), 20)
        assert.deepEqual(await rawQuery(s.db, 'SELECT * FROM strata_lock'), [], 'the lease is released')
      } finally {
        await s.db.drop()
      }
    })

  it("lock: 'table' in the config: 8 runners, each migration once, the lease row removed afterwards", async () => {
    const s = await createScenario(project, dialect, 'table', { config: `lock: 'table',` })
    try {
      const ids = writeEffectRevisions(s, { count: 10, prefix: 't' })
      const results = await Promise.all(Array.from({ length: 8 }, () => s.spawn(['upgrade', 'head']).done))
      for (const r of results) assert.equal(r.code, 0, `exit ${r.code}: ${r.stderr}`)
      assert.deepEqual(effectCounts(await rawQuery(s.db, EFFECT_COUNTS_SQL)), ids.map((id) => `${id}:1`))
      assert.deepEqual(await rawQuery(s.db, 'SELECT * FROM strata_lock'), [])
    } finally {
      await s.db.drop()
    }
  })

  it('a second run waits, then times out naming the holder; an expired lease is taken over and its old holder fails verify()', async () => {
    const s = await createScenario(project, dialect, 'expiry')
    const d: Dialect = await loadDialect(dialect)
    const url = parseDatabaseUrl(s.db.url, s.path())
    const open: Connection[] = []
    const connect = async () => {
      const c = await d.connect(url)
      open.push(c)
      await d.prepareSession?.(c)
      return c
    }
    try {
      const first = await acquireLeaseLock(d, await connect(), { leaseSeconds: 2, timeoutMs: 1000 })
      await first.verify()
      await assert.rejects(acquireLeaseLock(d, await connect(), { leaseSeconds: 2, timeoutMs: 300 }), (e: unknown) => {
        assert.ok(e instanceof LockTimeoutError)
        assert.match(e.message, new RegExp(`held by ${first.holder.replace(/[.:]/g, '\\$&')}`))
        return true
      })
      // The heartbeat keeps the lease alive well past its length.
      await new Promise((r) => setTimeout(r, 3000))
      await first.verify()
      // The holder "dies": its renewals stop (its connection is gone), so the lease runs out and may be taken.
      await open[0]!.close()
      const lines: string[] = []
      const second = await acquireLeaseLock(d, await connect(), { leaseSeconds: 2, timeoutMs: 10_000, log: (l) => lines.push(l) })
      assert.match(lines.join('\n'), /Took over the migration lock from .*lease expired/)
      const rows = await rawQuery<{ holder: string }>(s.db, 'SELECT holder FROM strata_lock')
      assert.deepEqual(
        rows.map((r) => r.holder),
        [second.holder],
      )
      await assert.rejects(first.verify(), (e: unknown) => e instanceof LockLostError && /lost the migration lock/.test(e.message))
      await second.verify()
      await second.release()
      await first.release()
      assert.deepEqual(await rawQuery(s.db, 'SELECT * FROM strata_lock'), [])
    } finally {
      for (const c of open) await c.close().catch(() => undefined)
      await s.db.drop()
    }
  })
}, { needsServer: 'several sessions racing for one lock' })
