/**
 * `strata pull` round trip on real-world schemas made by plain SQL (test/fixtures/adopt/<schema>.<dialect>.sql):
 * after pull, `check` finds nothing, the file type-checks under `strict`, and a second pull is byte-identical.
 * What the DSL cannot say (views, triggers, functions) is listed in the file's header, never dropped silently.
 */
import assert from 'node:assert/strict'
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, it } from 'node:test'
import { checkSchema, pull } from '../../src/index.js'
import { linkedProject } from '../support/autogen-cycle.js'
import { type TestDatabase, createTestDatabase, describeEachDialect } from '../support/databases.js'
import { REPO, type UserProject, typeCheck } from '../support/project.js'
import { runScript } from '../support/sql-script.js'

const FIXTURES = join(REPO, 'test', 'fixtures', 'adopt')

function fixturesFor(dialect: string): string[] {
  return readdirSync(FIXTURES)
    .filter((f) => f.endsWith(`.${dialect}.sql`))
    .map((f) => f.slice(0, -`.${dialect}.sql`.length))
    .sort()
}

function config(url: string): string {
  return `import { defineConfig } from 'strata-db'

export default defineConfig({
  url: '${url}',
  schema: './db/schema.ts',
})
`
}

describeEachDialect('strata pull round trip on real-world schemas', ({ dialect }) => {
  const projects: UserProject[] = []
  const databases: TestDatabase[] = []
  after(async () => {
    for (const p of projects) p.remove()
    for (const d of databases) await d.drop()
  })

  for (const name of fixturesFor(dialect)) {
    let project: UserProject
    let db: TestDatabase
    before(async () => {
      db = await createTestDatabase(dialect, `pull ${name}`)
      databases.push(db)
      await runScript(db, readFileSync(join(FIXTURES, `${name}.${dialect}.sql`), 'utf8'))
      project = linkedProject(`pull-${name}-${dialect}`)
      projects.push(project)
      project.write('strata.config.ts', config(db.url))
    })

    it(`${name}: pull, then check finds nothing; a second pull is byte-identical`, async () => {
      const configFile = project.path('strata.config.ts')
      const first = await pull(configFile)
      const tables = (first.source.match(/^export const \w+ = table\(/gm) ?? []).length
      assert.ok(tables >= 5, `only ${tables} tables pulled`)
      const changes = await checkSchema(configFile)
      assert.deepEqual(changes.map((c) => c.message), [], first.source)
      await assert.rejects(pull(configFile), /already exists: pass --force to overwrite it/)
      const second = await pull(configFile, { force: true })
      assert.equal(second.source, first.source)
      assert.equal(readFileSync(project.path('db/schema.ts'), 'utf8'), first.source)
    })

    it(`${name}: the pulled file type-checks under strict`, () => {
      const result = typeCheck(project, ['db/schema.ts'])
      assert.equal(result.code, 0, result.stdout + result.stderr)
    })
  }
})
