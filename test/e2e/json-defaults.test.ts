/**
 * Issue 11: object and array defaults on json()/jsonb() work on every dialect: autogenerate → upgrade → a row
 * inserted without the column gets the default → check clean (compared by value) → the generated file and the
 * schema pass `tsc --strict`. Unsupported defaults are refused at load, naming the column.
 */
import assert from 'node:assert/strict'
import { readdirSync } from 'node:fs'
import { after, before, it } from 'node:test'
import { describeEachDialect } from '../support/databases.js'
import { rawQuery } from '../support/inspect.js'
import { createLinkedProject, fails, ok, strata } from '../support/graph-project.js'
import { typeCheck, type UserProject } from '../support/project.js'

const SCHEMA = `import { table, integer, json, jsonb } from 'strata-db'

export const settings = table('settings', {
  id: integer().primaryKey(),
  prefs: json().notNull().default({ theme: 'dark', sizes: [1, 2.5], nested: { on: true, off: null } }),
  tags: jsonb().default(['a', "it's"]),
  empty: jsonb().default({}),
})
`

describeEachDialect('json and jsonb defaults', ({ dialect, db }) => {
  let project: UserProject
  const env = () => ({ DATABASE_URL: db().url })

  before(() => {
    project = createLinkedProject(`json-defaults-${dialect}`)
  })
  after(() => project?.remove())

  it('autogenerate, upgrade, the default in a row, check clean, and tsc --strict on the files', async () => {
    project.write('schema.ts', SCHEMA)
    await ok(project, ['revision', '--autogenerate', '-m', 'settings', '--rev-id', 'settings'], env())
    await ok(project, ['upgrade', 'head'], env())
    await rawQuery(db(), 'INSERT INTO settings (id) VALUES (1)')
    const [row] = await rawQuery<Record<string, unknown>>(db(), 'SELECT prefs, tags, empty FROM settings')
    const value = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v)
    assert.deepEqual(value(row!.prefs), { theme: 'dark', sizes: [1, 2.5], nested: { on: true, off: null } })
    assert.deepEqual(value(row!.tags), ['a', "it's"])
    assert.deepEqual(value(row!.empty), {})
    const check = await strata(project, ['check'], env())
    assert.equal(check.code, 0, check.stdout + check.stderr)
    const files = readdirSync(project.path('migrations/versions')).filter((f) => f.endsWith('.ts'))
    const tsc = typeCheck(project, ['schema.ts', ...files.map((f) => `migrations/versions/${f}`)])
    assert.equal(tsc.code, 0, tsc.stdout + tsc.stderr)
  })

  it('a default changed by value is detected; the same value written differently is not', async () => {
    project.write('schema.ts', SCHEMA.replace(`{ theme: 'dark', sizes`, `{ theme: 'light', sizes`))
    const changed = await strata(project, ['check', '--json'], env())
    assert.equal(changed.code, 1, changed.stderr)
    assert.deepEqual(
      (JSON.parse(changed.stdout) as { changes: Array<{ kind: string; message: string }> }).changes.map((c) => c.kind),
      ['alterColumn'],
    )
    project.write('schema.ts', SCHEMA.replace(`{ theme: 'dark', sizes: [1, 2.5], nested: { on: true, off: null } }`, `{ nested: { off: null, on: true }, sizes: [1, 2.5], theme: 'dark' }`))
    const same = await strata(project, ['check'], env())
    assert.equal(same.code, 0, same.stdout + same.stderr)
  })

  it('unsupported defaults are refused at load, naming the column', async () => {
    project.write('schema.ts', `import { table, integer, text, json } from 'strata-db'\n\nexport const t = table('t', { id: integer().primaryKey(), c: text().default({ a: 1 } as never) })\n`)
    await fails(project, ['check'], /^error: schema is invalid: column 't\.c': an object or array default needs a json\(\) or jsonb\(\) column \(this one is text\)$/, env())
    project.write('schema.ts', `import { table, integer, json } from 'strata-db'\n\nexport const t = table('t', { id: integer().primaryKey(), at: json().default({ when: new Date(0) } as never) })\n`)
    await fails(project, ['check'], /^error: schema is invalid: column 't\.at': a json default must be plain JSON/, env())
  })
})
