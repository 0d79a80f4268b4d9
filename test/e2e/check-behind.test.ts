/**
 * Issue 11: `check` needs the database at the heads and says so; `check --allow-behind` compares a database that is
 * behind with the schema its applied revisions define (their upgrades replayed on a model), so drift is still found.
 */
import assert from 'node:assert/strict'
import { after, before, it } from 'node:test'
import { checkSchema } from '../../src/index.js'
import { describeEachDialect } from '../support/databases.js'
import { rawQuery } from '../support/inspect.js'
import { createLinkedProject, fails, ok, strata } from '../support/graph-project.js'
import type { UserProject } from '../support/project.js'

const NOTES = `export const notes = table('notes', {
  id: integer().primaryKey(),
  body: varchar({ length: 40 }).notNull(),
}, (t) => [index().on(t.body)])
`
const TAGS = `export const tags = table('tags', {
  id: integer().primaryKey(),
  noteId: integer('note_id').references(() => notes.id),
})
`
const schema = (...tables: string[]) => `import { table, integer, varchar, index } from 'strata-db'\n\n${tables.join('\n')}`

describeEachDialect('check --allow-behind', ({ dialect, db }) => {
  let project: UserProject
  const env = () => ({ DATABASE_URL: db().url })

  before(async () => {
    project = createLinkedProject(`check-behind-${dialect}`)
    project.write('schema.ts', schema(NOTES))
    await ok(project, ['revision', '--autogenerate', '-m', 'notes', '--rev-id', 'r1'], env())
    await ok(project, ['upgrade', 'head'], env())
    project.write('schema.ts', schema(NOTES, TAGS))
    await ok(project, ['revision', '--autogenerate', '-m', 'tags', '--rev-id', 'r2'], env())
    await ok(project, ['upgrade', 'head'], env())
    await ok(project, ['downgrade', '-1'], env())
  })
  after(() => project?.remove())

  it('check on a database behind the heads explains that it needs the heads and names --allow-behind', async () => {
    await fails(
      project,
      ['check'],
      /^error: the database is not up to date \(at r1, heads are r2\): run 'strata upgrade heads' first, or compare it with its applied revisions: 'strata check --allow-behind'$/,
      env(),
    )
  })

  it('check and current on a server database that does not exist say so (connecting first, asking only when that fails)', async (t) => {
    if (dialect === 'sqlite') return t.skip('a SQLite file that does not exist is an empty database')
    const missing = { DATABASE_URL: db().url.replace(/\/[^/?]*(\?|$)/, '/strata_no_such_db$1') }
    for (const command of [['check'], ['current']])
      await fails(project, command, /database 'strata_no_such_db' does not exist on .*: create it, or fix the URL/, missing)
  })

  it('--allow-behind compares with the schema r1 defines: clean, then a drifted column is found', async () => {
    const clean = await strata(project, ['check', '--allow-behind'], env())
    assert.equal(clean.code, 0, clean.stdout + clean.stderr)
    assert.match(clean.stdout, /No changes detected/)
    assert.deepEqual(await checkSchema(project.path('strata.config.ts'), { url: db().url, allowBehind: true }), [])

    await rawQuery(db(), 'ALTER TABLE notes ADD COLUMN extra INTEGER')
    const drift = await strata(project, ['check', '--allow-behind', '--json'], env())
    assert.equal(drift.code, 1, drift.stderr)
    const { changes } = JSON.parse(drift.stdout) as { changes: Array<{ kind: string; message: string }> }
    assert.deepEqual(
      changes.map((c) => c.kind),
      ['dropColumn'],
    )
    assert.match(changes[0]!.message, /notes\.extra/)
    await rawQuery(db(), 'ALTER TABLE notes DROP COLUMN extra')
  })

  it('at the heads, --allow-behind is the usual check against the schema files', async () => {
    await ok(project, ['upgrade', 'head'], env())
    const result = await strata(project, ['check', '--allow-behind'], env())
    assert.equal(result.code, 0, result.stdout + result.stderr)
    project.write('schema.ts', schema(NOTES))
    const behindFiles = await strata(project, ['check', '--allow-behind', '--json'], env())
    assert.equal(behindFiles.code, 1)
    assert.deepEqual(
      (JSON.parse(behindFiles.stdout) as { changes: Array<{ kind: string }> }).changes.map((c) => c.kind),
      ['dropTable'],
    )
  })
})
