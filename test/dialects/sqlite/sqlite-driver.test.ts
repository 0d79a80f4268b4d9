/** The SQLite Connection, databaseExists and the BEGIN IMMEDIATE lock, against real files and processes. */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { Connection } from '../../../src/dialects/dialect.js'
import { DatabaseError } from '../../../src/errors.js'
import { sqliteDialect } from '../../../src/dialects/sqlite/sqlite-dialect.js'
import { parseDatabaseUrl } from '../../../src/runtime/url.js'

describe('sqlite driver', () => {
  let dir: string
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'strata-sqlite-driver-'))
  })
  after(() => {
    rmSync(dir, { recursive: true, force: true })
  })

  it('creates the missing parent folder of a relative URL; databaseExists never creates the file', async () => {
    const url = parseDatabaseUrl('sqlite:///./data/app.sqlite', dir)
    assert.equal(await sqliteDialect.databaseExists(url), false)
    assert.equal(existsSync(join(dir, 'data')), false, 'databaseExists created nothing')
    const connection = await sqliteDialect.connect(url)
    await connection.execute('CREATE TABLE t (id INTEGER)')
    await connection.close()
    assert.ok(existsSync(join(dir, 'data', 'app.sqlite')))
    assert.equal(await sqliteDialect.databaseExists(url), true)
  })

  it('supports :memory:', async () => {
    const url = parseDatabaseUrl('sqlite::memory:', dir)
    assert.equal(await sqliteDialect.databaseExists(url), true)
    const connection = await sqliteDialect.connect(url)
    assert.deepStrictEqual(await connection.query('SELECT 1 AS one'), [{ one: 1 }])
    await connection.close()
  })

  describe('statements', () => {
    let connection: Connection
    before(async () => {
      connection = await sqliteDialect.connect(parseDatabaseUrl('sqlite:///stmts.sqlite', dir))
      await connection.execute('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT, flag BOOLEAN, at TEXT, data TEXT)')
    })
    after(async () => {
      await connection.close()
    })

    it('execute reports changed rows; query returns rows, or [] for statements without rows', async () => {
      assert.deepStrictEqual(await connection.execute('INSERT INTO t (v) VALUES (?), (?)', ['a', 'b']), { rowCount: 2 })
      assert.deepStrictEqual(await connection.execute(`UPDATE t SET v = 'c' WHERE v = 'zzz'`), { rowCount: 0 })
      assert.deepStrictEqual(await connection.query(`UPDATE t SET v = upper(v)`), [])
      assert.deepStrictEqual(await connection.query('SELECT v FROM t ORDER BY id'), [{ v: 'A' }, { v: 'B' }])
    })

    it('binds booleans, dates, undefined and objects the way strata stores them', async () => {
      const at = new Date('2024-05-06T07:08:09.000Z')
      await connection.execute('INSERT INTO t (id, v, flag, at, data) VALUES (?, ?, ?, ?, ?)', [10, undefined, true, at, { k: 1 }])
      assert.deepStrictEqual(await connection.query('SELECT v, flag, at, data FROM t WHERE id = ?', [10]), [
        { v: null, flag: 1, at: '2024-05-06T07:08:09.000Z', data: '{"k":1}' },
      ])
    })

    it('runs a parameterless multi-statement string as a script, and a comment-only one as nothing', async () => {
      await connection.execute('CREATE TABLE s1 (a INTEGER); CREATE TABLE s2 (b INTEGER);')
      await connection.execute('-- nothing to do')
      const names = await connection.query<{ name: string }>(`SELECT name FROM sqlite_master WHERE name IN ('s1', 's2') ORDER BY name`)
      assert.deepStrictEqual(names.map((n) => n.name), ['s1', 's2'])
      await assert.rejects(connection.execute('SELECT ?; SELECT ?', [1, 2]), /single statement/)
    })

    it('wraps driver errors with the SQLite code and the statement', async () => {
      await assert.rejects(connection.execute('INSERT INTO nowhere VALUES (1)'), (error: Error & { driverCode?: string; statement?: string }) => {
        assert.equal(error.name, 'SqliteError')
        assert.ok(error instanceof DatabaseError)
        assert.equal(error.driverCode, 'SQLITE_ERROR')
        assert.match(error.message, /no such table: nowhere/)
        assert.equal(error.statement, 'INSERT INTO nowhere VALUES (1)')
        return true
      })
    })

    it('keeps foreign key enforcement off; PRAGMA foreign_key_check fails execute() when it reports rows', async () => {
      assert.deepStrictEqual(await connection.query('PRAGMA foreign_keys'), [{ foreign_keys: 0 }])
      await connection.execute('CREATE TABLE parent (id INTEGER PRIMARY KEY)')
      await connection.execute('CREATE TABLE child (id INTEGER PRIMARY KEY, pid INTEGER REFERENCES parent (id))')
      await connection.execute('PRAGMA foreign_key_check("child")')
      await connection.execute('INSERT INTO child (id, pid) VALUES (7, 99)')
      await assert.rejects(connection.execute('PRAGMA foreign_key_check("child")'), /foreign key check failed: row 7 of "child" has no parent in "parent"/)
      assert.equal((await connection.query('PRAGMA foreign_key_check("child")')).length, 1, 'query() only reports')
    })
  })
})

const betterSqlite = createRequire(import.meta.url).resolve('better-sqlite3')

describe('sqlite lock', () => {
  let dir: string
  let file: string
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'strata-sqlite-lock-'))
    file = join(dir, 'lock.sqlite')
  })
  after(() => {
    rmSync(dir, { recursive: true, force: true })
  })
  const open = () => sqliteDialect.connect(parseDatabaseUrl(`sqlite:///${file}`, dir))

  it('BEGIN IMMEDIATE is the lock: a second holder times out naming the file, then gets it after release', async () => {
    const first = await open()
    const second = await open()
    try {
      const held = await sqliteDialect.acquireLock(first, 1000)
      await first.execute('CREATE TABLE locked (id INTEGER)')
      const started = Date.now()
      await assert.rejects(sqliteDialect.acquireLock(second, 300), new RegExp(`another process holds the write lock on ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`))
      assert.ok(Date.now() - started >= 280, 'waited for the timeout')
      await held.release()
      assert.equal((await first.query(`SELECT name FROM sqlite_master WHERE name = 'locked'`)).length, 0, 'release rolled back the open transaction')
      const next = await sqliteDialect.acquireLock(second, 1000)
      await second.execute('COMMIT')
      await next.release()
      assert.deepStrictEqual(await second.query('PRAGMA busy_timeout'), [{ timeout: 5000 }], 'busy timeout restored')
    } finally {
      await first.close()
      await second.close()
    }
  })

  it('a waiting process gets the lock as soon as the holder commits', async () => {
    const first = await open()
    const second = await open()
    try {
      await sqliteDialect.acquireLock(first, 1000)
      setTimeout(() => void first.execute('COMMIT'), 200)
      const held = await sqliteDialect.acquireLock(second, 5000)
      await held.release()
    } finally {
      await first.close()
      await second.close()
    }
  })

  it('a killed process leaves no stale lock', async () => {
    const script = `
      const Database = require(${JSON.stringify(betterSqlite)})
      const db = new Database(${JSON.stringify(file)})
      db.exec('BEGIN IMMEDIATE')
      process.stdout.write('locked\\n')
      setInterval(() => {}, 1000)
    `
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] })
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => d.toString().includes('locked') && resolve())
      child.on('exit', (code) => reject(new Error(`child exited early (${code})`)))
    })
    const connection = await open()
    try {
      await assert.rejects(sqliteDialect.acquireLock(connection, 200), /holds the write lock/)
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGKILL')
      await exited
      const held = await sqliteDialect.acquireLock(connection, 2000)
      await held.release()
    } finally {
      await connection.close()
    }
  })
})
