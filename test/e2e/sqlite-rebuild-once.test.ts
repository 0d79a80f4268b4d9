/**
 * SQLite rebuilds a table once per migration (issue 11): a migration that makes five rebuild-needing changes to
 * `users`, with changes to an unrelated table written in between, copies `users` once, online and offline alike.
 * The table has an index, a trigger, a view reading it and an ON DELETE CASCADE child: after the upgrade and after
 * the downgrade every row and value is there, the child rows too, and `check` is clean against the schema.
 */
import assert from 'node:assert/strict'
import { after, before, it } from 'node:test'
import { describeEachDialect } from '../support/databases.js'
import { killTrial } from '../support/fault-workload.js'
import { rawQuery, versionRows } from '../support/inspect.js'
import type { UserProject } from '../support/project.js'
import { type Scenario, createScenario, errorLine, linkUserProject, revId } from '../support/safe-project.js'

const COMMON = `export const posts = table('posts', { id: integer().primaryKey(), userId: integer('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }), title: text() })
export const audit = table('audit', { id: integer().primaryKey().autoincrement(), userId: integer('user_id'), what: text() })
export const userNames = view('user_names', sql\`select id, name from users\`)
export const usersAudit = trigger('users_audit', { table: users, timing: 'after', events: ['insert'], body: sql\`insert into audit (user_id, what) values (NEW.id, 'user')\` })
export const tagsAudit = trigger('tags_audit', { table: tags, timing: 'after', events: ['insert'], body: sql\`insert into audit (user_id, what) values (NEW.id, 'tag')\` })
`
const IMPORTS = `import { table, integer, varchar, text, view, trigger, sql, index, check } from 'strata-db'\n`

const SCHEMA_A = `${IMPORTS}export const users = table('users', {
  id: integer().primaryKey(),
  email: varchar({ length: 100 }),
  score: integer().default(5),
  name: text(),
  legacy: text(),
}, (t) => [index('ix_users_name').on(t.name)])
export const tags = table('tags', { id: integer().primaryKey(), label: text() })
${COMMON}`

const SCHEMA_B = `${IMPORTS}export const users = table('users', {
  id: integer().primaryKey(),
  email: varchar({ length: 200 }).notNull(),
  score: integer().notNull().default(0),
  name: text(),
}, (t) => [index('ix_users_name').on(t.name), check('ck_users_score', sql\`score >= 0\`)])
export const tags = table('tags', { id: integer().primaryKey(), label: text().notNull(), color: text() })
${COMMON}`

/** Each change its own operation, as a hand-written migration may have them; `tags` changes in between. */
const UP = `  await op.alterColumn('users', 'email', { type: varchar({ length: 200 }), existingType: varchar({ length: 100 }) })
  await op.alterColumn('users', 'email', { nullable: false, existingNullable: true })
  await op.addColumn('tags', 'color', text())
  await op.alterColumn('users', 'score', { default: 0, existingDefault: 5 })
  await op.alterColumn('tags', 'label', { nullable: false, existingNullable: true })
  await op.alterColumn('users', 'score', { nullable: false, existingNullable: true })
  await op.createCheck('ck_users_score', 'users', sql\`score >= 0\`)
  await op.dropColumn('users', 'legacy')`

const DOWN = `  await op.addColumn('users', 'legacy', text())
  await op.dropCheck('ck_users_score', 'users')
  await op.alterColumn('tags', 'label', { nullable: true, existingNullable: false })
  await op.alterColumn('users', 'score', { nullable: true, default: 5, existingNullable: false, existingDefault: 0 })
  await op.dropColumn('tags', 'color')
  await op.alterColumn('users', 'email', { type: varchar({ length: 100 }), nullable: true, existingType: varchar({ length: 200 }), existingNullable: false })`

const USERS = [
  { id: 1, email: 'ann@example.com', score: 3, name: 'Ann', legacy: null },
  { id: 2, email: 'bob@example.com', score: 7, name: 'Bob', legacy: null },
  { id: 3, email: "o'hara@example.com", score: 0, name: null, legacy: null },
]

const all = (s: Scenario, sql: string) => rawQuery(s.db, sql)
const count = async (s: Scenario, table: string) => Number(Object.values((await all(s, `SELECT COUNT(*) AS n FROM ${table}`))[0]!)[0])
const occurrences = (text: string, needle: string) => text.split(needle).length - 1

/** The statements of one step in an offline script: from its `BEGIN` to its version-row update. */
function stepStatements(script: string, step: string): string[] {
  const body = script.slice(script.indexOf(`-- Running ${step}`))
  const start = body.indexOf('BEGIN;') + 'BEGIN;'.length
  const end = body.indexOf('UPDATE "strata_version"')
  return body
    .slice(start, end)
    .split(/\n\n/)
    .map((s) => s.trim().replace(/;$/, ''))
    .filter(Boolean)
}

describeEachDialect('SQLite rebuilds each table once per migration', ({ dialect }) => {
  if (dialect !== 'sqlite') return
  let project: UserProject
  before(() => {
    project = linkUserProject('rebuild-once')
  })
  after(() => project?.remove())

  it('five changes to users and two to tags in between: one copy of users, online and offline; rows kept both ways', async () => {
    const s = await createScenario(project, dialect, 'once', { schema: SCHEMA_A })
    const [r1, r2] = [revId(1, 'o'), revId(2, 'o')]
    try {
      const first = await s.strata(['revision', '--autogenerate', '-m', 'tables', '--rev-id', r1])
      assert.equal(first.code, 0, first.stderr)
      s.revision({ id: r2, down: r1, message: 'reshape users', imports: ['varchar', 'text', 'sql'], up: UP, down_: DOWN })
      assert.equal((await s.strata(['upgrade', r1])).code, 0)
      for (const u of USERS) await all(s, `INSERT INTO users (id, email, score, name) VALUES (${u.id}, '${u.email.replace("'", "''")}', ${u.score}, ${u.name === null ? 'NULL' : `'${u.name}'`})`)
      await all(s, "INSERT INTO posts (id, user_id, title) VALUES (10, 1, 'a'), (11, 2, 'b'), (12, 2, 'c'), (13, 3, 'd')")
      await all(s, "INSERT INTO tags (id, label) VALUES (1, 'red'), (2, 'blue')")
      const auditBefore = await all(s, 'SELECT id, user_id, what FROM audit ORDER BY id')
      assert.equal(auditBefore.length, 5, 'the triggers wrote one audit row per user and tag')

      // Offline: one CREATE/copy/DROP of users, and tags' own changes in their place after it.
      const offline = await s.strata(['upgrade', `${r1}:${r2}`, '--sql'])
      assert.equal(offline.code, 0, offline.stderr)
      const script = offline.stdout
      assert.equal(occurrences(script, 'CREATE TABLE "_strata_new_users"'), 1, script)
      assert.equal(occurrences(script, 'INSERT INTO "_strata_new_users"'), 1, script)
      assert.equal(occurrences(script, 'DROP TABLE "users"'), 1, script)
      assert.equal(occurrences(script, 'CREATE TABLE "_strata_new_tags"'), 1, script)
      assert.match(script, /CREATE TABLE "_strata_new_users" \(\n {2}"id" INTEGER NOT NULL,\n {2}"email" VARCHAR\(200\) NOT NULL,\n {2}"score" INTEGER NOT NULL DEFAULT 0,\n {2}"name" TEXT,\n/)
      assert.match(script, /CONSTRAINT "ck_users_score" CHECK \(score >= 0\)/)
      assert.ok(!script.includes('"legacy"'), 'the dropped column is not copied')
      const statements = stepStatements(script, `upgrade ${r1} -> ${r2}`)
      assert.ok(statements.indexOf('ALTER TABLE "tags" ADD COLUMN "color" TEXT') > statements.findIndex((x) => x.startsWith('CREATE TABLE "_strata_new_users"')), statements.join('\n'))
      assert.ok(statements.findIndex((x) => x.startsWith('CREATE TABLE "_strata_new_tags"')) > statements.indexOf('ALTER TABLE "tags" ADD COLUMN "color" TEXT'))

      // Offline, each rebuild says it cannot see WITHOUT ROWID / STRICT, where online reads them and writes no line.
      const optionNotes = statements.filter((x) => x.startsWith('-- strata: table options of '))
      assert.deepEqual(optionNotes.map((x) => /^-- strata: table options of "(\w+)" \(WITHOUT ROWID, STRICT\)/.exec(x)?.[1]), ['users', 'tags'])

      // Online: the same number of statements (each table has one trigger: its SQL online, a comment offline).
      const up = await s.strata(['upgrade', 'head'])
      assert.equal(up.code, 0, up.stderr)
      const [history] = await all(s, `SELECT statements_done FROM strata_history WHERE revision = '${r2}' AND direction = 'up'`)
      assert.equal(Number(history!.statements_done), statements.length - optionNotes.length, statements.join('\n'))
      assert.deepEqual(await versionRows(s.db), [r2])

      assert.deepEqual(await all(s, 'SELECT id, email, score, name FROM users ORDER BY id'), USERS.map(({ legacy: _, ...u }) => u))
      assert.equal(await count(s, 'posts'), 4, 'no child row lost to the cascade')
      assert.deepEqual(await all(s, 'PRAGMA foreign_key_check'), [])
      assert.deepEqual(await all(s, 'SELECT id, label, color FROM tags ORDER BY id'), [{ id: 1, label: 'red', color: null }, { id: 2, label: 'blue', color: null }])
      assert.deepEqual(await all(s, 'SELECT id, name FROM user_names ORDER BY id'), USERS.map((u) => ({ id: u.id, name: u.name })))
      assert.deepEqual(await all(s, 'SELECT id, user_id, what FROM audit ORDER BY id'), auditBefore, 'the copy fires no trigger')
      assert.deepEqual(await all(s, `SELECT name FROM sqlite_master WHERE name LIKE '_strata_%'`), [])
      assert.deepEqual((await all(s, `SELECT name FROM sqlite_master WHERE type IN ('index', 'trigger') AND name NOT LIKE 'sqlite_%' ORDER BY name`)).map((r) => r.name), ['ix_users_name', 'tags_audit', 'users_audit'])
      s.write('schema.ts', SCHEMA_B)
      const clean = await s.strata(['check'])
      assert.equal(clean.code, 0, clean.stdout + clean.stderr)
      // The new shape holds: the check constraint refuses, the trigger still fires.
      await assert.rejects(all(s, "INSERT INTO users (id, email, score) VALUES (9, 'x', -1)"), /CHECK constraint failed/)
      await all(s, "INSERT INTO users (id, email) VALUES (4, 'dee@example.com')")
      assert.deepEqual(await all(s, 'SELECT score FROM users WHERE id = 4'), [{ score: 0 }])
      assert.equal(await count(s, 'audit'), 6)
      await all(s, 'DELETE FROM users WHERE id = 4')

      // Downgrade: one copy of users again, the rows as they were.
      const offlineDown = await s.strata(['downgrade', `${r2}:${r1}`, '--sql'])
      assert.equal(occurrences(offlineDown.stdout, 'CREATE TABLE "_strata_new_users"'), 1, offlineDown.stdout)
      const down = await s.strata(['downgrade', r1])
      assert.equal(down.code, 0, down.stderr)
      assert.deepEqual(await all(s, 'SELECT id, email, score, name, legacy FROM users ORDER BY id'), USERS)
      assert.equal(await count(s, 'posts'), 4)
      assert.deepEqual(await all(s, 'SELECT id, label FROM tags ORDER BY id'), [{ id: 1, label: 'red' }, { id: 2, label: 'blue' }])
      assert.deepEqual(await all(s, 'PRAGMA foreign_key_check'), [])
      s.write('schema.ts', SCHEMA_A)
      const cleanA = await s.strata(['check', '--allow-behind'])
      assert.equal(cleanA.code, 0, cleanA.stdout + cleanA.stderr)
    } finally {
      await s.db.drop()
    }
  })

  it('a folded rebuild that fails names the operations it compiled together; nothing changes', async () => {
    const s = await createScenario(project, dialect, 'fails')
    const [f1, f2] = [revId(1, 'f'), revId(2, 'f')]
    try {
      s.revision({ id: f1, down: null, message: 'table', up: `  await op.execute('CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b INTEGER)')\n  await op.execute("INSERT INTO t VALUES (1, 'x', 1), (2, NULL, 2)")` })
      s.revision({
        id: f2,
        down: f1,
        message: 'tighten',
        imports: ['varchar', 'sql'],
        up: `  await op.alterColumn('t', 'a', { type: varchar({ length: 5 }) })\n  await op.alterColumn('t', 'a', { nullable: false })\n  await op.createCheck('ck_t_b', 't', sql\`b > 0\`)`,
      })
      assert.equal((await s.strata(['upgrade', f1])).code, 0)
      const r = await s.strata(['upgrade', 'head'])
      assert.equal(r.code, 1, r.stdout)
      assert.match(errorLine(r), /^upgrade f0+2 failed in alterColumn \(changed type of column 't\.a'\) and 2 more operations compiled with it at statement 2: INSERT INTO "_strata_new_t" .*NOT NULL constraint failed/)
      assert.deepEqual(await versionRows(s.db), [f1])
      assert.deepEqual(await all(s, 'SELECT id, a, b FROM t ORDER BY id'), [{ id: 1, a: 'x', b: 1 }, { id: 2, a: null, b: 2 }])
      assert.match(String((await all(s, "SELECT sql FROM sqlite_master WHERE name = 't'"))[0]!.sql), /a TEXT, b INTEGER\)$/)
    } finally {
      await s.db.drop()
    }
  })

  it('SIGKILL at random points of a run with a folded rebuild: the rerun reaches head, every row once', async () => {
    const trials = Number(process.env.STRATA_FAULT_TRIALS ?? 5)
    const [k1, k2, k3] = [revId(1, 'k'), revId(2, 'k'), revId(3, 'k')]
    const ROWS = 20_000
    const write = (s: Scenario) => {
      s.revision({
        id: k1,
        down: null,
        message: 'big table',
        up: `  await op.execute('CREATE TABLE big (id INTEGER PRIMARY KEY, a VARCHAR(10), b INTEGER, c TEXT)')
  await op.execute('CREATE TABLE kids (id INTEGER PRIMARY KEY, big_id INTEGER REFERENCES big (id) ON DELETE CASCADE)')
  await op.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${ROWS}) INSERT INTO big (id, a, b, c) SELECT i, 'v' || i, i % 7, 'row ' || i FROM n")
  await op.execute('INSERT INTO kids (id, big_id) SELECT id, id FROM big')`,
      })
      s.revision({
        id: k2,
        down: k1,
        message: 'reshape big',
        imports: ['varchar', 'sql'],
        up: `  await op.alterColumn('big', 'a', { type: varchar({ length: 40 }) })
  await op.alterColumn('big', 'a', { nullable: false })
  await op.alterColumn('big', 'b', { default: 3 })
  await op.createCheck('ck_big_b', 'big', sql\`b >= 0\`)
  await op.createIndex('ix_big_b', 'big', ['b'])`,
      })
      s.revision({ id: k3, down: k2, message: 'after', up: `  await op.execute('UPDATE big SET b = b + 1')` })
    }
    const verify = async (s: Scenario, label: string) => {
      assert.deepEqual(await versionRows(s.db), [k3], label)
      const [big] = await all(s, 'SELECT COUNT(*) AS n, SUM(b) AS b, SUM(LENGTH(c)) AS c FROM big')
      const expectedB = Array.from({ length: ROWS }, (_, i) => ((i + 1) % 7) + 1).reduce((x, y) => x + y, 0)
      const expectedC = Array.from({ length: ROWS }, (_, i) => `row ${i + 1}`.length).reduce((x, y) => x + y, 0)
      assert.deepEqual([Number(big!.n), Number(big!.b), Number(big!.c)], [ROWS, expectedB, expectedC], `${label}: every row once, b updated once`)
      assert.equal(await count(s, 'kids'), ROWS, `${label}: no child row lost`)
      const shape = String((await all(s, "SELECT sql FROM sqlite_master WHERE name = 'big'"))[0]!.sql)
      assert.match(shape, /"a" VARCHAR\(40\) NOT NULL/, label)
      assert.match(shape, /ck_big_b/, label)
      assert.deepEqual(await all(s, "SELECT name FROM sqlite_master WHERE name LIKE '_strata_%'"), [], `${label}: no rebuild table left`)
    }
    const calm = await createScenario(project, dialect, 'kill-calm')
    let window = 0
    try {
      write(calm)
      const t0 = performance.now()
      assert.equal((await calm.strata(['upgrade', 'head'])).code, 0)
      window = performance.now() - t0
      await verify(calm, 'undisturbed')
    } finally {
      await calm.db.drop()
    }
    for (let trial = 0; trial < trials; trial++) {
      const s = await createScenario(project, dialect, `kill-${trial}`)
      try {
        write(s)
        const delay = Math.round(((trial + 0.5) / trials) * window)
        const result = await killTrial(s, delay, null)
        assert.equal(result.rerun.code, 0, `trial ${trial} (killed at ${delay} ms): ${result.rerun.stderr}`)
        await verify(s, `trial ${trial} (killed at ${delay} ms)`)
      } finally {
        await s.db.drop()
      }
    }
  })
})
