/**
 * `strata squash` over a range that starts after views and enums exist: the squashed revision holds the range's
 * own changes only (it re-created every view, routine, trigger and extension made before the range, which then
 * failed as "already exists"), and an enum value renamed inside the range stays a rename (it became a value
 * removal, destructive for rows holding it). A database through the squashed history equals one through the original.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { after, before, it } from 'node:test'
import { resolveConfig, squash, upgrade } from '../../src/index.js'
import { CycleRunner, rows } from '../support/autogen-cycle.js'
import { type TestDatabase, createTestDatabase, describeEachDialect } from '../support/databases.js'
import { reflectUserSchema } from '../support/reflect.js'
import { rawQuery } from '../support/inspect.js'

const IMPORTS = `import { table, integer, varchar, enumeration, view, sql } from 'strata-db'\n`

function schema(values: string, extraColumns: string, hint = ''): string {
  return `${IMPORTS}export const orderState = enumeration('order_state', ${values}${hint})
export const orders = table('orders', {
  id: integer().primaryKey(),
  state: orderState().notNull(),${extraColumns}
})
export const openOrders = view('open_orders', sql\`select id from orders where state = 'new'\`)
`
}

const A = schema("['new', 'paid']", '')
const B = schema("['new', 'settled']", "\n  note: varchar({ length: 50 }),", ", { renamedValues: { settled: 'paid' } }")
const C = schema("['new', 'settled']", "\n  note: varchar({ length: 50 }),\n  total: integer(),", ", { renamedValues: { settled: 'paid' } }")

describeEachDialect('strata squash: views and enums made before the range', ({ dialect }) => {
  let runner: CycleRunner
  let own: TestDatabase
  let fresh: TestDatabase
  before(async () => {
    own = await createTestDatabase(dialect, 'squash objects')
    fresh = await createTestDatabase(dialect, 'squash objects fresh')
    runner = new CycleRunner(dialect, own, 'squash_objects')
    runner.writeConfig()
  })
  after(async () => {
    runner?.remove()
    await own?.drop()
    await fresh?.drop()
  })


  it('squashes the range into its own changes: a value rename and two columns, no view re-created', async () => {
    const steps: Array<[string, string]> = [['sa', A], ['sb', B], ['sc', C]]
    for (const [id, source] of steps) {
      runner.project.write(`schemas/${id}.ts`, source)
      runner.autogenerate(`./schemas/${id}.ts`, id)
      await upgrade(runner.configFor(`./schemas/${id}.ts`), 'head')
      if (id === 'sa') await rawQuery(own, "INSERT INTO orders (id, state) VALUES (1, 'new'), (2, 'paid')")
    }
    assert.deepEqual(await rows(own, 'SELECT id, state FROM orders ORDER BY id'), [{ id: '1', state: 'new' }, { id: '2', state: 'settled' }])

    const result = await squash(runner.configFor('./schemas/sc.ts'), 'sb', 'sc', { message: 'squashed', revId: 'sq' })
    const source = readFileSync(result.path, 'utf8')
    assert.match(source, /op\.renameEnumValue\('order_state', 'paid', 'settled'/, source)
    assert.doesNotMatch(source, /alterEnum|createView|dropView/, source)
    assert.match(source, /op\.addColumn\('orders', 'note'/)
    assert.match(source, /op\.addColumn\('orders', 'total'/)

    const freshConfig = resolveConfig({ url: fresh.url, migrations: './migrations', schema: './schemas/sc.ts' }, runner.project.path('strata.config.ts'))
    await upgrade(freshConfig, 'sa')
    await rawQuery(fresh, "INSERT INTO orders (id, state) VALUES (1, 'new'), (2, 'paid')")
    await upgrade(freshConfig, 'head')
    assert.deepEqual(await reflectUserSchema(fresh.url), await reflectUserSchema(own.url))
    assert.deepEqual(await rows(fresh, 'SELECT id, state FROM orders ORDER BY id'), await rows(own, 'SELECT id, state FROM orders ORDER BY id'))
  })
})
