/**
 * Table rebuilds where foreign keys stay enforced, as on engines that ignore PRAGMA foreign_keys = OFF (Cloudflare
 * D1; drizzle #4938 lost rows that way). Emulated here with `?foreign_keys=on`, which keeps enforcement on for the
 * whole run. A parent with NO ACTION children is rebuilt without losing or orphaning a child row; a parent with
 * ON DELETE CASCADE children is refused with a clear message, and no child row is lost.
 */
import assert from 'node:assert/strict'
import { after, before, it } from 'node:test'
import { describeEachDialect } from '../../support/databases.js'
import { rawQuery, versionRows } from '../../support/inspect.js'
import type { UserProject } from '../../support/project.js'
import { createScenario, errorLine, linkUserProject, revId } from '../../support/safe-project.js'

const count = async (s: Awaited<ReturnType<typeof createScenario>>, table: string) => Number(Object.values((await rawQuery(s.db, `SELECT COUNT(*) AS n FROM ${table}`))[0]!)[0])

describeEachDialect('SQLite rebuilds with foreign keys enforced', ({ dialect }) => {
  if (dialect !== 'sqlite') return
  let project: UserProject
  before(() => {
    project = linkUserProject('enforced-fk')
  })
  after(() => project?.remove())

  const [r1, r2, r3] = [revId(1, 'e'), revId(2, 'e'), revId(3, 'e')]
  const setup = `  await op.execute('CREATE TABLE p (id INTEGER PRIMARY KEY AUTOINCREMENT, name VARCHAR(20))')
  await op.execute('CREATE TABLE q (id INTEGER PRIMARY KEY, name VARCHAR(20))')
  await op.execute('CREATE TABLE kids (id INTEGER PRIMARY KEY, p_id INTEGER REFERENCES p (id) ON DELETE CASCADE)')
  await op.execute('CREATE TABLE notes (id INTEGER PRIMARY KEY, q_id INTEGER NOT NULL REFERENCES q (id))')
  await op.execute("INSERT INTO p (id, name) VALUES (1, 'a'), (2, 'b'), (7, 'c')")
  await op.execute("INSERT INTO q (id, name) VALUES (1, 'a'), (2, 'b')")
  await op.execute('INSERT INTO kids (id, p_id) VALUES (10, 1), (11, 2), (12, 2)')
  await op.execute('INSERT INTO notes (id, q_id) VALUES (20, 1), (21, 2)')`

  it('a parent with NO ACTION children is rebuilt: every child row kept and still valid', async () => {
    const s = await createScenario(project, dialect, 'plain')
    try {
      s.write('strata.config.ts', `import { defineConfig } from 'strata-db'\nexport default defineConfig({ url: ${JSON.stringify(`${s.db.url}?foreign_keys=on`)}, schema: './schema.ts' })\n`)
      s.revision({ id: r1, down: null, message: 'tables', up: setup })
      s.revision({ id: r2, down: r1, message: 'q name required', up: `  await op.alterColumn('q', 'name', { nullable: false })` })
      s.revision({ id: r3, down: r2, message: 'p name required', imports: [], up: `  await op.alterColumn('p', 'name', { nullable: false })`, extra: '' })
      const r = await s.strata(['upgrade', r2])
      assert.equal(r.code, 0, r.stderr)
      assert.equal(await count(s, 'notes'), 2)
      assert.deepEqual(await rawQuery(s.db, 'PRAGMA foreign_key_check'), [])
      assert.match(String((await rawQuery<{ sql: string }>(s.db, `SELECT sql FROM sqlite_master WHERE name = 'q'`))[0]!.sql), /"name" VARCHAR\(20\) NOT NULL/i)
      assert.deepEqual(await rawQuery(s.db, `SELECT name FROM sqlite_master WHERE name LIKE '_strata_%'`), [], 'no holding table left')
      assert.deepEqual(await versionRows(s.db), [r2])

      // The CASCADE parent: refused, nothing lost.
      const refused = await s.strata(['upgrade', 'head'])
      assert.equal(refused.code, 1)
      assert.match(errorLine(refused), /cannot rebuild table 'p' with foreign keys enforced .*ON DELETE in kids \(ON DELETE CASCADE\)/)
      assert.equal(await count(s, 'kids'), 3)
      assert.equal(await count(s, 'p'), 3)
      assert.deepEqual(await versionRows(s.db), [r2])
    } finally {
      await s.db.drop()
    }
  })

  it('AUTOINCREMENT keeps its high-water mark through the enforced rebuild', async () => {
    const s = await createScenario(project, dialect, 'seq')
    try {
      s.write('strata.config.ts', `import { defineConfig } from 'strata-db'\nexport default defineConfig({ url: ${JSON.stringify(`${s.db.url}?foreign_keys=on`)}, schema: './schema.ts' })\n`)
      s.revision({
        id: r1,
        down: null,
        message: 'seq',
        up: `  await op.execute('CREATE TABLE s (id INTEGER PRIMARY KEY AUTOINCREMENT, name VARCHAR(20))')\n  await op.execute("INSERT INTO s (id, name) VALUES (1, 'a'), (9, 'b')")\n  await op.execute('DELETE FROM s WHERE id = 9')`,
      })
      s.revision({ id: r2, down: r1, message: 'required', up: `  await op.alterColumn('s', 'name', { nullable: false })` })
      const r = await s.strata(['upgrade', 'head'])
      assert.equal(r.code, 0, r.stderr)
      assert.deepEqual(await rawQuery(s.db, `SELECT seq FROM sqlite_sequence WHERE name = 's'`), [{ seq: 9 }])
      assert.deepEqual(await rawQuery(s.db, 'SELECT id, name FROM s'), [{ id: 1, name: 'a' }])
    } finally {
      await s.db.drop()
    }
  })
})
