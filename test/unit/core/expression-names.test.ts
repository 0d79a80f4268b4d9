import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { RenameColumnOp } from '../../../src/operations/column-ops.js'
import { renameInExpression } from '../../../src/operations/expression-names.js'
import { buildSchemaModel } from '../../../src/schema/build.js'
import { date, integer } from '../../../src/schema/columns.js'
import { check, index } from '../../../src/schema/extras.js'
import { sql } from '../../../src/schema/sql.js'
import { table } from '../../../src/schema/table.js'

describe('renameInExpression', () => {
  it('renames bare and quoted uses of the column, not literals, functions, casts or longer names', () => {
    assert.equal(renameInExpression('end_day >= start_day', 'end_day', 'last_day'), 'last_day >= start_day')
    assert.equal(renameInExpression('"end_day" > 0 AND `end_day` < 9 AND [end_day] <> 1', 'end_day', 'last_day'), '"last_day" > 0 AND `last_day` < 9 AND [last_day] <> 1')
    assert.equal(renameInExpression("END_DAY <> 'end_day' AND end_days > 0", 'end_day', 'last_day'), "last_day <> 'end_day' AND end_days > 0")
    assert.equal(renameInExpression('lower(name) AND x::text = name', 'text', 'body'), 'lower(name) AND x::text = name')
    assert.equal(renameInExpression('lower(lower)', 'lower', 'l2'), 'lower(l2)')
    assert.equal(renameInExpression('t.end_day > 0', 'end_day', 'Last Day'), 't."Last Day" > 0')
  })

  it('a renamed column is renamed inside the checks, predicates and index expressions of the model', () => {
    const model = buildSchemaModel([
      table('stays', { id: integer().primaryKey(), startDay: date('start_day'), endDay: date('end_day') }, (t) => [
        check('ck_stays_order', sql`end_day >= start_day`),
        index('ix_open').on(t.startDay).where(sql`end_day IS NULL`),
        index('ix_len').on(sql`(end_day - start_day)`),
      ]),
    ])
    new RenameColumnOp('stays', 'end_day', 'last_day').apply(model)
    const stays = model.tables[0]!
    assert.equal(stays.checks[0]!.expression, 'last_day >= start_day')
    assert.deepEqual(
      stays.indexes.map((i) => [i.where ?? null, i.elements]),
      [
        ['last_day IS NULL', ['start_day']],
        [null, [{ expression: '(last_day - start_day)' }]],
      ],
    )
  })
})
