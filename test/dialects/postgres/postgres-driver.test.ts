/** The PostgreSQL driver and migration lock against a real server. */
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { parseDatabaseUrl } from '../../../src/runtime/url.js'
import { postgresDialect } from '../../../src/dialects/postgres/postgres-dialect.js'
import { DatabaseError } from '../../../src/errors.js'
import { clientConfig, sslOption, wrapPostgresError, type PostgresConnection } from '../../../src/dialects/postgres/postgres-driver.js'
import { STRATA_LOCK_KEY } from '../../../src/dialects/postgres/postgres-lock.js'
import { usePostgresDatabase } from './pg-test-helpers.js'

describe('postgres driver', () => {
  const ctx = usePostgresDatabase('driver')

  it('queries, executes with rowCount, and counts statements', async () => {
    const { conn } = ctx()
    const before = conn.queryCount
    await conn.execute(`CREATE TABLE d (v integer)`)
    assert.deepEqual(await conn.execute(`INSERT INTO d VALUES (1), (2), (3)`), { rowCount: 3 })
    assert.deepEqual(await conn.execute(`UPDATE d SET v = v + 1 WHERE v > $1`, [1]), { rowCount: 2 })
    assert.deepEqual(await conn.query(`SELECT v FROM d ORDER BY v`), [{ v: 1 }, { v: 3 }, { v: 4 }])
    assert.equal(conn.queryCount - before, 4)
  })

  it('runs a batch of reads in one round trip, and statements with parameters one at a time', async () => {
    const { conn } = ctx()
    const [before, trips] = [conn.queryCount, conn.roundTrips]
    assert.deepEqual(await conn.queryBatch([{ sql: 'SELECT 1 AS a' }, { sql: 'SELECT 2 AS b UNION ALL SELECT 3' }, { sql: 'SELECT 4 AS c WHERE false' }]), [
      [{ a: 1 }],
      [{ b: 2 }, { b: 3 }],
      [],
    ])
    assert.deepEqual([conn.queryCount - before, conn.roundTrips - trips], [3, 1])
    assert.deepEqual(await conn.queryBatch([{ sql: 'SELECT $1::int AS a', params: [5] }, { sql: 'SELECT 6 AS b' }]), [[{ a: 5 }], [{ b: 6 }]])
    assert.deepEqual([conn.queryCount - before, conn.roundTrips - trips], [5, 3])
  })

  it('identifies itself as application_name strata unless the URL says otherwise', async () => {
    const { conn, url } = ctx()
    assert.deepEqual(await conn.query(`SELECT current_setting('application_name') AS a`), [{ a: 'strata' }])
    const other = await postgresDialect.connect({ ...url, params: { application_name: 'deploy-bot' } })
    try {
      assert.deepEqual(await other.query(`SELECT current_setting('application_name') AS a`), [{ a: 'deploy-bot' }])
    } finally {
      await other.close()
    }
  })

  it('wraps server errors with SQLSTATE and statement', async () => {
    const { conn } = ctx()
    await assert.rejects(conn.query(`SELECT * FROM no_such_table`), (error: Error) => {
      assert.equal(error.name, 'PostgresError')
      assert.ok(error instanceof DatabaseError)
      assert.equal(error.code, 'database')
      assert.equal(error.sqlState, '42P01')
      assert.equal(error.statement, 'SELECT * FROM no_such_table')
      return true
    })
  })

  it('never shows the password in connection errors', async () => {
    const url = parseDatabaseUrl('postgresql://someone:hunter2-secret@127.0.0.1:1/nothing', '/')
    await assert.rejects(postgresDialect.connect(url), (error: Error) => {
      assert.ok(!error.message.includes('hunter2-secret'), error.message)
      assert.match(error.message, /someone:\*\*\*@127\.0\.0\.1:1/)
      assert.ok(error instanceof DatabaseError)
      assert.equal(error.code, 'connect')
      assert.equal(error.driverCode, 'ECONNREFUSED')
      return true
    })
    const wrapped = wrapPostgresError(new Error('auth failed for postgresql://u:pw-123@h/db, password pw-123'), { password: 'pw-123' })
    assert.ok(!wrapped.message.includes('pw-123'), wrapped.message)
  })

  it('databaseExists: true for this database, false for a missing one (without creating it)', async () => {
    const { url } = ctx()
    assert.equal(await postgresDialect.databaseExists(url), true)
    const missing = { ...url, database: 'strata_no_such_database_here' }
    assert.equal(await postgresDialect.databaseExists(missing), false)
    assert.equal(await postgresDialect.databaseExists(missing), false)
  })

  it('maps URL TLS parameters to node-postgres ssl options', () => {
    assert.equal(sslOption({}), false)
    assert.equal(sslOption({ sslmode: 'disable' }), false)
    assert.equal(sslOption({ sslmode: 'prefer' }), false)
    assert.deepEqual(sslOption({ sslmode: 'require' }), { rejectUnauthorized: false })
    assert.deepEqual(sslOption({ sslmode: 'verify-full' }), { rejectUnauthorized: true })
    const verifyCa = sslOption({ sslmode: 'verify-ca' }) as { rejectUnauthorized: boolean; checkServerIdentity: () => unknown }
    assert.equal(verifyCa.rejectUnauthorized, true)
    assert.equal(verifyCa.checkServerIdentity(), undefined)
    assert.equal(sslOption({ ssl: 'true' }), true)
    assert.equal(sslOption({ ssl: '0' }), false)
    assert.throws(() => sslOption({ sslmode: 'sometimes' }), /unknown sslmode/)
    const config = clientConfig(parseDatabaseUrl('postgresql://u:p@db.example:6543/app?sslmode=require&connect_timeout=5', '/'))
    assert.equal(config.host, 'db.example')
    assert.equal(config.port, 6543)
    assert.equal(config.user, 'u')
    assert.equal(config.password, 'p')
    assert.equal(config.database, 'app')
    assert.equal(config.application_name, 'strata')
    assert.equal(config.connectionTimeoutMillis, 5000)
    assert.deepEqual(config.ssl, { rejectUnauthorized: false })
  })
})

describe('postgres migration lock', () => {
  const ctx = usePostgresDatabase('lock')
  const second = async () => (await postgresDialect.connect({ ...ctx().url, params: { application_name: 'strata-rival' } })) as PostgresConnection

  it('uses a fixed 64-bit key derived from "strata"', () => {
    assert.equal(typeof STRATA_LOCK_KEY, 'bigint')
    assert.ok(STRATA_LOCK_KEY >= -(2n ** 63n) && STRATA_LOCK_KEY < 2n ** 63n)
  })

  it('blocks a second session, names the holder on timeout, and is free again after release', async () => {
    const { conn } = ctx()
    const rival = await second()
    try {
      const held = await postgresDialect.acquireLock(rival, 1000)
      const started = Date.now()
      await assert.rejects(postgresDialect.acquireLock(conn, 300), (error: Error) => {
        assert.match(error.message, new RegExp(`pid ${rival.processId}`))
        assert.match(error.message, /application_name 'strata-rival'/)
        return true
      })
      assert.ok(Date.now() - started >= 280, 'retried until the timeout')
      await held.release()
      await held.release()
      const mine = await postgresDialect.acquireLock(conn, 300)
      await mine.release()
    } finally {
      await rival.close()
    }
  })

  it('sessions in different schemas of one database (fleet tenants) lock apart; the same schema still excludes', async () => {
    const { conn, url } = ctx()
    await conn.execute('CREATE SCHEMA IF NOT EXISTS tenant_a')
    await conn.execute('CREATE SCHEMA IF NOT EXISTS tenant_b')
    const inSchema = async (schema: string) => (await postgresDialect.connect({ ...url, params: { options: `-c search_path=${schema}` } })) as PostgresConnection
    const [a, b, a2] = [await inSchema('tenant_a'), await inSchema('tenant_b'), await inSchema('tenant_a')]
    try {
      const heldA = await postgresDialect.acquireLock(a, 1000)
      const heldB = await postgresDialect.acquireLock(b, 300)
      await assert.rejects(postgresDialect.acquireLock(a2, 300), /another strata run holds the migration lock/)
      // The default schema keeps the key every release used.
      const publicLock = await postgresDialect.acquireLock(conn, 300)
      const rival = await second()
      await assert.rejects(postgresDialect.acquireLock(rival, 200), (error: Error) => error.message.includes(`(advisory lock ${STRATA_LOCK_KEY})`))
      await rival.close()
      for (const held of [heldA, heldB, publicLock]) await held.release()
    } finally {
      for (const c of [a, b, a2]) await c.close()
    }
  })

  it('waits for a lock released during the wait', async () => {
    const { conn } = ctx()
    const rival = await second()
    try {
      const held = await postgresDialect.acquireLock(rival, 1000)
      setTimeout(() => void held.release(), 200)
      const mine = await postgresDialect.acquireLock(conn, 3000)
      await mine.release()
    } finally {
      await rival.close()
    }
  })

  it('dies with its session: a killed holder leaves no stale lock', async () => {
    const { conn } = ctx()
    const rival = await second()
    await postgresDialect.acquireLock(rival, 1000)
    await conn.query(`SELECT pg_terminate_backend($1)`, [rival.processId])
    const mine = await postgresDialect.acquireLock(conn, 3000)
    await mine.release()
    await rival.close().catch(() => undefined)
  })
})
