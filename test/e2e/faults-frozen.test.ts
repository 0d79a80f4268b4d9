/**
 * Nothing waits forever: a server that stops answering (a TCP proxy in front of the real server that swallows
 * everything, from the start or from a chosen statement on) ends the run with one clear line naming the
 * password-free URL and the bound, exit 1. Afterwards a normal run reaches head with every effect applied once.
 * The child's own 180 s kill is only a safety net; nothing here measures time.
 */
import assert from 'node:assert/strict'
import { after, afterEach, before, it } from 'node:test'
import { describeEachDialect } from '../support/databases.js'
import { type FreezingProxy, type FreezingProxyOptions, startFreezingProxy } from '../support/freezing-proxy.js'
import { rawQuery, tableNames, versionRows } from '../support/inspect.js'
import type { CliResult, UserProject } from '../support/project.js'
import { type Scenario, createScenario, errorLine, linkUserProject, revId } from '../support/safe-project.js'

function assertOneLine(result: CliResult, pattern: RegExp): string {
  assert.equal(result.code, 1, `exit code (stdout: ${result.stdout}, stderr: ${result.stderr})`)
  assert.equal(result.stderr.trim().split('\n').length, 1, `one line: ${result.stderr}`)
  assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace')
  const line = errorLine(result)
  assert.match(line, pattern)
  return line
}

describeEachDialect('a frozen server', ({ dialect }) => {
  let project: UserProject
  let s: Scenario
  let proxy: FreezingProxy | undefined
  const [r1, r2] = [revId(1, 'f01'), revId(2, 'f02')]

  before(async () => {
    project = linkUserProject(`frozen-${dialect}`)
    // The config bounds statements (2 s); flags and STRATA_* variables override it in some cases below.
    s = await createScenario(project, dialect, 'frozen', { config: 'statementTimeout: 2,' })
    s.revision({
      id: r1,
      down: null,
      message: 'accounts',
      imports: ['integer'],
      up: `  await op.createTable('accounts', { id: integer().primaryKey(), balance: integer().notNull() })\n  await op.execute('INSERT INTO accounts (id, balance) VALUES (1, 100)')`,
    })
    s.revision({ id: r2, down: r1, message: 'freeze here', imports: ['integer'], up: `  await op.createTable('freeze_here', { id: integer().primaryKey() })` })
  })
  afterEach(async () => {
    await proxy?.close()
    proxy = undefined
  })
  after(async () => {
    await s?.db.drop()
    project?.remove()
  })

  /** The database's URL, pointed at a proxy in front of its server. */
  async function throughProxy(options: FreezingProxyOptions): Promise<{ url: string; port: number }> {
    const real = new URL(s.db.url)
    proxy = await startFreezingProxy({ host: real.hostname, port: Number(real.port) }, options)
    real.port = String(proxy.port)
    return { url: real.toString(), port: proxy.port }
  }

  if (dialect === 'sqlite') {
    it('bad bounds are usage and config errors (SQLite has no server to freeze)', async () => {
      const usage = await s.strata(['current', '--connect-timeout', 'soon'])
      assert.equal(usage.code, 2, usage.stderr)
      assert.match(usage.stderr, /--connect-timeout must be a number of seconds, got 'soon'/)
      const negative = await s.strata(['upgrade', 'head', '--statement-timeout', '-1'])
      assert.equal(negative.code, 2, negative.stderr)
      assert.equal(await versionRows(s.db).catch(() => null), null, 'nothing ran')
      s.write('bad.config.ts', `export default { url: ${JSON.stringify(s.db.url)}, schema: './schema.ts', statementTimeout: 'long' }\n`)
      assertOneLine(await s.strata(['--config', 'bad.config.ts', 'current']), /'statementTimeout' must be a number of seconds/)
      assertOneLine(await s.strata(['current'], { STRATA_CONNECT_TIMEOUT: 'x' }), /STRATA_CONNECT_TIMEOUT must be a number of seconds, got 'x'/)
    })
    return
  }

  it('frozen at connect: every command gives up after connectTimeout', async () => {
    const { url, port } = await throughProxy({ frozen: true })
    for (const args of [['upgrade', 'head'], ['current'], ['verify'], ['check']]) {
      const line = assertOneLine(await s.strata([...args, '--url', url, '--connect-timeout', '1']), /no answer within 1 s \(connectTimeout\)/)
      assert.match(line, new RegExp(`^cannot connect to \\S+127\\.0\\.0\\.1:${port}/`), line)
    }
    assert.deepEqual(await versionRows(s.db), null, 'nothing was written')
  })

  it('frozen at connect: --lock-timeout bounds connecting for a run', async () => {
    const { url } = await throughProxy({ frozen: true })
    // connectTimeout alone (here from the environment) would wait 600 s; the lock timeout (1 s) ends it.
    const result = await s.strata(['upgrade', 'head', '--url', url, '--lock-timeout', '1'], { STRATA_CONNECT_TIMEOUT: '600' })
    assertOneLine(result, /no answer within 1 s \(connectTimeout\)/)
  })

  it('frozen right after the lock is taken: the config\'s statementTimeout stops the run', async () => {
    const { url } = await throughProxy({ freezeOnText: 'strata_version' })
    const line = assertOneLine(await s.strata(['upgrade', 'head', '--url', url]), /did not finish a statement within 2 s \(statementTimeout\)/)
    assert.ok(proxy!.frozen, 'the proxy froze')
    assert.match(line, /strata_version/)
    await proxy!.close()
    proxy = undefined
    assert.deepEqual(await versionRows(s.db).catch(() => null), null, 'no version row was written')
  })

  it('frozen during a migration statement: the run stops, and the next run applies everything once', async () => {
    const { url } = await throughProxy({ freezeOnText: 'freeze_here' })
    // The flag wins over the config's 2 s.
    const line = assertOneLine(await s.strata(['upgrade', 'head', '--url', url, '--statement-timeout', '3']), /did not finish a statement within 3 s \(statementTimeout\)/)
    assert.ok(proxy!.frozen, 'the proxy froze')
    assert.match(line, /freeze_here/)
    assert.ok(!(await tableNames(s.db)).includes('freeze_here'), 'the frozen statement never reached the server')
    // The server sees its clients gone (it releases the lock and rolls back what was open).
    await proxy!.close()
    proxy = undefined
    const rerun = await s.strata(['upgrade', 'head'])
    assert.equal(rerun.code, 0, rerun.stderr)
    assert.deepEqual(await versionRows(s.db), [r2])
    const rows = await rawQuery<{ n: number | string; total: number | string }>(s.db, 'SELECT COUNT(*) AS n, SUM(balance) AS total FROM accounts')
    assert.deepEqual([Number(rows[0]!.n), Number(rows[0]!.total)], [1, 100], 'the INSERT ran exactly once')
    assert.ok((await tableNames(s.db)).includes('freeze_here'))
  })

  it('a live server running one statement too long: the same bound, the same error, and nothing recorded', async () => {
    const r3 = revId(3, 'f03')
    const sleep = dialect === 'postgres' ? 'SELECT pg_sleep(30)' : 'SELECT SLEEP(30)'
    s.revision({ id: r3, down: r2, message: 'slow', up: `  await op.execute('UPDATE accounts SET balance = balance + 50')\n  await op.execute('${sleep}')` })
    const line = assertOneLine(await s.strata(['upgrade', 'head', '--statement-timeout', '1']), /did not finish a statement within 1 s \(statementTimeout\)/)
    assert.match(line, /SLEEP\(30\)/i)
    assert.deepEqual(await versionRows(s.db), [r2], 'still at the last finished revision')
  })
}, { needsServer: 'a TCP server that stops answering' })

