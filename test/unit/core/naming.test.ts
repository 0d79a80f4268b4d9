import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { foreignKey, index, integer, primaryKey, table, unique, varchar, sql } from '../../../src/index.js'
import { buildSchemaModel } from '../../../src/internals.js'
import { applyConvention, namingPresets, postgresObjectName, resolveNaming, shortenName } from '../../../src/schema/naming.js'
import { resolveConfig } from '../../../src/config/load-config.js'

const customers = table('customers', { id: integer().primaryKey(), email: varchar({ length: 200 }).notNull().unique() })
const orders = table(
  'orders',
  {
    id: integer().primaryKey(),
    customerId: integer('customer_id').references(() => customers.id),
    shopId: integer('shop_id'),
    sku: varchar({ length: 20 }),
  },
  (t) => [
    unique().on(t.shopId, t.sku),
    index().on(t.sku, t.shopId),
    index().on(sql`lower(sku)`),
    foreignKey({ columns: [t.shopId], references: { table: 'shops', columns: ['id'] } }),
  ],
)
const lines = table('order_lines', { orderId: integer('order_id'), line: integer() }, (t) => [primaryKey({ columns: [t.orderId, t.line] })])

function names(preset: 'strata' | 'postgres' | 'mysql') {
  const model = buildSchemaModel([customers, orders, lines], namingPresets[preset])
  return model.tables.map((t) => ({
    table: t.name,
    pk: t.primaryKey?.name,
    uniques: t.uniques.map((u) => u.name),
    indexes: t.indexes.map((i) => i.name),
    fks: t.foreignKeys.map((f) => f.name),
  }))
}

describe('naming presets', () => {
  it('postgres reproduces the server names of unnamed constraints', () => {
    assert.deepEqual(names('postgres'), [
      { table: 'customers', pk: 'customers_pkey', uniques: ['customers_email_key'], indexes: [], fks: [] },
      {
        table: 'orders',
        pk: 'orders_pkey',
        uniques: ['orders_shop_id_sku_key'],
        indexes: ['orders_sku_shop_id_idx', 'orders_expr_idx'],
        fks: ['orders_customer_id_fkey', 'orders_shop_id_fkey'],
      },
      { table: 'order_lines', pk: 'order_lines_pkey', uniques: [], indexes: [], fks: [] },
    ])
  })

  it('mysql names keys after their first column and numbers foreign keys in declaration order', () => {
    const orderNames = names('mysql')[1]!
    assert.deepEqual(orderNames.uniques, ['shop_id'])
    assert.deepEqual(orderNames.indexes, ['sku', 'expr'])
    assert.deepEqual(orderNames.fks, ['orders_ibfk_1', 'orders_ibfk_2'])
  })

  it('strata stays the default', () => {
    assert.deepEqual(names('strata')[1]!.fks, ['fk_orders_customer_id_customers', 'fk_orders_shop_id_shops'])
    assert.equal(resolveNaming(undefined), namingPresets.strata)
  })

  it("postgres shortens long names as the server does (makeObjectName: the longer part loses a byte at a time)", () => {
    const table = 'a'.repeat(40)
    const column = 'b'.repeat(40)
    const name = postgresObjectName(table, [column], 'fkey')
    assert.equal(Buffer.byteLength(name), 63)
    // 63 - len('_') - len('_fkey') = 57 bytes for both parts: 29 + 28 (ties shorten the second).
    assert.equal(name, `${'a'.repeat(29)}_${'b'.repeat(28)}_fkey`)
    assert.equal(postgresObjectName('t'.repeat(70), null, 'pkey'), `${'t'.repeat(58)}_pkey`)
    assert.equal(postgresObjectName('t', ['x', 'y'], 'key'), 't_x_y_key')
  })

  it('config accepts a preset name, overrides, and refuses anything else in one line', () => {
    const file = '/tmp/strata.config.ts'
    assert.equal(resolveConfig({ schema: 's.ts', naming: 'postgres' }, file).naming, namingPresets.postgres)
    assert.equal(resolveConfig({ schema: 's.ts', naming: { index: 'idx_{table}_{columns}' } }, file).naming.index, 'idx_{table}_{columns}')
    assert.throws(
      () => resolveConfig({ schema: 's.ts', naming: 'oracle' as never }, file),
      /invalid config .*'naming' must be one of 'strata', 'postgres', 'mysql', 'sqlite' or an object of templates/,
    )
  })

  it('shortens to any limit, however small, in bytes of UTF-8 and the same way each time', () => {
    const long = 'ü'.repeat(40) + '_orders_customer_id_fkey'
    for (const limit of [1, 5, 9, 10, 11, 20, 63]) {
      const short = shortenName(long, limit)
      assert.ok(Buffer.byteLength(short) <= limit, `${limit}: ${short}`)
      assert.equal(shortenName(long, limit), short)
    }
    assert.match(shortenName(long, 20), /^ü{5}_[0-9a-f]{8}$/)
  })

  it('fills a template as five replaceAlls one after another would, braces and $ patterns in names included', () => {
    // The rules are filled in one pass over their parts; every name must stay what the chained replaceAlls made.
    const chained = (rule: string, t: { table: string; columns: string[]; referredTable?: string; ordinal?: number }) =>
      shortenName(
        rule
          .replaceAll('{table}', t.table)
          .replaceAll('{columns}', t.columns.join('_'))
          .replaceAll('{column0}', t.columns[0] ?? '')
          .replaceAll('{referredTable}', t.referredTable ?? '')
          .replaceAll('{n}', String(t.ordinal ?? 1)),
      )
    const rules = [...Object.values(namingPresets).flatMap((c) => Object.values(c).filter((r): r is string => typeof r === 'string')), '{{table}}', 'x{{n}', '{table}{columns}}', '{col{table}umns}', '{}', 'plain', '{table}_{table}_{n}{n}']
    const values = ['users', 'a$&b', 'p$$', "q$'", 'r$`', '{n}', 'n}', '{columns', '', 'ü'.repeat(30), 'x'.repeat(70)]
    let checked = 0
    for (const rule of rules)
      for (const table of values)
        for (const column of values.slice(0, 6)) {
          const tokens = { table, columns: [column, 'b'], referredTable: table === '' ? undefined : `${table}_ref`, ordinal: 3 }
          assert.equal(applyConvention(rule, tokens), chained(rule, tokens), `${rule} with ${JSON.stringify(tokens)}`)
          checked++
        }
    assert.ok(checked > 500)
  })
})
