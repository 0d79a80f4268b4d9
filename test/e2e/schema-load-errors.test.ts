/**
 * Issue 11: schema mistakes are caught when the schema loads for the database, through the CLI: one line, exit 1,
 * no revision file. What a database accepts (one index name on two MySQL tables) goes up and checks clean.
 */
import assert from 'node:assert/strict'
import { readdirSync } from 'node:fs'
import { after, before, it } from 'node:test'
import { describeEachDialect } from '../support/databases.js'
import { rawQuery } from '../support/inspect.js'
import { createLinkedProject, fails, ok, strata } from '../support/graph-project.js'
import type { UserProject } from '../support/project.js'

const SHARED_INDEX = `import { table, integer, index } from 'strata-db'

export const a = table('a', { id: integer().primaryKey(), v: integer() }, (t) => [index('ix_v').on(t.v)])
export const b = table('b', { id: integer().primaryKey(), v: integer() }, (t) => [index('ix_v').on(t.v)])
`
const NOW_DEFAULT = `import { table, integer, timestamp, sql } from 'strata-db'

export const events = table('events', { id: integer().primaryKey(), createdAt: timestamp('created_at').notNull().default(sql\`now()\`) })
`

describeEachDialect('schema mistakes at load', ({ dialect, db }) => {
  let project: UserProject
  const env = () => ({ DATABASE_URL: db().url })
  const revisionFiles = () => readdirSync(project.path('migrations/versions')).filter((f) => f.endsWith('.ts'))

  before(() => {
    project = createLinkedProject(`schema-load-${dialect}`)
  })
  after(() => project?.remove())

  it('one index name on two tables: an error on PostgreSQL and SQLite, a working schema on MySQL', async () => {
    project.write('schema.ts', SHARED_INDEX)
    if (dialect === 'mysql') {
      await ok(project, ['revision', '--autogenerate', '-m', 'shared', '--rev-id', 'shared'], env())
      await ok(project, ['upgrade', 'head'], env())
      await ok(project, ['check'], env())
      await rawQuery(db(), 'INSERT INTO a (id, v) VALUES (1, 7)')
      assert.deepEqual(await rawQuery(db(), 'SELECT v FROM a'), [{ v: 7 }])
      return
    }
    const name = dialect === 'postgres' ? 'PostgreSQL' : 'SQLite'
    await fails(
      project,
      ['revision', '--autogenerate', '-m', 'shared'],
      new RegExp(`^error: schema is invalid: index 'ix_v' is declared on tables 'a' and 'b'; ${name} keeps index names unique per schema \\(MySQL alone allows this\\): rename one$`),
      env(),
    )
    await fails(project, ['check'], /^error: schema is invalid: index 'ix_v' is declared on tables 'a' and 'b'/, env())
    assert.deepEqual(revisionFiles(), [])
  })

  it('a now() default: an error naming the column and CURRENT_TIMESTAMP on SQLite, accepted elsewhere', async () => {
    project.write('schema.ts', NOW_DEFAULT)
    const before = revisionFiles()
    if (dialect !== 'sqlite') {
      const result = await strata(project, ['revision', '--autogenerate', '-m', 'events', '--rev-id', `events_${dialect}`], env())
      assert.equal(result.code, 0, result.stderr)
      return
    }
    await fails(
      project,
      ['revision', '--autogenerate', '-m', 'events'],
      /^error: schema is invalid: column 'events\.created_at': the default sql`now\(\)` calls now\(\), which SQLite does not have \(every insert would fail\): use sql`CURRENT_TIMESTAMP`, which every dialect accepts$/,
      env(),
    )
    assert.deepEqual(revisionFiles(), before)
  })

  it('a misspelled column or table option: one line naming the option and what the builder takes, no revision file', async () => {
    project.write('schema.ts', `import { table, integer, varchar } from 'strata-db'\n\nexport const t = table('t', { id: integer().primaryKey(), reason: varchar({ lenght: 64 }) })\n`)
    const before = revisionFiles()
    const message = /^error: .*varchar\(\): unknown option 'lenght' \(it takes length\)$/
    await fails(project, ['revision', '--autogenerate', '-m', 'typo'], message, env())
    await fails(project, ['check'], message, env())
    project.write('schema.ts', `import { table, integer } from 'strata-db'\n\nexport const t = table('t', { id: integer().primaryKey() }, { shema: 'sales' })\n`)
    await fails(project, ['revision', '--autogenerate', '-m', 'typo'], /^error: .*table\('t'\): unknown option 'shema' \(it takes schema, comment, renamedFrom, rls, partitionBy\)$/, env())
    assert.deepEqual(revisionFiles(), before)
  })
})
