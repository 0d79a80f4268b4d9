/** Hygiene rules (info) and identifier length. */
import { it } from 'node:test'
import assert from 'node:assert/strict'
import { bigint, integer, text, timestamp, varchar } from '../../../src/index.js'
import { ruleCases, rulesOf } from './support.js'

ruleCases('identifier-too-long', {
  violate: (op) => op.addColumn('posts', 'c'.repeat(70), text()),
  safe: (op) => op.addColumn('posts', 'c'.repeat(60), text()),
})

ruleCases('prefer-bigint-over-int', {
  violate: (op) => op.createTable('counters', { id: integer().primaryKey() }),
  safe: (op) => op.createTable('counters', { id: bigint().primaryKey(), hits: integer() }),
})

ruleCases('prefer-timestamptz', {
  violate: (op) => op.addColumn('posts', 'seen_at', timestamp()),
  safe: (op) => op.addColumn('posts', 'seen_at', timestamp({ withTimezone: true })),
})

ruleCases('prefer-text-over-varchar', {
  violate: (op) => op.addColumn('posts', 'slug', varchar({ length: 80 })),
  safe: (op) => op.addColumn('posts', 'slug', text()),
})

it('identifier-too-long counts bytes on PostgreSQL, characters on MySQL', async () => {
  const accented = (op: Parameters<Parameters<typeof rulesOf>[1]>[0]) => op.addColumn('posts', 'é'.repeat(40), text())
  assert.ok((await rulesOf('postgres', accented)).includes('identifier-too-long'), '80 bytes')
  assert.ok(!(await rulesOf('mysql', accented)).includes('identifier-too-long'), '40 characters')
  assert.ok((await rulesOf('mysql', (op) => op.addColumn('posts', 'é'.repeat(65), text()))).includes('identifier-too-long'))
})
