import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { integer, text } from '../../../src/schema/columns.js'
import { check, index, unique } from '../../../src/schema/extras.js'
import { table } from '../../../src/schema/table.js'
import { assertRoundTrip, messages, model, reflect, sql } from './support.js'

/** Orders whose `total` is generated from `expression`, with what can stand on a column. */
function schema(expression: string) {
  const customers = table('customers', { id: integer().primaryKey(), code: integer().notNull().unique() })
  const orders = table(
    'orders',
    {
      id: integer().primaryKey(),
      price: integer().notNull(),
      qty: integer().notNull(),
      note: text(),
      total: integer()
        .generatedAlwaysAs(sql`${expression}`, { stored: true })
        .references(() => customers.code),
    },
    (t) => [
      index('ix_orders_total').on(t.total),
      index('ix_orders_qty_total').on(t.qty, t.total),
      index('ix_orders_total_expr').on(sql`abs("total")`),
      index('ix_orders_note').on(t.note).where(sql`total > 0`),
      index('ix_orders_qty').on(t.qty),
      unique('uq_orders_total_id').on(t.total, t.id),
      check('ck_orders_total', sql`total >= 0`),
      check('ck_orders_qty', sql`qty >= 0`),
    ],
  )
  return model(customers, orders)
}

describe('compare: a generated column re-created for a new expression', () => {
  it('drops what stands on it first and re-creates it after; the downgrade does the same backwards', async () => {
    const changes = await assertRoundTrip(schema('price * qty * 2'), reflect(schema('price * qty')))
    const order = messages(changes)
    const on = "on 'orders'"
    const recreated = [
      `foreign key 'fk_orders_total_customers'`,
      `index 'ix_orders_total'`,
      `index 'ix_orders_qty_total'`,
      `index 'ix_orders_total_expr'`,
      `index 'ix_orders_note'`,
      `unique constraint 'uq_orders_total_id'`,
      `check constraint 'ck_orders_total'`,
    ]
    const at = (message: string) => {
      const found = order.indexOf(message)
      assert.ok(found >= 0, `${message} in:\n${order.join('\n')}`)
      return found
    }
    const dropColumn = at("removed column 'orders.total'")
    const addColumn = at("added column 'orders.total'")
    for (const object of recreated) {
      assert.ok(at(`removed ${object} ${on}`) < dropColumn, `${object} dropped before the column`)
      assert.ok(at(`added ${object} ${on}`) > addColumn, `${object} re-created after the column`)
    }
    // Nothing else is touched.
    assert.equal(order.length, 2 + 2 * recreated.length, order.join('\n'))
  })
})
