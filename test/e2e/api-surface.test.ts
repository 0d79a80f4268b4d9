/**
 * Issue 11, the front door: every CLI verb is a typed function of 'strata-db' returning what `--json` prints, the
 * offline scripts are functions too, and the internals live at 'strata-db/internals'. On SQLite: what is checked
 * is the surface, not a dialect.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { tmpdir } from 'node:os'
import {
  branches,
  checkSchema,
  current,
  downgradeSql,
  heads,
  history,
  show,
  stampSql,
  upgrade,
  upgradeSql,
  verify,
} from '../../src/index.js'
import * as api from '../../src/index.js'
import { addRevision, createLinkedProject, ok } from '../support/graph-project.js'
import type { UserProject } from '../support/project.js'

/** The timestamps an offline script writes into strata_history differ between two runs. */
const withoutTimes = (script: string) => script.replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, 'T')

describe('the API and the CLI agree', () => {
  let project: UserProject
  let config: string
  let url: string
  let file: string
  const json = async (args: string[]): Promise<unknown> => JSON.parse(await ok(project, [...args, '--json'], { DATABASE_URL: url }))

  before(async () => {
    project = createLinkedProject('api-surface')
    config = project.path('strata.config.ts')
    file = join(tmpdir(), `strata-api-${process.pid}-${Date.now()}.sqlite`)
    url = `sqlite:///${file}`
    for (const id of ['a', 'b']) await addRevision(project, id)
    await addRevision(project, 'c1', ['--branch-label', 'one'])
    await addRevision(project, 'c2', ['--head', 'b', '--splice'])
  })
  after(() => {
    project?.remove()
    rmSync(file, { force: true })
  })

  it('heads, branches, show and history return what --json prints', async () => {
    assert.deepEqual(await heads(config), await json(['heads']))
    assert.deepEqual(
      (await heads(config)).map((h) => h.revision),
      ['c1', 'c2'],
    )
    assert.deepEqual(await branches(config), await json(['branches']))
    assert.deepEqual((await branches(config))[0]!.children, ['c1', 'c2'])
    assert.deepEqual(await show(config, 'b'), await json(['show', 'b']))
    assert.deepEqual(await history(config), await json(['history']))
    assert.deepEqual(await history(config, { range: 'a:c1' }), await json(['history', '-r', 'a:c1']))
    assert.deepEqual(
      (await history(config, { range: 'a:c1' })).map((r) => r.revision),
      ['c1', 'b', 'a'],
    )
  })

  it('current, verify and checkSchema read the database as the CLI does', async () => {
    assert.deepEqual(await current(config, { url }), await json(['current']))
    assert.deepEqual(await current(config, { url }), { url, versions: [], unfinished: null })
    await upgrade(config, 'c1', { url })
    const now = await current(config, { url })
    assert.deepEqual(now.versions, ['c1'])
    assert.deepEqual(now, await json(['current']))
    assert.deepEqual(await history(config, { range: 'current:heads', url }), await json(['history', '-r', 'current:heads']))
    assert.deepEqual(await verify(config, { url }), { ok: true, problems: [], changed: [] })
    assert.deepEqual(await json(['verify']), await verify(config, { url }))
    // The schema file declares nothing, so the tables the revisions created are differences.
    await upgrade(config, 'heads', { url })
    const changes = await checkSchema(config, { url })
    assert.deepEqual(
      changes.map((c) => c.operation.kind),
      ['dropTable', 'dropTable', 'dropTable', 'dropTable'],
    )
  })

  it('upgradeSql, downgradeSql and stampSql return the --sql scripts', async () => {
    const up = await upgradeSql(config, 'base:c1', { dialect: 'postgresql' })
    assert.match(up, /CREATE TABLE "t_c1"/)
    assert.equal(withoutTimes(up), withoutTimes(await ok(project, ['upgrade', 'base:c1', '--sql', '--dialect', 'postgresql'])))
    const down = await downgradeSql(config, 'c1:a', { dialect: 'mysql' })
    assert.match(down, /DROP TABLE `t_c1`/)
    assert.match(down, /DROP TABLE `t_b`/)
    assert.doesNotMatch(down, /t_a`/)
    assert.equal(withoutTimes(down), withoutTimes(await ok(project, ['downgrade', 'c1:a', '--sql', '--dialect', 'mysql'])))
    assert.equal(await stampSql(config, ['c2'], { dialect: 'sqlite' }), await ok(project, ['stamp', 'c2', '--sql', '--dialect', 'sqlite']))
    await assert.rejects(downgradeSql(config, 'a', { dialect: 'sqlite' }), /downgrade --sql needs a range FROM:TO/)
    await assert.rejects(upgradeSql(config, 'head', { dialect: 'oracle' }), /unknown --dialect 'oracle'/)
  })

  it('internals are not part of the main entry point; strata-db/internals has them', async () => {
    for (const name of ['Operations', 'offlineScript', 'buildSchemaModel', 'maskPasswords']) assert.equal(name in api, false, name)
    const internals = await import('../../src/internals.js')
    for (const name of ['Operations', 'offlineScript', 'buildSchemaModel', 'maskPasswords']) assert.equal(typeof (internals as Record<string, unknown>)[name], 'function', name)
    const pkg = (await import('../../package.json', { with: { type: 'json' } })).default as { exports: Record<string, unknown> }
    assert.deepEqual(Object.keys(pkg.exports).sort(), ['.', './internals', './package.json'])
  })
})
