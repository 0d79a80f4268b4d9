/**
 * Bad input gives one clear line: exit 1 (2 for usage), no stack trace unless --verbose, never the password (not
 * even when a server echoes it), no change in the database, no file half-written. Unreachable host and port, wrong
 * password, unknown database, malformed URL, missing or invalid config, a schema file that throws, migration files
 * with a syntax or runtime error, a database at a revision no file has, unknown and ambiguous revisions.
 */
import assert from 'node:assert/strict'
import { readdirSync } from 'node:fs'
import { after, before, describe, it } from 'node:test'
import { type TestDialect, describeEachDialect, standInFor } from '../support/databases.js'
import { startRejectingPostgres } from '../support/fake-postgres.js'
import { rawQuery, tableNames, versionRows } from '../support/inspect.js'
import type { CliResult, UserProject } from '../support/project.js'
import { Scenario, createScenario, errorLine, linkUserProject, revId } from '../support/safe-project.js'

/** Every command that connects. */
const ALL_COMMANDS = [['upgrade', 'head'], ['downgrade', 'base'], ['stamp', 'head'], ['current'], ['verify'], ['history', '--applied'], ['check'], ['revision', '--autogenerate', '-m', 'nope']]
/** The commands that write (reading commands treat a SQLite file that is not there as an untouched database). */
const WRITING_COMMANDS = [['upgrade', 'head'], ['downgrade', 'base'], ['stamp', 'head']]

/** A password with characters that need URL encoding; neither form may ever be printed. */
const PASSWORD = 'Sup3r:s3cret@pw/%'
const ENCODED = encodeURIComponent(PASSWORD)

function assertCleanError(result: CliResult, pattern: RegExp, code = 1): string {
  assert.equal(result.code, code, `exit code (stdout: ${result.stdout}, stderr: ${result.stderr})`)
  const lines = result.stderr.trim().split('\n')
  assert.equal(lines.length, code === 2 && lines[1]?.startsWith('(run with --help') ? 2 : 1, `one line: ${result.stderr}`)
  assert.match(lines[0]!, /^error: /)
  assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace')
  for (const secret of [PASSWORD, ENCODED, 'Sup3r']) assert.ok(!(result.stdout + result.stderr).includes(secret), `the password leaked: ${result.stderr}`)
  const line = errorLine(result)
  assert.match(line, pattern)
  return line
}

/** Everything a failed command must leave as it was. */
async function snapshot(s: Scenario): Promise<unknown> {
  const tables = await tableNames(s.db)
  const history = tables.includes('strata_history') ? await rawQuery(s.db, 'SELECT COUNT(*) AS n FROM strata_history').then((r) => Number(Object.values(r[0]!)[0])) : null
  return { tables, versions: await versionRows(s.db), history, files: readdirSync(s.path('migrations/versions')).sort() }
}

function urlWith(dialect: TestDialect, hostPort: string, database = 'app'): string {
  return dialect === 'postgres' ? `postgresql://postgres:${ENCODED}@${hostPort}/${database}` : `mysql://root:${ENCODED}@${hostPort}/${database}`
}

describeEachDialect('safe runs: bad input, clear errors', ({ dialect }) => {
  let project: UserProject
  let s: Scenario
  const [r1, r2] = [revId(1, 'ab1'), revId(2, 'ab2')]
  before(async () => {
    project = linkUserProject(`errors-${dialect}`)
    s = await createScenario(project, dialect, 'errors', { schema: "import { table, integer } from 'strata-db'\nexport const t1 = table('t1', { id: integer().primaryKey() })\n" })
    s.revision({ id: r1, down: null, message: 'one', imports: ['integer'], up: `  await op.createTable('t1', { id: integer().primaryKey() })`, down_: `  await op.dropTable('t1')` })
    assert.equal((await s.strata(['upgrade', 'head'])).code, 0)
  })
  after(async () => {
    await s?.db.drop()
    project?.remove()
  })

  /** Runs every command that connects with `url`; each must fail cleanly and change nothing. */
  async function everyCommandFails(url: string, pattern: RegExp, commands = ALL_COMMANDS) {
    const before = await snapshot(s)
    for (const args of commands) {
      const result = await s.strata([...args, '--url', url])
      assertCleanError(result, pattern)
      const verbose = await s.strata([...args, '--url', url, '--verbose'])
      assert.equal(verbose.code, 1)
      for (const secret of [PASSWORD, ENCODED]) assert.ok(!verbose.stderr.includes(secret), `--verbose leaked the password: ${verbose.stderr}`)
    }
    assert.deepEqual(await snapshot(s), before, 'nothing changed, no revision file written')
  }

  it('an unreachable port or host, or a database file that cannot be opened', async () => {
    if (dialect === 'sqlite') {
      await everyCommandFails('sqlite:////etc/passwd/sub/app.sqlite', /cannot open SQLite database sqlite:\/\/\/\/etc\/passwd\/sub\/app\.sqlite: .*not a directory/i, WRITING_COMMANDS)
      return
    }
    await everyCommandFails(urlWith(dialect, '127.0.0.1:1'), /^cannot connect to .*:\*\*\*@127\.0\.0\.1:1\/app: connect ECONNREFUSED 127\.0\.0\.1:1$/)
    await everyCommandFails(urlWith(dialect, 'no-such-host.invalid:5432'), /^cannot connect to .*no-such-host\.invalid.*ENOTFOUND no-such-host\.invalid$/)
  })

  it('a wrong password', async (t) => {
    if (dialect === 'sqlite') return t.skip('SQLite has no passwords')
    if (dialect === 'mysql') {
      // MariaDB's root has an empty password here: any password is wrong.
      await everyCommandFails(urlWith(dialect, '127.0.0.1:3306', 'test'), /^cannot connect to .*: Access denied for user 'root'@'[^']+' \(using password: YES\)$/)
      return
    }
    // PostgreSQL trusts local connections here; a server speaking the protocol rejects the password and echoes it.
    const server = await startRejectingPostgres()
    try {
      await everyCommandFails(urlWith(dialect, `127.0.0.1:${server.port}`), /^cannot connect to .*: password authentication failed for user "postgres" \(the server got '\*\*\*'\)$/)
    } finally {
      await server.close()
    }
  })

  it('an unknown database', async (t) => {
    if (dialect === 'sqlite') return t.skip('a SQLite file is created on the first upgrade')
    const standIn = standInFor(dialect)
    if (standIn) return t.skip(`needs the real server (running on ${standIn})`)
    const url = dialect === 'postgres' ? `postgresql://postgres:${ENCODED}@127.0.0.1:5432/no_such_db_here` : 'mysql://root@127.0.0.1:3306/no_such_db_here'
    const pattern = /database ["']no_such_db_here["'] does not exist|Unknown database 'no_such_db_here'/
    // `check` and `revision --autogenerate` treat a missing server database as an empty one (reported: they should
    // use commands/current.ts `databaseIsThere`); the commands of a run refuse it.
    await everyCommandFails(url, pattern, ALL_COMMANDS.slice(0, 6))
  })

  it('a database at a revision no file has: the message tells how to fix it with strata stamp', async () => {
    await rawQuery(s.db, `UPDATE strata_version SET version_num = 'deadbeef0000'`)
    try {
      const before = await snapshot(s)
      for (const args of [['upgrade', 'head'], ['downgrade', 'base']]) assertCleanError(await s.strata(args), /revision 'deadbeef0000'.*no file.*strata stamp/)
      const current = await s.strata(['current'])
      assert.equal(current.code, 0)
      assert.match(current.stdout, /deadbeef0000 \(no revision file has this id/)
      assert.deepEqual(await snapshot(s), before)
      const fixed = await s.strata(['stamp', '--purge', r1])
      assert.equal(fixed.code, 0, fixed.stderr)
      assert.deepEqual(await versionRows(s.db), [r1])
    } finally {
      await rawQuery(s.db, `DELETE FROM strata_version`)
      await rawQuery(s.db, `INSERT INTO strata_version (version_num) VALUES ('${r1}')`)
    }
  })

  it('a migration file with a syntax error names the file and line; nothing runs, not even the steps before it', async () => {
    const ok = s.revision({ id: r2, down: r1, message: 'fine', imports: ['integer'], up: `  await op.createTable('t2', { id: integer().primaryKey() })`, down_: `  await op.dropTable('t2')` })
    const r3 = revId(3, 'cd')
    const broken = s.revision({ id: r3, down: r2, message: 'broken', up: `  await op.execute('SELECT 1'\n  const = 5` })
    try {
      const before = await snapshot(s)
      const line = broken.split('/').pop()!
      for (const args of [['upgrade', 'head'], ['upgrade', 'head', '--sql']]) {
        const msg = assertCleanError(await s.strata(args), new RegExp(`^migration file .*${line.replace('.', '\\.')} failed to load: .*Unexpected token.* at .*${line.replace('.', '\\.')}:17:3$`))
        assert.ok(msg.length < 400, msg)
      }
      assert.deepEqual(await snapshot(s), before, 'the revision before the broken one did not run')
      // A file that throws while loading names the line of the throw.
      s.revision({ id: r3, down: r2, message: 'broken', up: '', extra: "const config: Record<string, string> = {}\nif (!config.url) throw new Error('config.url is missing')\n" })
      assertCleanError(await s.strata(['upgrade', 'head']), new RegExp(`^migration file .*${r3}_broken\\.ts:15 failed to load: config\\.url is missing$`))
      assert.deepEqual(await snapshot(s), before)
    } finally {
      ;(await import('node:fs')).rmSync(broken)
      ;(await import('node:fs')).rmSync(ok)
    }
  })

  it('unknown and ambiguous revisions; usage errors exit 2', async () => {
    const second = s.revision({ id: revId(9, 'ab1'), down: r1, message: 'sibling prefix', up: '' })
    try {
      const before = await snapshot(s)
      assertCleanError(await s.strata(['upgrade', 'zzzz']), /Can't locate revision identified by 'zzzz'/)
      assertCleanError(await s.strata(['downgrade', 'fffff']), /Can't locate revision identified by 'fffff'/)
      assertCleanError(await s.strata(['upgrade', 'ab1']), /Multiple revisions start with 'ab1': ab1000000001, ab1000000009/)
      assertCleanError(await s.strata(['upgrade', 'head', '--lock-timeout', 'soon']), /--lock-timeout must be a number of seconds/, 2)
      assertCleanError(await s.strata(['upgrade', 'head', '--no-such-flag']), /unknown option '--no-such-flag'/, 2)
      assertCleanError(await s.strata(['upgrade', `base:${r1}`]), /FROM:TO range is only valid with --sql/, 2)
      assert.deepEqual(await snapshot(s), before)
    } finally {
      ;(await import('node:fs')).rmSync(second)
    }
  })
})

describe('safe runs: bad input before any database is involved', () => {
  let project: UserProject
  let s: Scenario
  before(async () => {
    project = linkUserProject('errors-config')
    s = await createScenario(project, 'sqlite', 'config')
  })
  after(async () => {
    await s?.db.drop()
    project?.remove()
  })

  it('malformed URLs, in the config or on the command line', async () => {
    for (const [url, pattern] of [
      [`postgresql://postgres:${ENCODED}@/app`, /^malformed database URL 'postgresql:\/\/postgres:\*\*\*@\/app'/],
      [`mysql://root:${ENCODED}@127.0.0.1:notaport/app`, /^malformed database URL 'mysql:\/\/root:\*\*\*@127\.0\.0\.1:notaport\/app'/],
      [`postgresql://postgres:${PASSWORD}@127.0.0.1/app`, /^malformed database URL|^cannot connect/],
      [`postgresql://postgres:${ENCODED}@127.0.0.1:5432`, /names no database: add \/dbname/],
      ['sqlite://app.sqlite', /^malformed SQLite URL 'sqlite:\/\/app\.sqlite': use sqlite:\/\/\/relative\/path\.sqlite or sqlite:\/\/\/\/absolute\/path\.sqlite/],
      [`oracle://scott:${ENCODED}@db/orcl`, /^unsupported database URL scheme 'oracle': use sqlite, postgresql, mysql, libsql or pglite$/],
      ['just words', /^malformed database URL 'just words'/],
    ] as const) {
      assertCleanError(await s.strata(['upgrade', 'head', '--url', url]), pattern)
      assertCleanError(await s.strata(['current'], { DATABASE_URL: url, STRATA_CONFIG: s.write('env.config.ts', "export default { schema: './schema.ts' }\n") }), pattern)
    }
  })

  it('a missing, unparsable, throwing or invalid config', async () => {
    const cases: Array<[string, string | null, RegExp]> = [
      ['missing.config.ts', null, /^config file not found: .*missing\.config\.ts$/],
      ['syntax.config.ts', "export default {\n  url: 'sqlite:///x.sqlite',\n  schema: ,\n}\n", /^cannot load config .*syntax\.config\.ts: .*Unexpected token.* at .*syntax\.config\.ts:3:\d+$/],
      ['throws.config.ts', "const url = process.env.NOPE\nif (!url) throw new Error('set NOPE first')\nexport default { url, schema: './schema.ts' }\n", /^cannot load config .*throws\.config\.ts: set NOPE first$/],
      ['number.config.ts', 'export default 42\n', /^invalid config .*number\.config\.ts: it must 'export default defineConfig\(\{ … \}\)'$/],
      ['noschema.config.ts', "export default { url: 'sqlite:///x.sqlite' }\n", /'schema' is required/],
      ['mode.config.ts', "export default { url: 'sqlite:///x.sqlite', schema: './schema.ts', transactionMode: 'sometimes' }\n", /'transactionMode' must be 'all', 'each' or 'none'/],
      ['lock.config.ts', "export default { url: 'sqlite:///x.sqlite', schema: './schema.ts', lockTimeout: -1 }\n", /'lockTimeout' must be a number of seconds/],
      ['nourl.config.ts', "export default { schema: './schema.ts' }\n", /^no database URL: set 'url' in .*nourl\.config\.ts or the DATABASE_URL environment variable$/],
    ]
    for (const [name, source, pattern] of cases) {
      if (source !== null) s.write(name, source)
      assertCleanError(await s.strata(['--config', name, 'upgrade', 'head'], { DATABASE_URL: '' }), pattern)
    }
    const bare = linkUserProject('errors-noconfig')
    try {
      const none = await new Scenario(bare, '', s.db).strata(['current'])
      assertCleanError(none, /^no strata\.config\.ts in .*: run 'strata init' to create one, or pass --config PATH$/)
    } finally {
      bare.remove()
    }
  })

  it('a schema file that throws: its message and file; no revision file is written', async () => {
    s.write('schema.ts', "import { table, integer } from 'strata-db'\nexport const t = table('t', { id: integer() })\nthrow new Error('schema boom')\n")
    for (const args of [['check'], ['revision', '--autogenerate', '-m', 'x']]) assertCleanError(await s.strata(args), /^schema file .*schema\.ts failed to load: schema boom/)
    assert.deepEqual(readdirSync(s.path('migrations/versions')), [])
  })
})
