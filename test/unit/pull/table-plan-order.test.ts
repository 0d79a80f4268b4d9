import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { planTable } from '../../../src/pull/table-plan.js'
import type { IndexModel, TableModel } from '../../../src/schema/model.js'
import { defaultNamingConvention } from '../../../src/schema/naming.js'

const index = (name: string): IndexModel => ({ name, elements: [{ column: 'a' }], unique: false })

describe('pull table plan', () => {
  // The collator behind this order is built on first use (not when the module loads): this pins that it still sorts.
  it('lists indexes in natural order of their names', () => {
    const table: TableModel = {
      name: 't',
      columns: [],
      indexes: ['ix_t_10', 'ix_t_2', 'IX_t_1', 'ix_t_b'].map(index),
      uniques: [],
      foreignKeys: [],
      checks: [],
    }
    assert.deepEqual(
      planTable(table, defaultNamingConvention).indexes.map((named) => named.name ?? named.object.name),
      ['IX_t_1', 'ix_t_2', 'ix_t_10', 'ix_t_b'],
    )
  })
})
