/**
 * Normalisation of expressions and defaults, checked against what the server really prints back: each user
 * spelling is stored, re-read with pg_get_expr (pretty and plain), and must normalise to the same text; different
 * expressions must stay different.
 */
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { postgresDialect } from '../../../src/dialects/postgres/postgres-dialect.js'
import { canonicalNumber, canonicalTemporal } from '../../../src/dialects/postgres/postgres-expression.js'
import { parseNativeType, columnTypeSql } from '../../../src/dialects/postgres/postgres-types.js'
import type { ColumnType, DefaultValue } from '../../../src/schema/model.js'
import { reflectTable, usePostgresDatabase } from './pg-test-helpers.js'

const norm = (sql: string) => postgresDialect.normalizeExpression(sql)

const CHECKS = [
  'downloads >= 0',
  'downloads >= 0 AND downloads < 10 and big between 1 and 5',
  "name IN ('a', 'b') OR name IS NULL",
  "name not in ('x', 'y')",
  "code in ('abc')",
  "length(name) > 0 and name like 'a%' and name not ilike '%Z'",
  "feeling <> 'sad' or not active",
  'price not between 1 and 2.50',
  'downloads > -1 and price > -2.5 and price >= 0 and ratio > 1.5e0',
  '(downloads + big) * 2 > downloads - (big - 1)',
  'downloads % 2 = 0 and 2 ^ 3 > 1',
  "created > now() - interval '1 day' and created::date <= current_date",
  "created > '2020-01-01'",
  "doc ? 'k' and doc @> '{}' and doc ->> 'k' <> ''",
  "case when active then downloads > 0 else true end",
  "coalesce(name, '') <> 'x' and lower(name) = upper(name)",
  "name is distinct from code and active is not false",
  "trim(name) <> '' and position('a' in name) > 0 and substring(name from 1 for 2) <> 'zz'",
  '"Weird Col" > 0 and "select" <> 1',
  "extract(year from created) > 2000",
  "cast(downloads as text) <> '5' and name != 'q'",
  "downloads = any(array[1, 2, 3])",
  "name collate \"C\" > 'a'",
]

const DIFFERENT: Array<[string, string]> = [
  ['downloads >= 0', 'downloads > 0'],
  ["name = 'a'", "name = 'A'"],
  ['(downloads + big) * 2 > 0', 'downloads + big * 2 > 0'],
  ['"Weird Col" > 0', 'weird_col > 0'],
  ['downloads - (big - 1) > 0', 'downloads - big - 1 > 0'],
  ['active OR downloads = 1 AND big = 2', '(active OR downloads = 1) AND big = 2'],
  ['created::date > current_date', 'created > current_date'],
  ['lower(name) = name', 'upper(name) = name'],
  ["name in ('a', 'b')", "name in ('b', 'a')"],
  ["name = '1'", 'name = 1'],
  ['price > 1.5', 'price > 1.50001'],
  ["created > '2020-01-01'", "created > '2020-01-02'"],
  ["created > '2020-01-01 10:00:00+02'", "created > '2020-01-01 10:00:00'"],
  ['NOT active AND big > 0', 'NOT (active AND big > 0)'],
]

describe('postgres expression and default normalisation', () => {
  const ctx = usePostgresDatabase('canonical')

  it('a check as written equals the check as the server prints it (plain and pretty)', async () => {
    const { conn } = ctx()
    await conn.execute(`SET TIME ZONE 'UTC'`)
    await conn.execute(`CREATE TABLE exprs (downloads bigint, big integer, name varchar(20), code char(3), feeling text, active boolean,
      price numeric(10,2), ratio double precision, created timestamptz, doc jsonb, "Weird Col" integer, "select" integer)`)
    for (const [i, check] of CHECKS.entries()) await conn.execute(`ALTER TABLE exprs ADD CONSTRAINT ck_${i} CHECK (${check})`)
    const stored = await conn.query<{ name: string; plain: string; pretty: string }>(
      `SELECT conname AS name, pg_get_expr(conbin, conrelid) AS plain, pg_get_expr(conbin, conrelid, true) AS pretty
       FROM pg_constraint WHERE conrelid = 'exprs'::regclass AND contype = 'c' ORDER BY conname`,
    )
    for (const row of stored) {
      const written = CHECKS[Number(row.name.slice(3))]!
      assert.equal(norm(row.plain), norm(written), `plain form of: ${written}\n  server: ${row.plain}`)
      assert.equal(norm(row.pretty), norm(written), `pretty form of: ${written}\n  server: ${row.pretty}`)
    }
  })

  it('index expressions and predicates normalise the same way', async () => {
    const { conn } = ctx()
    await conn.execute(`CREATE TABLE idx (a integer, b integer, email varchar(50), deleted_at timestamp, doc jsonb)`)
    await conn.execute(`CREATE INDEX ix_expr ON idx ((a + b), lower(email), (doc ->> 'k')) WHERE deleted_at IS NULL AND email <> ''`)
    const table = await reflectTable(conn, 'idx', null)
    const index = table!.indexes[0]!
    assert.deepEqual(index.elements.map((e) => norm((e as { expression: string }).expression)), [norm('a + b'), norm('lower(email)'), norm(`doc->>'k'`)])
    assert.equal(norm(index.where!), norm(`deleted_at is null and email <> ''`))
  })

  it('different expressions stay different', () => {
    for (const [a, b] of DIFFERENT) assert.notEqual(norm(a), norm(b), `${a}  vs  ${b}`)
  })

  it('falls back to token normalisation outside the grammar, still telling expressions apart', () => {
    assert.equal(norm('EXISTS (SELECT 1)'), norm('exists ( select 1 )'))
    assert.notEqual(norm('EXISTS (SELECT 1)'), norm('EXISTS (SELECT 2)'))
    assert.equal(norm('((a SIMILAR TO b))'), norm('a similar to b'))
  })

  const DEFAULTS: Array<[string, ColumnType, DefaultValue]> = [
    ['integer', { kind: 'integer' }, { kind: 'literal', value: 0 }],
    ['integer', { kind: 'integer' }, { kind: 'literal', value: -1 }],
    ['smallint', { kind: 'smallint' }, { kind: 'literal', value: '-1' }],
    ['bigint', { kind: 'bigint' }, { kind: 'literal', value: 42 }],
    ['numeric(10,2)', { kind: 'numeric', precision: 10, scale: 2 }, { kind: 'literal', value: 1.5 }],
    ['numeric', { kind: 'numeric' }, { kind: 'sql', sql: '1.50' }],
    ['real', { kind: 'real' }, { kind: 'literal', value: 2 }],
    ['double precision', { kind: 'double' }, { kind: 'sql', sql: '-2.5' }],
    ['boolean', { kind: 'boolean' }, { kind: 'literal', value: false }],
    ['boolean', { kind: 'boolean' }, { kind: 'sql', sql: "'t'" }],
    ['varchar(20)', { kind: 'varchar', length: 20 }, { kind: 'literal', value: "it's" }],
    ['char(3)', { kind: 'char', length: 3 }, { kind: 'literal', value: 'ab' }],
    ['text', { kind: 'text' }, { kind: 'sql', sql: "'x'::text" }],
    ['text', { kind: 'text' }, { kind: 'literal', value: '2020-01-01 00:00:00' }],
    ['text', { kind: 'text' }, { kind: 'literal', value: 5 }],
    ['date', { kind: 'date' }, { kind: 'literal', value: '2020-01-01' }],
    ['date', { kind: 'date' }, { kind: 'sql', sql: 'CURRENT_DATE' }],
    ['timestamp', { kind: 'timestamp' }, { kind: 'literal', value: '2020-01-01' }],
    ['timestamptz', { kind: 'timestamp', withTimezone: true }, { kind: 'sql', sql: 'now()' }],
    ['timestamptz', { kind: 'timestamp', withTimezone: true }, { kind: 'sql', sql: 'CURRENT_TIMESTAMP' }],
    ['jsonb', { kind: 'jsonb' }, { kind: 'literal', value: '{"b":1,"a":[1, 2]}' }],
    ['json', { kind: 'json' }, { kind: 'literal', value: '{"b":1}' }],
    ['uuid', { kind: 'uuid' }, { kind: 'sql', sql: 'gen_random_uuid()' }],
    ['text', { kind: 'text' }, { kind: 'sql', sql: "'a' || 'b'" }],
  ]

  it('a default as written equals the default the server keeps', async () => {
    const { conn } = ctx()
    await conn.execute(`SET TIME ZONE 'UTC'`)
    const columns = DEFAULTS.map(([type, , value], i) => `c${i} ${type} DEFAULT ${value.kind === 'literal' ? postgresDialect.quoteLiteral(value.value) : value.sql}`)
    await conn.execute(`CREATE TABLE defaults (${columns.join(', ')})`)
    const table = await reflectTable(conn, 'defaults', null)
    for (const [i, [, type, value]] of DEFAULTS.entries()) {
      const reflected = table!.columns[i]!
      assert.deepEqual(reflected.type, type)
      assert.equal(
        postgresDialect.normalizeDefault(reflected.default, reflected),
        postgresDialect.normalizeDefault(value, { type }),
        `default ${JSON.stringify(value)} on ${JSON.stringify(type)}; reflected ${JSON.stringify(reflected.default)}`,
      )
    }
  })

  it('different defaults stay different', () => {
    const nd = (value: DefaultValue | null, type: ColumnType) => postgresDialect.normalizeDefault(value, { type })
    assert.notEqual(nd({ kind: 'literal', value: 0 }, { kind: 'integer' }), nd({ kind: 'literal', value: 1 }, { kind: 'integer' }))
    assert.notEqual(nd({ kind: 'literal', value: 'a' }, { kind: 'text' }), nd({ kind: 'literal', value: 'A' }, { kind: 'text' }))
    assert.notEqual(nd({ kind: 'literal', value: '5' }, { kind: 'text' }), nd({ kind: 'literal', value: '5.0' }, { kind: 'text' }))
    assert.notEqual(nd({ kind: 'sql', sql: 'CURRENT_DATE' }, { kind: 'date' }), nd({ kind: 'sql', sql: 'CURRENT_TIMESTAMP' }, { kind: 'date' }))
    assert.notEqual(nd({ kind: 'literal', value: true }, { kind: 'boolean' }), nd({ kind: 'literal', value: false }, { kind: 'boolean' }))
    assert.notEqual(nd({ kind: 'literal', value: 0 }, { kind: 'integer' }), nd(null, { kind: 'integer' }))
    assert.equal(nd({ kind: 'sql', sql: 'NULL' }, { kind: 'integer' }), null)
    assert.equal(nd({ kind: 'sql', sql: "'0'::integer" }, { kind: 'integer' }), nd({ kind: 'literal', value: 0 }, { kind: 'integer' }))
    assert.equal(nd({ kind: 'sql', sql: "'abc'::character varying" }, { kind: 'varchar' }), nd({ kind: 'literal', value: 'abc' }, { kind: 'varchar' }))
  })

  it('numbers and date/times have one spelling', () => {
    assert.deepEqual(['1.50', '1e3', '0.0', '-0', '007', '.5', '1.5e-3', '-1.0'].map(canonicalNumber), ['1.5', '1000', '0', '0', '7', '0.5', '0.0015', '-1'])
    assert.equal(canonicalTemporal('2020-01-01 00:00:00+00'), '2020-01-01')
    assert.equal(canonicalTemporal('2020-01-01T10:00Z'), '2020-01-01 10:00:00')
    assert.equal(canonicalTemporal('2020-01-01 10:00:00.500+02:00'), '2020-01-01 10:00:00.5+02')
    assert.equal(canonicalTemporal('hello'), null)
  })

  it('maps native type names both ways', () => {
    const cases: Array<[string, ColumnType]> = [
      ['int4', { kind: 'integer' }],
      ['int8', { kind: 'bigint' }],
      ['character varying(100)', { kind: 'varchar', length: 100 }],
      ['varchar', { kind: 'varchar' }],
      ['character(3)', { kind: 'char', length: 3 }],
      ['double precision', { kind: 'double' }],
      ['float8', { kind: 'double' }],
      ['numeric(10,2)', { kind: 'numeric', precision: 10, scale: 2 }],
      ['decimal(8)', { kind: 'numeric', precision: 8, scale: 0 }],
      ['timestamp(3) with time zone', { kind: 'timestamp', withTimezone: true, precision: 3 }],
      ['timestamptz', { kind: 'timestamp', withTimezone: true }],
      ['time without time zone', { kind: 'time' }],
      ['timetz(2)', { kind: 'time', withTimezone: true, precision: 2 }],
      ['bytea', { kind: 'bytes' }],
      ['jsonb', { kind: 'jsonb' }],
      ['int[]', { kind: 'raw', sql: 'integer[]' }],
      ['tsvector', { kind: 'raw', sql: 'tsvector' }],
    ]
    for (const [native, type] of cases) assert.deepEqual(parseNativeType(native).type, type, native)
    assert.deepEqual(parseNativeType('bigserial'), { type: { kind: 'bigint' }, serial: true })
    for (const [, type] of cases) assert.deepEqual(parseNativeType(columnTypeSql(type)).type, type, `round trip ${JSON.stringify(type)}`)
    assert.equal(columnTypeSql({ kind: 'enum', name: 'Mood', values: ['a'], schema: 'app' }), '"app"."Mood"')
  })

  it('quoteLiteral round-trips awkward values through the server', async () => {
    const { conn } = ctx()
    for (const value of ["it's", 'back\\slash', 'ünïcödé ✓', '', 'line\nbreak', '$$dollar$$']) {
      const [row] = await conn.query<{ v: string }>(`SELECT ${postgresDialect.quoteLiteral(value)}::text AS v`)
      assert.equal(row?.v, value)
    }
    const [row] = await conn.query<{ v: string }>(`SELECT encode(${postgresDialect.quoteLiteral(Buffer.from('hi'))}::bytea, 'escape') AS v`)
    assert.equal(row?.v, 'hi')
    assert.equal(postgresDialect.quoteIdentifier('we"ird'), '"we""ird"')
  })
})
