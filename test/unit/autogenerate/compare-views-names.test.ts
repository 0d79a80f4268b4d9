/** The `Detected` line of a view re-created around a table change names the table as the schema spells it. */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { integer, text } from '../../../src/schema/columns.js'
import { sql } from '../../../src/schema/sql.js'
import { table } from '../../../src/schema/table.js'
import { view } from '../../../src/schema/view.js'
import { compare, messages, model, reflect } from './support.js'

describe('compare: views re-created around a change to a mixed-case table', () => {
  it("keeps the table's own spelling ('Products', not 'products')", async () => {
    const before = table('Products', { ProductID: integer().primaryKey(), UnitPrice: integer() })
    const after = table('Products', { ProductID: integer().primaryKey(), UnitPrice: text() })
    const list = view('Product List', sql`SELECT ProductID, UnitPrice FROM Products`)
    const changes = await compare(model(after, list), reflect(model(before, list)))
    assert.deepEqual(messages(changes), [
      "dropped view 'Product List' to re-create it around changes to 'Products'",
      "changed type of column 'Products.UnitPrice'",
      "re-created view 'Product List' after changes to 'Products'",
    ])
  })
})
