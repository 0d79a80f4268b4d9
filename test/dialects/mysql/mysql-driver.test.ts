/** The mysql2 connection, URL options, error masking, databaseExists, and the GET_LOCK migration lock. */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Connection } from '../../../src/dialects/dialect.js'
import { mysqlDialect } from '../../../src/dialects/mysql/mysql-dialect.js'
import { DatabaseError } from '../../../src/errors.js'
import { MysqlConnection, MysqlDriverError, mysqlConnectionOptions, parseServerVersion, serverAtLeast } from '../../../src/dialects/mysql/mysql-driver.js'
import { maskSecret } from '../../../src/dialects/shared/secrets.js'
import { mysqlLockName } from '../../../src/dialects/mysql/mysql-lock.js'
import { parseDatabaseUrl } from '../../../src/runtime/url.js'
import { createTestDatabase, type TestDatabase } from '../../support/databases.js'

const url = (text: string) => parseDatabaseUrl(text, process.cwd())

describe('mysql connection options', () => {
  it('maps the URL to mysql2 options', () => {
    const options = mysqlConnectionOptions(url('mysql://app:p%40ss@db.example:3307/shop'))
    assert.equal(options.host, 'db.example')
    assert.equal(options.port, 3307)
    assert.equal(options.user, 'app')
    assert.equal(options.password, 'p@ss')
    assert.equal(options.database, 'shop')
    assert.equal(options.multipleStatements, false)
    assert.equal(options.dateStrings, true)
    assert.equal(options.supportBigNumbers, true)
    assert.equal(options.bigNumberStrings, true)
    assert.equal(options.ssl, undefined)
    assert.equal(mysqlConnectionOptions(url('mysql://app@h/shop'), false).database, undefined)
  })

  it('reads TLS settings from the query string', () => {
    assert.deepEqual(mysqlConnectionOptions(url('mysql://u@h/d?ssl=true')).ssl, {})
    assert.deepEqual(mysqlConnectionOptions(url('mysql://u@h/d?ssl-mode=REQUIRED')).ssl, { rejectUnauthorized: false })
    assert.deepEqual(mysqlConnectionOptions(url('mariadb://u@h/d?sslmode=require')).ssl, { rejectUnauthorized: false })
    assert.deepEqual(mysqlConnectionOptions(url('mysql://u@h/d?ssl-mode=VERIFY_IDENTITY')).ssl, { rejectUnauthorized: true })
    assert.equal(mysqlConnectionOptions(url('mysql://u@h/d?ssl-mode=DISABLED&ssl=true')).ssl, undefined)
  })

  it('parses server versions', () => {
    const maria = parseServerVersion('10.11.19-MariaDB-0+deb12u1')
    assert.equal(maria.mariadb, true)
    assert.ok(serverAtLeast(maria, 10, 5))
    assert.ok(!serverAtLeast(maria, 10, 12))
    const mysql8 = parseServerVersion('8.0.36')
    assert.equal(mysql8.mariadb, false)
    assert.ok(serverAtLeast(mysql8, 8, 0, 13))
  })

  it('masks passwords in URLs and literally', () => {
    assert.equal(maskSecret('failed mysql://root:hunter22@h/db', undefined), 'failed mysql://root:***@h/db')
    assert.equal(maskSecret("bad password 'hunter22' given", 'hunter22'), "bad password '***' given")
  })
})

describe('mysql connection', () => {
  let db: TestDatabase
  let connection: Connection
  before(async () => {
    db = await createTestDatabase('mysql', 'driver')
    connection = await mysqlDialect.connect(url(db.url))
  })
  after(async () => {
    await connection?.close()
    await db?.drop()
  })

  it('knows the server is MariaDB', () => {
    assert.ok(connection instanceof MysqlConnection)
    assert.equal((connection as MysqlConnection).server.mariadb, true)
  })

  it('returns rows, rowCount = affected rows, dates and big numbers as strings', async () => {
    await connection.execute('CREATE TABLE t (id BIGINT PRIMARY KEY, at DATETIME, amount DECIMAL(30,2))')
    const inserted = await connection.execute('INSERT INTO t VALUES (?, ?, ?), (2, NULL, 1)', [9007199254740993n.toString(), '2020-01-02 03:04:05', '12345678901234567890.25'])
    assert.equal(inserted.rowCount, 2)
    assert.equal((await connection.execute('UPDATE t SET amount = 5 WHERE id = 2')).rowCount, 1)
    assert.equal((await connection.execute('UPDATE t SET amount = 5 WHERE id = 2')).rowCount, 1, 'matched rows count, even when unchanged (CLIENT_FOUND_ROWS)')
    const rows = await connection.query('SELECT id, at, amount FROM t ORDER BY id')
    assert.deepEqual(rows, [
      { id: '2', at: null, amount: '5.00' },
      { id: '9007199254740993', at: '2020-01-02 03:04:05', amount: '12345678901234567890.25' },
    ])
    assert.deepEqual(await connection.query('UPDATE t SET amount = 6'), [])
  })

  it('refuses several statements in one call', async () => {
    await assert.rejects(connection.query('SELECT 1; SELECT 2'), MysqlDriverError)
  })

  it('wraps errors with the server code', async () => {
    await assert.rejects(connection.query('SELECT * FROM missing_table'), (error: MysqlDriverError) => {
      assert.ok(error instanceof DatabaseError)
      assert.equal(error.code, 'database')
      assert.equal(error.driverCode, 'ER_NO_SUCH_TABLE')
      assert.equal(error.errno, 1146)
      assert.equal(error.sqlState, '42S02')
      assert.equal(error.statement, 'SELECT * FROM missing_table')
      return true
    })
  })

  it('never shows the password of a failed login', async () => {
    const withPassword = db.url.replace('mysql://root@', 'mysql://root:Sup3rSecretPw@')
    await assert.rejects(mysqlDialect.connect(url(withPassword)), (error: Error) => {
      assert.ok(error instanceof MysqlDriverError)
      assert.ok(!error.message.includes('Sup3rSecretPw'), error.message)
      assert.match(error.message, /Access denied/)
      return true
    })
    await assert.rejects(mysqlDialect.connect(url('mysql://root:Sup3rSecretPw@127.0.0.1:1/x?connectTimeout=500')), (error: Error) => {
      assert.ok(!error.message.includes('Sup3rSecretPw'), error.message)
      assert.match(error.message, /cannot connect to mysql:\/\/root:\*\*\*@127\.0\.0\.1:1\/x/)
      return true
    })
  })

  it('databaseExists checks without creating', async () => {
    assert.equal(await mysqlDialect.databaseExists(url(db.url)), true)
    const missing = db.url.replace(/\/[^/]+$/, '/strata_t_surely_missing_db')
    assert.equal(await mysqlDialect.databaseExists(url(missing)), false)
    assert.equal(await mysqlDialect.databaseExists(url(missing)), false)
    await assert.rejects(mysqlDialect.connect(url(missing)), /Unknown database/)
  })

  it('close is idempotent', async () => {
    const other = await mysqlDialect.connect(url(db.url))
    await other.close()
    await other.close()
  })
})

describe('mysql migration lock', () => {
  let db: TestDatabase
  let first: Connection
  let second: Connection
  before(async () => {
    db = await createTestDatabase('mysql', 'lock')
    first = await mysqlDialect.connect(url(db.url))
    second = await mysqlDialect.connect(url(db.url))
  })
  after(async () => {
    await first?.close()
    await second?.close()
    await db?.drop()
  })

  it('is exclusive, names its holder on timeout, and does not open a transaction', async () => {
    const lock = await mysqlDialect.acquireLock(first, 1000)
    const [{ id }] = (await first.query<{ id: number }>('SELECT CONNECTION_ID() AS id')) as [{ id: number }]
    assert.equal(Number((await first.query<{ t: number }>('SELECT @@in_transaction AS t'))[0]!.t), 0)
    const started = Date.now()
    await assert.rejects(mysqlDialect.acquireLock(second, 300), (error: Error) => {
      assert.match(error.message, new RegExp(`lock 'strata_migrations_${db.url.split('/').pop()}' is held by connection ${id} \\(root@`))
      return true
    })
    assert.ok(Date.now() - started >= 290, 'waited for the timeout')
    await lock.release()
    const next = await mysqlDialect.acquireLock(second, 1000)
    await next.release()
  })

  it('waits with backoff and gets the lock once it is released', async () => {
    const lock = await mysqlDialect.acquireLock(first, 1000)
    setTimeout(() => void lock.release(), 200)
    const started = Date.now()
    const next = await mysqlDialect.acquireLock(second, 3000)
    assert.ok(Date.now() - started >= 150)
    await next.release()
  })

  it('dies with the session that held it', async () => {
    const holder = await mysqlDialect.connect(url(db.url))
    await mysqlDialect.acquireLock(holder, 1000)
    await assert.rejects(mysqlDialect.acquireLock(second, 100), /held by/)
    await holder.close()
    const next = await mysqlDialect.acquireLock(second, 2000)
    await next.release()
  })

  it('hashes lock names past 64 characters', () => {
    assert.equal(mysqlLockName('shop'), 'strata_migrations_shop')
    const long = mysqlLockName('d'.repeat(60))
    assert.ok(long.length <= 64)
    assert.notEqual(long, mysqlLockName('d'.repeat(61)))
  })
})
