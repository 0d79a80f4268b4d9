/**
 * Issue 16: where the database keeps no enum names (MySQL/MariaDB, SQLite), `check` needs the enums the applied
 * revisions declare. They are cached in node_modules/.cache/strata-db/history-enums-*.json, keyed by the applied
 * versions and their files' checksums, instead of replaying the history on every run. The cache is believed only
 * under its key: a new applied revision changes the key, and a damaged file is ignored and rewritten.
 */
import assert from 'node:assert/strict'
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, it } from 'node:test'
import { describeDialect } from '../support/databases.js'
import { createLinkedProject, ok, strata } from '../support/graph-project.js'
import type { UserProject } from '../support/project.js'

const schema = (...enums: string[]) => `import { table, integer, enumeration } from 'strata-db'

export const mood = enumeration('mood', ['happy', 'sad'])
${enums.map((name) => `export const ${name} = enumeration('${name}', ['x', 'y'])`).join('\n')}
export const people = table('people', { id: integer().primaryKey(), mood: mood() })
`

for (const dialect of ['mysql', 'sqlite'] as const) {
  describeDialect(dialect, 'history enums cache', ({ db }) => {
    let project: UserProject
    const env = () => ({ DATABASE_URL: db().url })
    const cacheDir = () => join(project.dir, 'node_modules', '.cache', 'strata-db')
    const cacheFile = () => {
      const names = existsSync(cacheDir()) ? readdirSync(cacheDir()).filter((f) => f.startsWith('history-enums-')) : []
      assert.equal(names.length, 1, `one history enums cache: ${names.join(', ')}`)
      return join(cacheDir(), names[0]!)
    }
    const stored = () => JSON.parse(readFileSync(cacheFile(), 'utf8')) as { key: string; enums: Array<{ name: string }> }

    before(async () => {
      project = createLinkedProject(`history-enums-${dialect}`)
      project.write('schema.ts', schema('spare'))
      await ok(project, ['revision', '--autogenerate', '-m', 'first', '--rev-id', 'r1'], env())
      await ok(project, ['upgrade', 'head'], env())
    })
    after(() => project?.remove())

    it('keeps the replayed enums, and a cached enum the database lacks is reported as a difference', async () => {
      assert.match(await ok(project, ['check'], env()), /No changes detected/)
      assert.deepEqual(stored().enums.map((e) => e.name).sort(), ['mood', 'spare'])

      // The cache is what check believes under its key: an enum only it names must be dropped.
      const { key, enums } = stored()
      writeFileSync(cacheFile(), JSON.stringify({ format: 1, key, enums: [...enums, { name: 'ghost', schema: null, values: ['a'] }] }))
      const ghost = await strata(project, ['check'], env())
      assert.equal(ghost.code, 1, ghost.stdout + ghost.stderr)
      assert.match(ghost.stdout, /removed enum 'ghost'/)
    })

    it('a damaged cache is ignored and rewritten', async () => {
      writeFileSync(cacheFile(), '{"format":1,"key":')
      assert.match(await ok(project, ['check'], env()), /No changes detected/)
      assert.deepEqual(stored().enums.map((e) => e.name).sort(), ['mood', 'spare'])
      writeFileSync(cacheFile(), JSON.stringify({ ...stored(), enums: [{ name: 7 }] }))
      assert.match(await ok(project, ['check'], env()), /No changes detected/)
    })

    it('a newly applied revision changes the key: its enum is seen, not the old cache', async () => {
      project.write('schema.ts', schema('spare', 'extra'))
      await ok(project, ['revision', '--autogenerate', '-m', 'extra', '--rev-id', 'r2'], env())
      await ok(project, ['upgrade', 'head'], env())
      const before = stored().key
      // The schema no longer declares `extra`, which r2 created: check must say so, whatever was cached before r2.
      project.write('schema.ts', schema('spare'))
      const dropped = await strata(project, ['check'], env())
      assert.equal(dropped.code, 1, dropped.stdout + dropped.stderr)
      assert.match(dropped.stdout, /removed enum 'extra'/)
      assert.notEqual(stored().key, before)
      assert.deepEqual(stored().enums.map((e) => e.name).sort(), ['extra', 'mood', 'spare'])
    })
  })
}
