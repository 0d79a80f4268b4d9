/**
 * `strata squash`: ten revisions with adds, alters, renames and drops become one. A fresh database upgraded through
 * the squashed history has the same reflected schema as one upgraded through the original; the squashed downgrade
 * returns to the range's start; the child of the range is re-parented; a data step in the range is refused.
 */
import assert from 'node:assert/strict'
import { cpSync, readFileSync, readdirSync } from 'node:fs'
import { after, before, it } from 'node:test'
import { downgrade, resolveConfig, squash, upgrade } from '../../src/index.js'
import { linkedProject } from '../support/autogen-cycle.js'
import { type TestDatabase, createTestDatabase, describeEachDialect } from '../support/databases.js'
import { reflectUserSchema } from '../support/reflect.js'
import type { UserProject } from '../support/project.js'

const STEPS: Array<[string, string, string]> = [
  ['r00', `await op.createTable('users', { id: integer().primaryKey(), name: varchar({ length: 50 }) })`, `await op.dropTable('users')`],
  ['r01', `await op.createTable('posts', { id: integer().primaryKey(), userId: integer('user_id'), title: varchar({ length: 100 }) })`, `await op.dropTable('posts')`],
  ['r02', `await op.addColumn('users', 'email', varchar({ length: 200 }))`, `await op.dropColumn('users', 'email')`],
  [
    'r03',
    `await op.alterColumn('posts', 'title', { type: varchar({ length: 200 }), existingType: varchar({ length: 100 }) })`,
    `await op.alterColumn('posts', 'title', { type: varchar({ length: 100 }), existingType: varchar({ length: 200 }) })`,
  ],
  ['r04', `await op.renameColumn('users', 'name', 'full_name')`, `await op.renameColumn('users', 'full_name', 'name')`],
  ['r05', `await op.createIndex('ix_posts_user', 'posts', ['user_id'])`, `await op.dropIndex('ix_posts_user', 'posts')`],
  ['r06', `await op.createTable('tags', { id: integer().primaryKey(), label: text() })`, `await op.dropTable('tags')`],
  ['r07', `await op.addColumn('posts', 'body', text())`, `await op.dropColumn('posts', 'body')`],
  ['r08', `await op.dropColumn('posts', 'body')`, `await op.addColumn('posts', 'body', text())`],
  ['r09', `await op.renameTable('tags', 'labels')`, `await op.renameTable('labels', 'tags')`],
  ['r10', `await op.dropColumn('users', 'email')`, `await op.addColumn('users', 'email', varchar({ length: 200 }))`],
  ['r11', `await op.addColumn('users', 'age', integer())`, `await op.dropColumn('users', 'age')`],
]

function revisionFile(index: number): string {
  const [id, up, down] = STEPS[index]!
  const parent = index === 0 ? 'null' : `'${STEPS[index - 1]![0]}'`
  return `/**
 * step ${id}
 *
 * Revision ID: ${id}
 * Revises: ${index === 0 ? '' : STEPS[index - 1]![0]}
 * Create Date: 2026-11-27 10:00:00
 */
import { type Migration, integer, text, varchar } from 'strata-db'

export const revision = '${id}'
export const downRevision = ${parent}
export const branchLabels = null
export const dependsOn = null

export async function upgrade({ op }: Migration) {
  ${up}
}

export async function downgrade({ op }: Migration) {
  ${down}
}
`
}

describeEachDialect('strata squash: ten revisions become one', ({ dialect, db }) => {
  let original: UserProject
  let squashed: UserProject
  let fresh: TestDatabase
  let atStart: TestDatabase
  before(async () => {
    original = linkedProject(`squash-original-${dialect}`)
    STEPS.forEach(([id], i) => original.write(`migrations/versions/${id}.ts`, revisionFile(i)))
    squashed = linkedProject(`squash-squashed-${dialect}`)
    cpSync(original.path('migrations'), squashed.path('migrations'), { recursive: true })
    fresh = await createTestDatabase(dialect, 'squash fresh')
    atStart = await createTestDatabase(dialect, 'squash start')
  })
  after(async () => {
    original?.remove()
    squashed?.remove()
    await fresh?.drop()
    await atStart?.drop()
  })
  const config = (project: UserProject, url: string) => resolveConfig({ url, schema: './none.ts' }, project.path('strata.config.ts'))

  it('squashes r01..r10: the net effect, renames kept as renames, r11 re-parented', async () => {
    const result = await squash(config(squashed, fresh.url), 'r01', 'r10', { message: 'squashed', revId: 'sq1' })
    assert.deepEqual(result.replaced, ['r01', 'r02', 'r03', 'r04', 'r05', 'r06', 'r07', 'r08', 'r09', 'r10'])
    assert.deepEqual(result.reparented, ['r11'])
    assert.deepEqual(readdirSync(squashed.path('migrations/versions')).sort(), ['r00.ts', 'r11.ts', 'sq1_squashed.ts'])
    const source = readFileSync(result.path, 'utf8')
    assert.match(source, /export const downRevision = 'r00'/)
    assert.match(source, /op\.renameColumn\('users', 'name', 'full_name'\)/)
    assert.doesNotMatch(source, /email|body|'tags'/)
    assert.match(readFileSync(squashed.path('migrations/versions/r11.ts'), 'utf8'), /export const downRevision = 'sq1'/)
  })

  it('a fresh database through the squashed history equals one through the original', async () => {
    await upgrade(config(original, db().url), 'head')
    await upgrade(config(squashed, fresh.url), 'head')
    assert.deepEqual(await reflectUserSchema(fresh.url), await reflectUserSchema(db().url))
  })

  it('the squashed downgrade returns to the start of the range', async () => {
    await downgrade(config(squashed, fresh.url), 'r00')
    await upgrade(config(original, atStart.url), 'r00')
    assert.deepEqual(await reflectUserSchema(fresh.url), await reflectUserSchema(atStart.url))
  })

  it('a range holding a data step is refused, and nothing is written', async () => {
    const project = linkedProject(`squash-data-${dialect}`)
    try {
      STEPS.slice(0, 3).forEach(([id], i) => project.write(`migrations/versions/${id}.ts`, revisionFile(i)))
      const data = revisionFile(2).replace("await op.addColumn('users', 'email', varchar({ length: 200 }))", "await op.execute(\"UPDATE users SET name = 'x'\")")
      project.write('migrations/versions/r02.ts', data)
      await assert.rejects(squash(config(project, fresh.url), 'r01', 'r02'), /cannot squash: revision r02 has a data step/)
      assert.deepEqual(readdirSync(project.path('migrations/versions')).sort(), ['r00.ts', 'r01.ts', 'r02.ts'])
    } finally {
      project.remove()
    }
  })
})
