/**
 * Offline SQL: `upgrade base:head --sql` (and `head --sql`, and `FROM:TO`) piped into the database's own client
 * (sqlite3, psql, mariadb) gives the database an online upgrade gives — `strata check` finds nothing, the version
 * and history rows match, and the server's own schema dump is the same — and `downgrade head:base --sql` undoes it.
 * The schema is the kitchen sink (every DSL feature) plus a second revision that alters it.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { after, before, it } from 'node:test'
import { KITCHEN_SINK_ROWS, kitchenSinkSchema } from '../fixtures/kitchen-sink.js'
import { type TestDatabase, type TestDialect, createTestDatabase, describeEachDialect } from '../support/databases.js'
import { rawQuery, versionRows } from '../support/inspect.js'
import type { UserProject } from '../support/project.js'
import { assertGeneratedTypeCheck, revisionFiles } from '../support/typecheck-generated.js'
import { type Scenario, createScenario, linkUserProject } from '../support/safe-project.js'

/** A command with `input` on stdin (asynchronous: the other dialects' suites keep running). */
function run(command: string, args: string[], input = ''): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (t: string) => (stdout += t))
    child.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t))
    child.on('error', reject)
    child.on('close', (status) => resolve({ status, stdout, stderr }))
    child.stdin.on('error', () => undefined) // a client that stops at an error closes its input early
    child.stdin.end(input)
  })
}

/** Runs a script with the dialect's command-line client, stopping at the first error. */
async function applyWithClient(db: TestDatabase, script: string): Promise<void> {
  let result
  if (db.dialect === 'sqlite') result = await run('sqlite3', ['-bail', db.file!], script)
  else if (db.dialect === 'postgres') result = await run('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', db.url, '-f', '-'], script)
  else {
    const url = new URL(db.url)
    // A client whose default character set is latin1: the script must set the connection's own (a default of
    // 'ñone ✓' was stored double-encoded otherwise).
    const args = ['--default-character-set=latin1', '-h', url.hostname, '-P', url.port || '3306', '-u', decodeURIComponent(url.username), url.pathname.slice(1)]
    result = await run('mariadb', args, script)
  }
  assert.equal(result.status, 0, `client failed: ${result.stderr}\n--- script ---\n${script}`)
}

/** The server's own description of the schema, with what legitimately differs between two databases removed. */
async function schemaDump(db: TestDatabase): Promise<string> {
  let result
  if (db.dialect === 'sqlite') result = await run('sqlite3', [db.file!, '.schema'])
  else if (db.dialect === 'postgres') result = await run('pg_dump', ['--schema-only', '--no-owner', '--no-privileges', '-d', db.url])
  else {
    const url = new URL(db.url)
    result = await run('mariadb-dump', ['--no-data', '--skip-comments', '--skip-dump-date', '-h', url.hostname, '-P', url.port || '3306', '-u', 'root', url.pathname.slice(1)])
  }
  assert.equal(result.status, 0, result.stderr)
  return result.stdout
    .replace(/ AUTO_INCREMENT=\d+/g, '')
    .split('\n')
    .filter((line) => !line.startsWith('--') && !/^SET |^SELECT pg_catalog|^\\(un)?restrict /.test(line))
    .join('\n')
    .trim()
}

const history = (db: TestDatabase) =>
  rawQuery<{ revision: string; direction: string; status: string }>(db, 'SELECT revision, direction, status FROM strata_history ORDER BY id').then((rows) =>
    rows.map((r) => `${r.revision} ${r.direction} ${r.status}`),
  )

function schemaV2(dialect: TestDialect): string {
  const v1 = kitchenSinkSchema(dialect)
  const withColumn = v1.replace(
    "    createdAt: timestamp('created_at').notNull().default(sql`CURRENT_TIMESTAMP`),\n",
    "    createdAt: timestamp('created_at').notNull().default(sql`CURRENT_TIMESTAMP`),\n    lastSeen: timestamp('last_seen'),\n",
  )
  assert.notEqual(withColumn, v1, 'the fixture still has the created_at line this test extends')
  return `${withColumn}
export const auditLog = table('audit_log', {
  id: integer().primaryKey().autoincrement(),
  customerId: integer('customer_id').references(() => customers.id, { onDelete: 'cascade' }),
  happenedAt: timestamp('happened_at').notNull().default(sql\`CURRENT_TIMESTAMP\`),
  note: varchar({ length: 200 }).notNull().default('ñone ✓'),
}, (t) => [index('ix_audit_log_customer').on(t.customerId)])
`
}

describeEachDialect('safe runs: offline SQL through the database client', ({ dialect }) => {
  let project: UserProject
  let online: Scenario
  let offline: TestDatabase
  const revs: string[] = []
  before(async () => {
    project = linkUserProject(`offline-${dialect}`)
    online = await createScenario(project, dialect, 'offline', { config: dialect === 'postgres' ? "schemas: ['public', 'billing']," : '', schema: kitchenSinkSchema(dialect) })
    offline = await createTestDatabase(dialect, 'offline-b')
  })
  after(async () => {
    await online?.db.drop()
    await offline?.drop()
    project?.remove()
  })

  it('two autogenerated revisions, applied online: check finds nothing', async () => {
    for (const [message, schema] of [
      ['kitchen sink', kitchenSinkSchema(dialect)],
      ['audit log', schemaV2(dialect)],
    ] as const) {
      online.write('schema.ts', schema)
      const generated = await online.strata(['revision', '--autogenerate', '-m', message])
      assert.equal(generated.code, 0, generated.stderr)
      revs.push(/([0-9a-f]{12})_/.exec(generated.stdout)![1]!)
      const up = await online.strata(['upgrade', 'head'])
      assert.equal(up.code, 0, up.stderr)
    }
    const check = await online.strata(['check'])
    assert.equal(check.code, 0, check.stdout + check.stderr)

    assertGeneratedTypeCheck(project, revisionFiles(project, `${online.folder}/migrations/versions`))
  })

  it('upgrade base:head --sql piped into the client gives the same database', async () => {
    const script = await online.strata(['upgrade', 'base:head', '--sql'])
    assert.equal(script.code, 0, script.stderr)
    assert.match(script.stdout, /-- Running upgrade {2}-> [0-9a-f]{12}, kitchen sink/)
    assert.equal(script.stdout.includes('BEGIN;'), dialect !== 'mysql', 'BEGIN/COMMIT only where DDL is transactional')
    const plain = await online.strata(['upgrade', 'head', '--sql'])
    assert.equal(strip(plain.stdout), strip(script.stdout).replace('upgrade base:head', 'upgrade head'), '`head --sql` is the same script')
    await applyWithClient(offline, script.stdout)
    const check = await online.strata(['check', '--url', offline.url])
    assert.equal(check.code, 0, check.stdout + check.stderr)
    assert.match(check.stdout, /No changes detected/)
    assert.deepEqual(await versionRows(offline), await versionRows(online.db))
    assert.deepEqual(await history(offline), await history(online.db))
    assert.equal(await schemaDump(offline), await schemaDump(online.db))
    // The data the app writes lands the same way (defaults, sequences, enums).
    for (const statement of KITCHEN_SINK_ROWS) await rawQuery(offline, statement)
    const current = await online.strata(['current', '--url', offline.url])
    assert.match(current.stdout, new RegExp(`${revs[1]} \\(head\\)`))
  })

  it('downgrade head:base --sql undoes it; FROM:TO scripts start where the database is', async () => {
    await rawQuery(offline, 'DELETE FROM customers')
    await rawQuery(offline, 'DELETE FROM items')
    const down = await online.strata(['downgrade', 'head:base', '--sql'])
    assert.equal(down.code, 0, down.stderr)
    assert.match(down.stdout, /-- Running downgrade [0-9a-f]{12} -> , kitchen sink/)
    await applyWithClient(offline, down.stdout)
    assert.deepEqual(await versionRows(offline), [])
    assert.equal((await online.strata(['downgrade', 'base'])).code, 0)
    assert.equal(await schemaDump(offline), await schemaDump(online.db), 'the same as an online downgrade')

    // Online to the first revision, then the rest from a FROM:TO script.
    assert.equal((await online.strata(['upgrade', revs[0]!, '--url', offline.url])).code, 0)
    const rest = await online.strata(['upgrade', `${revs[0]}:head`, '--sql'])
    assert.equal(rest.code, 0, rest.stderr)
    assert.doesNotMatch(rest.stdout, /CREATE TABLE [`"]?strata_version/, "strata's tables exist already")
    await applyWithClient(offline, rest.stdout)
    assert.equal((await online.strata(['upgrade', 'head'])).code, 0)
    assert.deepEqual(await versionRows(offline), [revs[1]])
    assert.equal(await schemaDump(offline), await schemaDump(online.db))
    assert.equal((await online.strata(['check', '--url', offline.url])).code, 0)
  })

  it('stamp --sql records a revision without connecting; --purge and FROM:TO forms', async () => {
    const fresh = await createTestDatabase(dialect, 'offline-stamp')
    try {
      const stamp = await online.strata(['stamp', revs[1]!, '--sql', '--url', fresh.url])
      assert.equal(stamp.code, 0, stamp.stderr)
      assert.equal(await versionRows(fresh), null, '--sql did not touch the database')
      await applyWithClient(fresh, stamp.stdout)
      assert.deepEqual(await versionRows(fresh), [revs[1]])
      const back = await online.strata(['stamp', `${revs[1]}:${revs[0]}`, '--sql'])
      assert.equal(back.code, 0, back.stderr)
      assert.doesNotMatch(back.stdout, /CREATE TABLE/)
      await applyWithClient(fresh, back.stdout)
      assert.deepEqual(await versionRows(fresh), [revs[0]])
      const purge = await online.strata(['stamp', `${revs[0]}:${revs[1]}`, '--purge', '--sql'])
      await applyWithClient(fresh, purge.stdout)
      assert.deepEqual(await versionRows(fresh), [revs[1]])
    } finally {
      await fresh.drop()
    }
  })
})

/** A script without its timestamps (history rows carry the time the script was written). */
function strip(script: string): string {
  return script.replace(/'\d{4}-\d\d-\d\dT[\d:.]+Z'/g, "'T'")
}
