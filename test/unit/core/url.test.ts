import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { maskPasswords, parseDatabaseUrl } from '../../../src/runtime/url.js'

describe('database URLs', () => {
  it('resolves a relative SQLite path against the config folder', () => {
    const url = parseDatabaseUrl('sqlite:///./data/pypi.sqlite', '/srv/app')
    assert.equal(url.dialect, 'sqlite')
    assert.equal(url.filename, '/srv/app/data/pypi.sqlite')
    assert.equal(url.display, 'sqlite:///./data/pypi.sqlite')
  })

  it('takes sqlite://// as an absolute path and sqlite::memory: as memory', () => {
    assert.equal(parseDatabaseUrl('sqlite:////var/db/x.sqlite', '/srv').filename, '/var/db/x.sqlite')
    assert.equal(parseDatabaseUrl('sqlite::memory:', '/srv').filename, ':memory:')
  })

  it('parses PostgreSQL URLs with encoded passwords, ports, parameters and driver suffixes', () => {
    const url = parseDatabaseUrl('postgresql+psycopg2://app:p%40ss%3Aw@db.example:6543/shop?sslmode=require', '/')
    assert.equal(url.dialect, 'postgres')
    assert.equal(url.user, 'app')
    assert.equal(url.password, 'p@ss:w')
    assert.equal(url.host, 'db.example')
    assert.equal(url.port, 6543)
    assert.equal(url.database, 'shop')
    assert.deepEqual(url.params, { sslmode: 'require' })
    assert.ok(!url.display.includes('p%40ss'), url.display)
    assert.match(url.display, /app:\*\*\*@db\.example/)
    assert.equal(parseDatabaseUrl('postgres://u@h/d', '/').port, 5432)
  })

  it('parses MySQL and MariaDB URLs', () => {
    const a = parseDatabaseUrl('mysql://root@127.0.0.1/test', '/')
    const b = parseDatabaseUrl('mariadb://root:secret@127.0.0.1:3307/test?ssl=true', '/')
    assert.equal(a.dialect, 'mysql')
    assert.equal(a.port, 3306)
    assert.equal(b.dialect, 'mysql')
    assert.equal(b.port, 3307)
    assert.deepEqual(b.params, { ssl: 'true' })
    assert.doesNotMatch(b.display, /secret/)
  })

  it('rejects malformed URLs with a message that never shows the password', () => {
    assert.throws(() => parseDatabaseUrl('oracle://u:pw@h/d', '/'), /unsupported database URL scheme 'oracle'/)
    assert.throws(() => parseDatabaseUrl('not a url', '/'), /malformed database URL/)
    assert.throws(() => parseDatabaseUrl('sqlite://relative.sqlite', '/'), /malformed SQLite URL/)
    assert.throws(() => parseDatabaseUrl('postgresql://u:hunter2@host', '/'), (e: Error) => /names no database/.test(e.message) && !e.message.includes('hunter2'))
  })

  it('masks passwords in any text', () => {
    assert.equal(maskPasswords('failed for postgresql://u:hunter2@h/d now'), 'failed for postgresql://u:***@h/d now')
    assert.equal(maskPasswords('mysql://root@h/d'), 'mysql://root@h/d')
  })

  it('masks the password of a URL whose scheme has a typo, and says the URL is malformed without it', () => {
    assert.equal(maskPasswords("'mysql//root:S3cret@127.0.0.1:3306/x'"), "'mysql//root:***@127.0.0.1:3306/x'")
    assert.equal(maskPasswords('mysql:/root:S3cret@h/x'), 'mysql:***@h/x')
    assert.equal(maskPasswords('root:/S3cret@h/x'), 'root:***@h/x')
    assert.equal(maskPasswords('root:p@ss/w@h/x and more'), 'root:***@h/x and more')
    assert.equal(maskPasswords('at 10:30 the host h said no'), 'at 10:30 the host h said no')
    // Passwords no other test parses (parsed passwords are remembered for the whole process).
    for (const [spaced, shown] of [
      ['postgres://app:sp ace-1@127.0.0.1:5432', "database URL 'postgres://app:***@127.0.0.1:5432' names no database: add /dbname"],
      ['postgres://app:sp ace-2@127.0.0.1:99999/db', "malformed database URL 'postgres://app:***@127.0.0.1:99999/db'"],
      ['mysql//app:sp ace-3@127.0.0.1/db', "malformed database URL 'mysql//app:***@127.0.0.1/db': expected a scheme (sqlite, postgresql, mysql, libsql or pglite), e.g. sqlite:///path or postgresql://host/db"],
    ] as const) {
      assert.throws(() => parseDatabaseUrl(spaced, '/'), (e: Error) => e.message === shown || assert.fail(e.message))
    }
    for (const typo of ['mysql//root:S3cret@127.0.0.1:3306/x', 'mysql:/root:S3cret@127.0.0.1:3306/x', 'postgres:root:S3cret@h/x']) {
      assert.throws(() => parseDatabaseUrl(typo, '/'), (e: Error) => /malformed database URL|no host|names no database/.test(e.message) && !e.message.includes('S3cret'))
    }
  })

  it('masks a password given as a parameter: ?password=, &pwd=, libpq key=value (quoted or not)', () => {
    assert.equal(maskPasswords('postgresql://u@h/d?password=zq9x&sslmode=require'), 'postgresql://u@h/d?password=***&sslmode=require')
    assert.equal(maskPasswords('mysql://u@h/d?ssl=true&pwd=zq9x'), 'mysql://u@h/d?ssl=true&pwd=***')
    assert.equal(maskPasswords("host=h password='a b' dbname=d"), 'host=h password=*** dbname=d')
    assert.equal(maskPasswords('host=h password=zq9x dbname=d'), 'host=h password=*** dbname=d')
    assert.equal(maskPasswords('mysql://u@h/d?password=zq9x: Access denied'), 'mysql://u@h/d?password=***: Access denied')
    assert.equal(maskPasswords('mysql://u@h/d?password=zq:9x'), 'mysql://u@h/d?password=***')
    assert.equal(maskPasswords('password authentication failed for user "u"'), 'password authentication failed for user "u"')
  })

  it('uses ?password= as the password, keeps it out of the parameters and the display', () => {
    const url = parseDatabaseUrl('postgresql://u@h/d?sslmode=require&password=p%40rm-pw', '/')
    assert.equal(url.password, 'p@rm-pw')
    assert.deepEqual(url.params, { sslmode: 'require' })
    assert.equal(url.display, 'postgresql://u@h/d?sslmode=require&password=***')
    assert.equal(maskPasswords('the server said p@rm-pw'), 'the server said ***')
    // The user-info password wins when both are given; neither is shown.
    const both = parseDatabaseUrl('mysql://u:first-pw@h/d?password=second-pw', '/')
    assert.equal(both.password, 'first-pw')
    assert.ok(!both.display.includes('first-pw') && !both.display.includes('second-pw'), both.display)
    assert.equal(parseDatabaseUrl('sqlite:///x.sqlite?password=lite-pw', '/').display, 'sqlite:///x.sqlite')
  })

  it('reads libSQL and PGlite URLs: local files in four spellings, memory, and a remote server whose token is never shown', () => {
    const file = (raw: string) => parseDatabaseUrl(raw, '/app')
    assert.deepEqual([file('libsql:data/app.db'), file('file:data/app.db'), file('libsql:///data/app.db'), file('libsql://./data/app.db')].map((u) => [u.dialect, u.filename]), [
      ['libsql', '/app/data/app.db'],
      ['libsql', '/app/data/app.db'],
      ['libsql', '/app/data/app.db'],
      ['libsql', '/app/data/app.db'],
    ])
    assert.equal(file('file:///srv/app.db').filename, '/srv/app.db')
    assert.equal(file('libsql:/srv/app.db').filename, '/srv/app.db')
    assert.equal(file('libsql::memory:').filename, ':memory:')
    assert.equal(file('libsql:data/app.db').display, 'libsql:data/app.db')
    const remote = file('libsql://db-org.turso.io?authToken=tokzq9xlibsql')
    assert.deepEqual([remote.dialect, remote.host, remote.password, remote.params, remote.filename], ['libsql', 'db-org.turso.io', 'tokzq9xlibsql', {}, undefined])
    assert.ok(!remote.display.includes('tokzq9xlibsql'), remote.display)
    assert.equal(maskPasswords('rejected tokzq9xlibsql'), 'rejected ***')
    assert.deepEqual([file('pglite://./data/db'), file('pglite:data/db'), file('pglite::memory:')].map((u) => [u.dialect, u.filename, u.display]), [
      ['pglite', '/app/data/db', 'pglite:./data/db'],
      ['pglite', '/app/data/db', 'pglite:data/db'],
      ['pglite', ':memory:', 'pglite::memory:'],
    ])
    // SQLite keeps its one spelling.
    assert.throws(() => file('sqlite:data/app.db'), /malformed SQLite URL/)
  })
})
