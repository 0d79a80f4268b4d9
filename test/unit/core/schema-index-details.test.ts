/**
 * Index details, collations and ON UPDATE: the model the DSL builds, and the one-line refusals at load for what a
 * dialect would drop or reject (named by table and index or column). The dialects' own rules are used.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { index, indexColumn, integer, jsonb, sql, table, text, timestamp, varchar } from '../../../src/index.js'
import { mysqlDialect } from '../../../src/dialects/mysql/mysql-dialect.js'
import { postgresDialect } from '../../../src/dialects/postgres/postgres-dialect.js'
import { sqliteDialect } from '../../../src/dialects/sqlite/sqlite-dialect.js'
import { buildSchemaModel } from '../../../src/internals.js'
import { type SchemaDialect, validateSchemaFor } from '../../../src/schema/validate.js'

function problem(dialect: SchemaDialect, ...tables: unknown[]): string | null {
  try {
    validateSchemaFor(buildSchemaModel(tables), dialect)
    return null
  } catch (error) {
    return (error as Error).message
  }
}

const docs = (extras: (t: any) => unknown[], columns: Record<string, unknown> = {}) =>
  table('docs', { id: integer().primaryKey(), title: text(), data: jsonb(), body: text(), ...columns } as never, extras as never)

describe('index details in the model', () => {
  it('per-element options, using, include and the concurrently hint are built; a plain column stays a string', () => {
    const t = docs((t) => [
      index('ix_a').using('gin').on(t.data.opclass('jsonb_path_ops')).concurrently(),
      index('ix_b').on(t.title.desc().nullsLast(), t.body, indexColumn(sql`lower(body)`).desc()).include(t.id),
      index('ix_c').on(t.title.collate('C'), indexColumn('body').asc()),
    ])
    const [a, b, c] = buildSchemaModel([t]).tables[0]!.indexes
    assert.deepEqual(a, { name: 'ix_a', elements: [{ column: 'data', opclass: 'jsonb_path_ops' }], unique: false, using: 'gin', concurrently: true })
    assert.deepEqual(b, {
      name: 'ix_b',
      elements: [{ column: 'title', desc: true, nulls: 'last' }, 'body', { expression: 'lower(body)', desc: true }],
      unique: false,
      include: ['id'],
    })
    assert.deepEqual(c!.elements, [{ column: 'title', collate: 'C' }, 'body'])
  })

  it('.collate() and .onUpdateNow() are column facts', () => {
    const t = table('t', { id: integer().primaryKey(), code: varchar({ length: 10 }).collate('C'), at: timestamp().onUpdateNow() })
    const [, code, at] = buildSchemaModel([t]).tables[0]!.columns
    assert.equal(code!.collation, 'C')
    assert.equal(at!.onUpdateNow, true)
  })

  it('a bound column still reads as its four fields (the index methods are not enumerable)', () => {
    const t = table('t', { id: integer().primaryKey() })
    assert.deepEqual(Object.keys(t.id).sort(), ['key', 'name', 'tableName', 'tableSchema'])
  })
})

describe('index details refused at load', () => {
  it('PostgreSQL accepts every index detail and collations, but no ON UPDATE', () => {
    const t = docs((t) => [index('ix_a').using('gin').on(t.data.opclass('jsonb_path_ops')), index('ix_b').on(t.title.desc().nullsFirst().collate('C')).include(t.body)], {
      code: varchar({ length: 5 }).collate('C'),
    })
    assert.equal(problem(postgresDialect, t), null)
    const u = table('u', { id: integer().primaryKey(), at: timestamp().onUpdateNow() })
    assert.equal(problem(postgresDialect, u), "column 'u.at': PostgreSQL has no ON UPDATE CURRENT_TIMESTAMP (MySQL/MariaDB only): remove .onUpdateNow() or set the column in a trigger")
    assert.equal(problem(sqliteDialect, u), "column 'u.at': SQLite has no ON UPDATE CURRENT_TIMESTAMP (MySQL/MariaDB only): remove .onUpdateNow() or set the column in a trigger")
  })

  it('MySQL: desc and btree are kept; other methods, include, opclass, nulls and element collations are refused', () => {
    assert.equal(problem(mysqlDialect, docs((t) => [index('ix').using('btree').on(t.id.desc())])), null)
    assert.equal(problem(mysqlDialect, docs((t) => [index('ix').using('hash').on(t.id)])), "table 'docs', index 'ix': MySQL/MariaDB keeps no using('hash') index (only 'btree'): remove .using()")
    assert.equal(problem(mysqlDialect, docs((t) => [index('ix').on(t.id).include(t.title)])), "table 'docs', index 'ix': MySQL/MariaDB has no INCLUDE columns: remove .include()")
    assert.equal(
      problem(mysqlDialect, docs((t) => [index('ix').on(t.id.opclass('int4_ops'))])),
      "table 'docs', index 'ix': MySQL/MariaDB does not keep .opclass() on index elements (element id): remove it",
    )
    assert.equal(
      problem(mysqlDialect, docs((t) => [index('ix').on(t.id.nullsFirst())])),
      "table 'docs', index 'ix': MySQL/MariaDB does not keep .nullsFirst() on index elements (element id): remove it",
    )
    assert.equal(
      problem(mysqlDialect, docs((t) => [index('ix').on(t.title.collate('utf8mb4_bin'))])),
      "table 'docs', index 'ix': MySQL/MariaDB does not keep .collate() on index elements (element title): remove it",
    )
  })

  it('SQLite: desc and element collations are kept; using, include, opclass and nulls are refused', () => {
    assert.equal(problem(sqliteDialect, docs((t) => [index('ix').on(t.title.desc().collate('NOCASE'))])), null)
    assert.equal(problem(sqliteDialect, docs((t) => [index('ix').using('btree').on(t.id)])), "table 'docs', index 'ix': SQLite keeps no using('btree') index: remove .using()")
    assert.equal(problem(sqliteDialect, docs((t) => [index('ix').on(t.id).include(t.title)])), "table 'docs', index 'ix': SQLite has no INCLUDE columns: remove .include()")
    assert.equal(
      problem(sqliteDialect, docs((t) => [index('ix').on(t.title.nullsLast())])),
      "table 'docs', index 'ix': SQLite does not keep .nullsLast() on index elements (element title): remove it",
    )
  })

  it('.collate() needs a text column, .onUpdateNow() a timestamp', () => {
    const a = table('a', { id: integer().primaryKey(), n: integer().collate('C') })
    assert.equal(problem(postgresDialect, a), "column 'a.n': .collate() needs a text, varchar or char column (this one is integer)")
    const b = table('b', { id: integer().primaryKey(), n: integer().onUpdateNow() })
    assert.equal(problem(mysqlDialect, b), "column 'b.n': .onUpdateNow() needs a timestamp() column (this one is integer)")
  })
})
