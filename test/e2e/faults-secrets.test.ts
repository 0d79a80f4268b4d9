/**
 * A password never appears in any output, whatever form the URL takes: in the user-info part (plain or
 * percent-encoded), as a `?password=` query parameter, for connection failures, statement failures (also when
 * the failing statement or the server's message echoes it), `--verbose` stacks, `current -v`, `history --applied`
 * and offline scripts. All of stdout and stderr is searched.
 */
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import mysql from 'mysql2/promise'
import { after, before, it } from 'node:test'
import { rawQuery } from '../support/inspect.js'
import { MYSQL_ADMIN_URL, type TestDialect, describeEachDialect } from '../support/databases.js'
import type { CliResult, UserProject } from '../support/project.js'
import { type Scenario, createScenario, linkUserProject, revId } from '../support/safe-project.js'

/** A password that needs encoding in a URL, and one that does not (for `?password=`). */
const SPECIAL = 'S3cr:t@pw/%x'
const PLAIN = 'plainPw4242'
const SECRETS = [SPECIAL, encodeURIComponent(SPECIAL), PLAIN, 'S3cr:t']

function assertNoSecret(result: CliResult, what: string): void {
  for (const secret of SECRETS) {
    assert.ok(!result.stdout.includes(secret), `${what}: the password leaked on stdout:\n${result.stdout}`)
    assert.ok(!result.stderr.includes(secret), `${what}: the password leaked on stderr:\n${result.stderr}`)
  }
}

/** The URL forms of a database URL `base` (no password in it) with `password`. */
function urlForms(dialect: TestDialect, base: string, password: (form: 'special' | 'plain') => string): Array<{ form: string; url: string }> {
  if (dialect === 'sqlite') return [{ form: '?password=', url: `${base}?password=${PLAIN}` }]
  const withUser = (secret: string) => base.replace(/^(\w+:\/\/)([^@/:]+)@/, `$1$2:${secret}@`)
  return [
    { form: 'user-info, percent-encoded', url: withUser(encodeURIComponent(password('special'))) },
    { form: 'user-info, plain', url: withUser(password('plain')) },
    { form: '?password=', url: `${base}${base.includes('?') ? '&' : '?'}password=${password('plain')}` },
  ]
}

describeEachDialect('faults: a password never appears in any output', ({ dialect }) => {
  let project: UserProject
  const scenarios: Scenario[] = []
  const user = `strata_pw_${randomBytes(3).toString('hex')}`
  const r1 = revId(1, 'fd1')
  before(async () => {
    project = linkUserProject(`secrets-${dialect}`)
  })
  after(async () => {
    for (const s of scenarios) await s.db.drop()
    if (dialect === 'mysql') await mysqlAdmin(async (c) => { for (const host of ['%', 'localhost']) await c.query('DROP USER IF EXISTS ?@?', [user, host]) })
    project?.remove()
  })

  async function mysqlAdmin(body: (c: mysql.Connection) => Promise<void>): Promise<void> {
    const c = await mysql.createConnection({ uri: MYSQL_ADMIN_URL })
    try {
      await body(c)
    } finally {
      await c.end()
    }
  }

  /**
   * A working URL with a password. PostgreSQL trusts local connections (any password works); MySQL's root has
   * none, so a user with this password is made for the test database (and dropped afterwards).
   */
  async function passwordUser(s: Scenario, password: string): Promise<string> {
    if (dialect !== 'mysql') return s.db.url
    const database = new URL(s.db.url).pathname.slice(1)
    await mysqlAdmin(async (c) => {
      for (const host of ['%', 'localhost']) {
        await c.query('DROP USER IF EXISTS ?@?', [user, host])
        await c.query('CREATE USER ?@? IDENTIFIED BY ?', [user, host, password])
        await c.query(`GRANT ALL ON \`${database}\`.* TO ?@?`, [user, host])
      }
    })
    return s.db.url.replace(/^mysql:\/\/[^@]+@/, `mysql://${user}@`)
  }

  it('statement failures, --verbose, current -v, history --applied and --sql, for every URL form', async () => {
    for (const password of [SPECIAL, PLAIN]) {
      const s = await createScenario(project, dialect, `secrets-${password === PLAIN ? 'plain' : 'special'}`)
      scenarios.push(s)
      const base = await passwordUser(s, password)
      const forms = urlForms(dialect, base, () => password).filter((f) => (password === PLAIN) === !f.form.includes('encoded'))
      // The failing statement itself holds the password: it is printed in the error, masked.
      s.revision({ id: r1, down: null, message: 'one', imports: ['integer'], up: `  await op.createTable('t', { id: integer().primaryKey() })\n  await op.execute("SELECT '${password}' AS x FROM no_such_table")` })
      for (const { form, url } of forms) {
        for (const args of [['upgrade', 'head'], ['upgrade', 'head', '--verbose'], ['current', '-v'], ['history', '--applied'], ['history', '--applied', '--json'], ['upgrade', 'base:head', '--sql']]) {
          const result = await s.strata([...args, '--url', url])
          if (args.includes('--sql')) {
            // An offline script is the migrations' SQL verbatim (masking it would change what runs): the statement
            // that holds the password on purpose is left out; nothing strata adds (header, comments) may hold it.
            assert.equal(result.code, 0, result.stderr)
            assert.match(result.stdout, /AS x FROM no_such_table/)
            result.stdout = result.stdout.split('\n').filter((line) => !line.includes('AS x FROM no_such_table')).join('\n')
          }
          assertNoSecret(result, `${form}: strata ${args.join(' ')}`)
          if (args[0] === 'upgrade' && args.length <= 3 && !args.includes('--sql')) {
            assert.equal(result.code, 1, result.stdout + result.stderr)
            assert.match(result.stderr, /no_such_table/)
            assert.match(result.stderr, /SELECT '\*\*\*' AS x/, 'the statement is shown with the password masked')
          }
          if (args[0] === 'upgrade' && !args.includes('--sql')) {
            // Where the failure outlives the rollback (MySQL commits DDL, so strata_history stays), it is stored
            // too: the stored statement is masked like the printed one. Elsewhere the history table rolled back.
            const rows = await rawQuery<{ error: string | null }>(s.db, 'SELECT error FROM strata_history').catch(() => [])
            const stored = rows.map((r) => r.error ?? '').join('\n')
            if (dialect === 'mysql') assert.match(stored, /SELECT '\*\*\*' AS x/, 'the stored failure names the statement, masked')
            for (const secret of SECRETS) assert.ok(!stored.includes(secret), `${form}: the password is stored in strata_history`)
          }
          if (args[0] === 'current') {
            assert.equal(result.code, 0, result.stderr)
            if (dialect !== 'sqlite') assert.match(result.stdout, /\*\*\*/, 'the URL is shown, masked')
          }
        }
      }
    }
  })

  it('connection failures, with and without --verbose, for every URL form', async (t) => {
    if (dialect === 'sqlite') return t.skip('SQLite has no server to refuse a connection (a file that cannot be opened is in safe-errors)')
    const s = await createScenario(project, dialect, 'secrets-unreachable')
    scenarios.push(s)
    s.revision({ id: r1, down: null, message: 'one', up: `  await op.execute('SELECT 1')` })
    const unreachable = s.db.url.replace(/@[^/]+\//, '@127.0.0.1:1/')
    for (const { form, url } of urlForms(dialect, unreachable, (f) => (f === 'special' ? SPECIAL : PLAIN))) {
      for (const args of [['upgrade', 'head'], ['upgrade', 'head', '--verbose'], ['current', '-v'], ['current', '--json'], ['verify', '--verbose'], ['stamp', 'head']]) {
        const result = await s.strata([...args, '--url', url])
        assert.equal(result.code, 1, `${form}: strata ${args.join(' ')}: ${result.stdout}${result.stderr}`)
        assert.match(result.stderr, /cannot connect to /)
        assertNoSecret(result, `${form}: strata ${args.join(' ')}`)
      }
    }
    // MySQL refuses a wrong password for an existing user: its message must not hold it either.
    if (dialect === 'mysql') {
      const denied = await s.strata(['current', '--url', s.db.url.replace(/^mysql:\/\/[^@]+@/, `mysql://root:${encodeURIComponent(SPECIAL)}@`)])
      assert.equal(denied.code, 1)
      assert.match(denied.stderr, /Access denied/)
      assertNoSecret(denied, 'wrong password')
    }
  })
})
