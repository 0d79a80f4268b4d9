/**
 * PostgreSQL: a function that a table's CHECK and column default call (the que gem's `que_validate_tags` pattern)
 * is created before the table and dropped after it. Routines otherwise come after every table, which such a table
 * cannot wait for: the revision failed on an empty database.
 */
import assert from 'node:assert/strict'
import { after, before, it } from 'node:test'
import { CycleRunner, rows } from '../support/autogen-cycle.js'
import { describeDialect } from '../support/databases.js'
import { rawQuery } from '../support/inspect.js'

const BASE = `import { table, integer, bigint, jsonb, sqlFunction, check, sql } from 'strata-db'

export const base = table('base', { id: integer().primaryKey() })
`
const JOBS = `
export const okTags = sqlFunction('ok_tags', { args: 'j jsonb', returns: 'boolean', language: 'sql', body: sql\`select jsonb_typeof(j) = 'array'\` })
export const firstPriority = sqlFunction('first_priority', { returns: 'integer', language: 'sql', body: sql\`select 100\` })
export const jobs = table(
  'jobs',
  { id: bigint().primaryKey(), tags: jsonb().notNull(), priority: integer().notNull().default(sql\`first_priority()\`) },
  () => [check('valid_tags', sql\`ok_tags(tags)\`)],
)
`

describeDialect('postgres', 'PostgreSQL: functions that checks and defaults call', ({ dialect, db }) => {
  let runner: CycleRunner
  before(() => {
    runner = new CycleRunner(dialect, db(), 'called-fn')
  })
  after(() => runner?.remove())

  const functions = async () => rows(db(), "SELECT proname FROM pg_proc WHERE proname IN ('ok_tags', 'first_priority') ORDER BY 1")

  it('creates them before the table, drops them after it (online, and on an empty database)', async () => {
    const result = await runner.run({
      name: 'called_fn',
      a: BASE,
      b: BASE + JOBS,
      detected: ["added function 'ok_tags'", "added function 'first_priority'", "added table 'jobs'"],
      warnings: null,
      file: (source) => {
        const order = ["createFunction('first_priority'", "createFunction('ok_tags'", 'op.createTable(', "dropTable('jobs'", "dropFunction('ok_tags'", "dropFunction('first_priority'"]
        const at = order.map((call) => source.indexOf(call))
        assert.ok(at.every((i) => i >= 0), source)
        assert.deepEqual([...at].sort((x, y) => x - y), at, `upgrade creates the functions first, downgrade drops them last:\n${source}`)
      },
      atB: async () => {
        await rawQuery(db(), `INSERT INTO jobs (id, tags) VALUES (1, '["a"]')`)
        assert.deepEqual(await rows(db(), 'SELECT priority FROM jobs'), [{ priority: '100' }])
        await assert.rejects(rawQuery(db(), `INSERT INTO jobs (id, tags) VALUES (2, '{}')`), /valid_tags/)
      },
      atA: async () => assert.deepEqual(await functions(), []),
    })
    assert.deepEqual(result.kinds, ['createRoutine', 'createRoutine', 'createTable'])
  })

  it('builds the whole schema from an empty database in one revision, and takes it down again', async () => {
    await runner.run({
      name: 'called_fn_empty',
      a: BASE + JOBS,
      b: BASE,
      detected: ["removed table 'jobs'", "removed function 'ok_tags'", "removed function 'first_priority'"],
      warnings: null,
      atB: async () => assert.deepEqual(await functions(), []),
      atA: async () => assert.deepEqual(await functions(), [{ proname: 'first_priority' }, { proname: 'ok_tags' }]),
    })
  })
})
