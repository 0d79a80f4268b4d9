/** Partitioned tables without a server: bounds read back from PostgreSQL's text, compared by value, planned, rendered. */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { sameBound } from '../../../src/autogenerate/compare-partitions.js'
import { boundSql, parseBound } from '../../../src/dialects/postgres/postgres-partitions.js'
import { postgresDialect } from '../../../src/dialects/postgres/postgres-dialect.js'
import { sqliteDialect } from '../../../src/dialects/sqlite/sqlite-dialect.js'
import type { ColumnType, PartitionBound } from '../../../src/schema/model.js'
import { integer, text, timestamp, date } from '../../../src/schema/columns.js'
import { maxValue, minValue, partition } from '../../../src/schema/partitions.js'
import { table } from '../../../src/schema/table.js'
import { validateSchemaFor } from '../../../src/schema/validate.js'
import { assertRenderRoundTrip, assertRoundTrip, compare, messages, model, reflect } from './support.js'

const events = table('events', { id: integer().notNull(), at: timestamp().notNull(), body: text() }, { partitionBy: { kind: 'range', columns: ['at'] } })
const p2026 = partition('events_2026', { of: events, values: { from: '2026-01-01', to: '2027-01-01' } })
const other = partition('events_other', { of: events, values: 'default' })

describe("PostgreSQL's partition bound text", () => {
  it('reads every kind back, quotes, negative numbers, NULL and MINVALUE included', () => {
    assert.deepEqual(parseBound('DEFAULT'), { kind: 'default' })
    assert.deepEqual(parseBound("FOR VALUES FROM ('2026-01-01 00:00:00') TO ('2027-01-01 00:00:00')"), { kind: 'range', from: ['2026-01-01 00:00:00'], to: ['2027-01-01 00:00:00'] })
    assert.deepEqual(parseBound("FOR VALUES FROM (MINVALUE, '-5') TO (10, MAXVALUE)"), { kind: 'range', from: [{ bound: 'minvalue' }, '-5'], to: [10, { bound: 'maxvalue' }] })
    assert.deepEqual(parseBound("FOR VALUES IN ('a', 'it''s, ok', NULL, true)"), { kind: 'list', in: ['a', "it's, ok", null, true] })
    assert.deepEqual(parseBound('FOR VALUES WITH (modulus 4, remainder 3)'), { kind: 'hash', modulus: 4, remainder: 3 })
    assert.throws(() => parseBound('FOR SOMETHING ELSE'), /cannot read the partition bound/)
  })

  it('writes what it reads', () => {
    const bounds: PartitionBound[] = [
      { kind: 'range', from: [minValue, 1.5], to: ['x', maxValue] },
      { kind: 'list', in: ["it's", null, false] },
      { kind: 'hash', modulus: 8, remainder: 7 },
      { kind: 'default' },
    ]
    for (const bound of bounds) assert.deepEqual(parseBound(boundSql(bound)), bound)
  })
})

describe('partition bounds compared by value', () => {
  const ts: ColumnType = { kind: 'timestamp' }
  const tstz: ColumnType = { kind: 'timestamp', withTimezone: true }
  const range = (from: string | number, to: string | number): PartitionBound => ({ kind: 'range', from: [from], to: [to] })
  it('absorbs the server spelling of dates, times, numbers and list order', () => {
    assert.ok(sameBound(range('2026-01-01', '2027-01-01T00:00'), range('2026-01-01 00:00:00', '2027-01-01 00:00:00'), [ts]))
    assert.ok(sameBound(range('2026-01-01 10:00:00.500', 'x'), range('2026-01-01 10:00:00.5', 'x'), [ts]))
    assert.ok(sameBound(range('2026-01-01', '2027-01-01'), range('2026-01-01', '2027-01-01'), [{ kind: 'date' }]))
    assert.ok(sameBound(range('2026-01-01 02:00:00+02', 'x'), range('2026-01-01 00:00:00+00', 'x'), [tstz]))
    assert.ok(sameBound(range('2026-01-01', 'x'), range('2026-01-01 00:00:00+00', 'x'), [tstz]))
    assert.ok(sameBound(range(-5, 10), range('-5', 10), [{ kind: 'integer' }]))
    assert.ok(sameBound({ kind: 'list', in: ['fr', 'de'] }, { kind: 'list', in: ['de', 'fr'] }, [{ kind: 'text' }]))
  })
  it('keeps real differences', () => {
    assert.ok(!sameBound(range('2026-01-01', '2027-01-01'), range('2026-01-01 00:00:00', '2028-01-01 00:00:00'), [ts]))
    assert.ok(!sameBound(range('2026-01-01 01:00:00+00', 'x'), range('2026-01-01 00:00:00+00', 'x'), [tstz]))
    assert.ok(!sameBound(range('A', 'b'), range('a', 'b'), [{ kind: 'text' }]))
    assert.ok(!sameBound({ kind: 'list', in: ['de', 'de'] }, { kind: 'list', in: ['de', 'fr'] }, [{ kind: 'text' }]))
    assert.ok(!sameBound({ kind: 'hash', modulus: 4, remainder: 0 }, { kind: 'hash', modulus: 4, remainder: 1 }, []))
    assert.ok(!sameBound({ kind: 'default' }, range(1, 2), [{ kind: 'integer' }]))
  })
})

describe('partitions in compare', () => {
  it('a new partitioned table: the table, then its partitions; reversible', async () => {
    const changes = await assertRoundTrip(model(events, p2026, other), model())
    assert.deepEqual(messages(changes), ["added table 'events'", "added partition 'events_2026' of 'events'", "added partition 'events_other' of 'events'"])
  })
  it('a dropped partitioned table: its partitions first, with their data-loss marks', async () => {
    const changes = await assertRoundTrip(model(), reflect(model(events, p2026, other)))
    assert.deepEqual(messages(changes), ["removed partition 'events_2026' of 'events'", "removed partition 'events_other' of 'events'", "removed table 'events'"])
    assert.match(changes[0]!.warning ?? '', /drops partition 'events_2026' of 'events' with its rows/)
  })
  it('new bounds: one alteration, reversible; the server spelling of the same bound is nothing', async () => {
    const wider = partition('events_2026', { of: events, values: { from: '2026-01-01', to: '2028-01-01' } })
    const reflected = reflect(model(events, p2026))
    reflected.partitions![0]!.bound = { kind: 'range', from: ['2026-01-01 00:00:00'], to: ['2027-01-01 00:00:00'] }
    assert.deepEqual(messages(await compare(model(events, p2026), reflected)), [])
    const changes = await assertRoundTrip(model(events, wider), reflected)
    assert.deepEqual(changes.map((c) => c.operation.kind), ['alterPartitionBound'])
  })
  it('a renamed parent keeps its partitions: a rename, nothing dropped', async () => {
    const renamed = table('happenings', { id: integer().notNull(), at: timestamp().notNull(), body: text() }, { partitionBy: { kind: 'range', columns: ['at'] }, renamedFrom: 'events' })
    const kept = partition('events_2026', { of: renamed, values: { from: '2026-01-01', to: '2027-01-01' } })
    const changes = await assertRoundTrip(model(renamed, kept), reflect(model(events, p2026)))
    assert.deepEqual(messages(changes), ["renamed table 'events' to 'happenings'"])
  })
  it('refuses to partition a plain table, and to change a key, in one line', async () => {
    const plain = table('events', { id: integer().notNull(), at: timestamp().notNull(), body: text() })
    await assert.rejects(compare(model(events), reflect(model(plain))), /^UsageError: table 'events' is a plain table in the database: PostgreSQL cannot change that in place/)
    const byId = table('events', { id: integer().notNull(), at: timestamp().notNull(), body: text() }, { partitionBy: { kind: 'hash', columns: ['id'] } })
    await assert.rejects(compare(model(byId), reflect(model(events))), /is partitioned by range \(at\) in the database, by hash \(id\) in the schema/)
    await assert.rejects(compare(model(plain), reflect(model(events))), /is partitioned by range \(at\) in the database: /)
  })
  it('renders op calls that rebuild the operations and their reverses', async () => {
    const changes = await compare(model(events, p2026, other, partition('x', { of: events, values: { from: minValue, to: '2020-01-01' } })), model())
    const rendered = await assertRenderRoundTrip(changes.map((c) => c.operation))
    assert.match(rendered.upgrade, /partitionBy: \{ kind: 'range', columns: \['at'\] \}/)
    assert.match(rendered.upgrade, /op\.createPartition\('x', \{ of: 'events', values: \{ from: minValue, to: '2020-01-01' \} \}\)/)
    const drop = await compare(model(events), reflect(model(events, p2026)))
    await assertRenderRoundTrip(drop.map((c) => c.operation))
  })
})

describe('partitions on the dialects without them', () => {
  it('MySQL and SQLite refuse to compile a partitioned table or a partition, in one line', async () => {
    const { CreateTableOp } = await import('../../../src/operations/table-ops.js')
    const { CreatePartitionOp } = await import('../../../src/operations/partition-ops.js')
    const { mysqlDialect } = await import('../../../src/dialects/mysql/mysql-dialect.js')
    const m = model(events, p2026)
    for (const dialect of [sqliteDialect, mysqlDialect]) {
      const context = { offline: true, table: async () => undefined } as unknown as Parameters<typeof dialect.compile>[1]
      await assert.rejects(dialect.compile(new CreateTableOp(m.tables[0]!), context), /added table 'events': partitioned tables are supported on PostgreSQL only/)
      await assert.rejects(dialect.compile(new CreatePartitionOp(m.partitions![0]!), context), /partitioned tables are supported on PostgreSQL only/)
    }
  })
})

describe('partitions when the schema loads', () => {
  const problem = (dialect: Parameters<typeof validateSchemaFor>[1], ...values: unknown[]) => {
    try {
      validateSchemaFor(model(...values), dialect)
      return null
    } catch (error) {
      return (error as Error).message
    }
  }
  it('SQLite refuses a partitioned table, naming it', () => {
    assert.equal(
      problem(sqliteDialect, events, p2026),
      "table 'events': partitioned tables are supported on PostgreSQL only, not SQLite: declare it without partitionBy/partition() in a schema for SQLite",
    )
  })
  it('PostgreSQL refuses a partition that does not fit its parent', () => {
    assert.equal(problem(postgresDialect, events, p2026, other), null)
    const days = table('days', { d: date().notNull() })
    assert.match(problem(postgresDialect, days, partition('d1', { of: days, values: 'default' }))!, /^partition 'd1': table 'days' is not partitioned/)
    assert.match(problem(postgresDialect, events, partition('e1', { of: events, values: { in: ['a'] } }))!, /'events' is partitioned by range; the values must be \{ from, to \}/)
    assert.match(problem(postgresDialect, events, partition('e2', { of: events, values: { from: [1, 2], to: [3, 4] } }))!, /has 1 key column\(s\)/)
    assert.match(problem(postgresDialect, partition('e3', { of: 'nowhere', values: 'default' }))!, /its parent table 'nowhere' is not declared/)
    const hashed = table('h', { id: integer().notNull() }, { partitionBy: { kind: 'hash', columns: ['id'] } })
    assert.match(problem(postgresDialect, hashed, partition('h0', { of: hashed, values: 'default' }))!, /a hash-partitioned table has no default partition/)
  })
  it('partition() and partitionBy refuse malformed values at once', () => {
    assert.throws(() => partition('h', { of: events, values: { modulus: 4, remainder: 4 } }), /remainder from 0 to modulus - 1/)
    assert.throws(() => partition('l', { of: events, values: { in: [] } }), /at least one value/)
    assert.throws(() => model(table('t', { a: integer() }, { partitionBy: { kind: 'range', columns: ['b'] } })), /partitionBy names column 'b'/)
  })
})
