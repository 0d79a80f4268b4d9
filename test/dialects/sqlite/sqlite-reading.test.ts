/** Reading SQLite back: declared types, defaults, expressions, CREATE text, and databases strata did not create. */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { sqliteDialect } from '../../../src/dialects/sqlite/sqlite-dialect.js'
import { parseCreateIndex, parseCreateTable } from '../../../src/dialects/sqlite/sqlite-parser.js'
import { fromDeclaredType, toDeclaredType } from '../../../src/dialects/sqlite/sqlite-types.js'
import { AddCheckOp, AlterColumnOp, CreateTableOp } from '../../../src/operations/index.js'
import type { ColumnType, TableModel } from '../../../src/schema/model.js'
import { type TestDb, apply, comparable, openTestDb, reflect, reflectTable } from './helpers.js'

describe('sqlite types', () => {
  const portable: ColumnType[] = [
    { kind: 'smallint' },
    { kind: 'integer' },
    { kind: 'bigint' },
    { kind: 'varchar' },
    { kind: 'varchar', length: 100 },
    { kind: 'char', length: 2 },
    { kind: 'text' },
    { kind: 'boolean' },
    { kind: 'real' },
    { kind: 'double' },
    { kind: 'numeric' },
    { kind: 'numeric', precision: 10 },
    { kind: 'numeric', precision: 10, scale: 2 },
    { kind: 'date' },
    { kind: 'time' },
    { kind: 'time', withTimezone: true, precision: 3 },
    { kind: 'timestamp', precision: 6 },
    { kind: 'timestamp', withTimezone: true },
    { kind: 'json' },
    { kind: 'uuid' },
    { kind: 'bytes' },
    { kind: 'raw', sql: 'GEOMETRY' },
  ]
  it('every portable type reads back from the declared type strata writes', () => {
    for (const type of portable) assert.deepStrictEqual(fromDeclaredType(toDeclaredType(type)), type, toDeclaredType(type))
  })
  it('jsonb is written as JSON; enums carry their name in the declared type', () => {
    assert.equal(toDeclaredType({ kind: 'jsonb' }), 'JSON')
    assert.equal(toDeclaredType({ kind: 'enum', name: 'my "mood"', values: ['a'] }), 'TEXT ENUM "my ""mood"""')
    assert.deepStrictEqual(fromDeclaredType('TEXT ENUM "my ""mood"""'), { kind: 'enum', name: 'my "mood"', values: [] })
  })
  it('reads common hand-written spellings', () => {
    assert.deepStrictEqual(fromDeclaredType('int'), { kind: 'integer' })
    assert.deepStrictEqual(fromDeclaredType('character varying ( 30 )'), { kind: 'varchar', length: 30 })
    assert.deepStrictEqual(fromDeclaredType('DECIMAL(5, 1)'), { kind: 'numeric', precision: 5, scale: 1 })
    assert.deepStrictEqual(fromDeclaredType('DATETIME'), { kind: 'timestamp' })
    assert.deepStrictEqual(fromDeclaredType('timestamp with time zone'), { kind: 'timestamp', withTimezone: true })
    assert.deepStrictEqual(fromDeclaredType('double precision'), { kind: 'double' })
    assert.deepStrictEqual(fromDeclaredType(''), { kind: 'raw', sql: '' })
  })
})

describe('sqlite canonical spellings', () => {
  const d = sqliteDialect
  it('normalizeDefault treats equal defaults alike', () => {
    const bool = { type: { kind: 'boolean' } as ColumnType }
    assert.equal(d.normalizeDefault({ kind: 'literal', value: true }, bool), d.normalizeDefault({ kind: 'sql', sql: 'TRUE' }, bool))
    assert.equal(d.normalizeDefault({ kind: 'literal', value: true }, bool), d.normalizeDefault({ kind: 'literal', value: 1 }, bool))
    const txt = { type: { kind: 'text' } as ColumnType }
    assert.equal(d.normalizeDefault({ kind: 'literal', value: 'a' }, txt), d.normalizeDefault({ kind: 'sql', sql: "'a'" }, txt))
    assert.equal(d.normalizeDefault({ kind: 'sql', sql: 'CURRENT_TIMESTAMP' }, txt), d.normalizeDefault({ kind: 'sql', sql: '(current_timestamp)' }, txt))
    assert.equal(d.normalizeDefault({ kind: 'sql', sql: 'NULL' }, txt), null)
    assert.notEqual(d.normalizeDefault({ kind: 'literal', value: 'A' }, txt), d.normalizeDefault({ kind: 'literal', value: 'a' }, txt))
    const int = { type: { kind: 'integer' } as ColumnType }
    assert.equal(d.normalizeDefault({ kind: 'literal', value: 5 }, int), d.normalizeDefault({ kind: 'sql', sql: '5.0' }, int))
  })
  it('normalizeExpression ignores case, whitespace, comments, needless quotes and outer parentheses', () => {
    assert.equal(d.normalizeExpression('("Age" >= 0 AND  name <> \'X\')'), d.normalizeExpression('age>=0 and /* c */ "name" <> \'X\''))
    assert.notEqual(d.normalizeExpression("name <> 'X'"), d.normalizeExpression("name <> 'x'"))
    assert.equal(d.normalizeExpression('(a) + (b)'), '(a) + (b)')
    assert.equal(d.normalizeExpression('LOWER ( email )'), 'lower(email)')
  })
  it('canonicalize drops comments, schemas and unused enums; keeps AUTOINCREMENT only on a sole integer key', () => {
    const canonical = d.canonicalize({
      tables: [
        {
          name: 't',
          schema: 'app',
          comment: 'x',
          columns: [
            { name: 'id', type: { kind: 'bigint' }, nullable: false, autoincrement: 'always', comment: 'key' },
            { name: 'n', type: { kind: 'integer' }, nullable: true, autoincrement: true },
          ],
          primaryKey: { name: 'pk_t', columns: ['id'] },
          indexes: [],
          uniques: [],
          foreignKeys: [{ name: 'fk', columns: ['n'], referencedTable: 'u', referencedSchema: 'app', referencedColumns: ['id'], onDelete: 'no action', deferrable: false }],
          checks: [],
        },
      ],
      enums: [{ name: 'unused', schema: 'app', values: ['a'] }],
      schemas: ['app'],
    })
    assert.deepStrictEqual(canonical, {
      tables: [
        {
          name: 't',
          schema: null,
          comment: null,
          columns: [
            { name: 'id', type: { kind: 'integer' }, nullable: false, default: null, autoincrement: true },
            { name: 'n', type: { kind: 'integer' }, nullable: true, default: null },
          ],
          primaryKey: { name: 'pk_t', columns: ['id'] },
          indexes: [],
          uniques: [],
          foreignKeys: [{ name: 'fk', columns: ['n'], referencedTable: 'u', referencedColumns: ['id'] }],
          checks: [],
        },
      ],
      enums: [],
      schemas: [],
    })
  })
  it('quotes identifiers and literals', () => {
    assert.equal(d.quoteIdentifier('a "b"'), '"a ""b"""')
    assert.equal(d.quoteLiteral("it's"), "'it''s'")
    assert.equal(d.quoteLiteral(Buffer.from('hi')), "X'6869'")
    assert.equal(d.quoteLiteral(false), '0')
    assert.equal(d.quoteLiteral(null), 'NULL')
    assert.equal(d.quoteLiteral(12n), '12')
    assert.equal(d.quoteLiteral([1, 'a']), `'[1,"a"]'`)
    assert.throws(() => d.quoteLiteral(Number.NaN))
    assert.equal(d.maxIdentifierLength, Infinity)
  })
})

describe('sqlite CREATE text reader', () => {
  it('reads columns, named and unnamed constraints, nested parentheses, quoting styles and comments', () => {
    const parsed = parseCreateTable(`CREATE TABLE IF NOT EXISTS main.[my table] ( -- comment, with a comma
      \`id\` INTEGER CONSTRAINT "pk" PRIMARY KEY DESC ON CONFLICT ABORT AUTOINCREMENT,
      "a" DECIMAL(10, 2) NOT NULL DEFAULT -1.5 CHECK (a > (0 + (1))) UNIQUE,
      b TEXT COLLATE NOCASE REFERENCES other ON DELETE SET NULL NOT DEFERRABLE,
      c TEXT GENERATED ALWAYS AS (upper(b)) STORED,
      CONSTRAINT "ck, two" CHECK (a <> 'x)'),
      UNIQUE (a, b),
      CONSTRAINT fk2 FOREIGN KEY (a, b) REFERENCES "other" ("x", "y") ON UPDATE CASCADE MATCH FULL DEFERRABLE INITIALLY DEFERRED
    ) WITHOUT ROWID, STRICT`)
    assert.equal(parsed.name, 'my table')
    assert.deepStrictEqual(parsed.columns.map((c) => [c.name, c.typeText]), [['id', 'INTEGER'], ['a', 'DECIMAL(10, 2)'], ['b', 'TEXT'], ['c', 'TEXT']])
    assert.deepStrictEqual(parsed.primaryKey, { name: 'pk', columns: ['id'] })
    assert.equal(parsed.columns[0]!.primaryKey!.autoincrement, true)
    assert.deepStrictEqual(parsed.columns[1]!.checks, [{ name: null, expression: 'a > (0 + (1))' }])
    assert.deepStrictEqual(parsed.columns[1]!.uniques, [{ name: null }])
    assert.deepStrictEqual(parsed.columns[2]!.references, { name: null, columns: ['b'], referencedTable: 'other', referencedColumns: [], onDelete: 'set null', onUpdate: null, deferrable: null })
    assert.equal(parsed.columns[3]!.generated, true)
    assert.deepStrictEqual(parsed.checks, [{ name: 'ck, two', expression: "a <> 'x)'" }])
    assert.deepStrictEqual(parsed.uniques, [{ name: null, columns: ['a', 'b'] }])
    assert.deepStrictEqual(parsed.foreignKeys, [
      { name: 'fk2', columns: ['a', 'b'], referencedTable: 'other', referencedColumns: ['x', 'y'], onDelete: null, onUpdate: 'cascade', deferrable: 'initially deferred' },
    ])
    assert.equal(parsed.tableOptions, 'WITHOUT ROWID, STRICT')
  })
  it('reads index elements and the partial predicate', () => {
    const parsed = parseCreateIndex(`CREATE UNIQUE INDEX "ix" ON "t" ("a", lower("b"), c COLLATE NOCASE) WHERE a IN (1, 2) AND b IS NOT NULL`)
    assert.equal(parsed.unique, true)
    assert.deepStrictEqual(parsed.elements, [
      { text: '"a"', column: 'a' },
      { text: 'lower("b")', column: null },
      { text: 'c COLLATE NOCASE', column: null },
    ])
    assert.equal(parsed.where, 'a IN (1, 2) AND b IS NOT NULL')
  })
})

describe('sqlite expressions holding -- comments', () => {
  it('a trailing comment does not swallow the closing parenthesis or the next element', async () => {
    const db = await openTestDb('comments')
    try {
      const table: TableModel = {
        name: 'c',
        schema: null,
        columns: [
          { name: 'a', type: { kind: 'integer' }, nullable: true, default: { kind: 'sql', sql: '1 -- one' } },
          { name: 'b', type: { kind: 'text' }, nullable: true },
        ],
        primaryKey: null,
        indexes: [{ name: 'ix_c', elements: [{ expression: 'lower(b) -- folded' }, 'a'], unique: false, where: 'a > 0 -- positive' }],
        uniques: [],
        foreignKeys: [],
        checks: [{ name: 'ck_c', expression: 'a > 0 -- positive' }],
      }
      await apply(db.connection, new CreateTableOp(table))
      const model = { tables: [table], enums: [] }
      assert.deepStrictEqual(comparable(await reflect(db.connection)), comparable(sqliteDialect.canonicalize(model)))
      await db.connection.execute('INSERT INTO c (b) VALUES (?)', ['x'])
      assert.deepStrictEqual(await db.connection.query('SELECT a FROM c'), [{ a: 1 }])
    } finally {
      await db.close()
    }
  })
})

describe('sqlite introspection of a database strata did not create', () => {
  let db: TestDb
  before(async () => {
    db = await openTestDb('legacy')
    await db.connection.execute(`CREATE TABLE parent (id INTEGER PRIMARY KEY, code TEXT UNIQUE, CHECK (length(code) > 1))`)
    await db.connection.execute(`CREATE TABLE child (
      id integer primary key,
      parent_id int references parent on delete cascade,
      label varchar(20) default ('x' || 'y'),
      shout TEXT GENERATED ALWAYS AS (upper(label)) VIRTUAL,
      check (id > 0),
      unique (label, parent_id)
    )`)
    await db.connection.execute(`CREATE TABLE kv (k TEXT PRIMARY KEY, v BLOB) WITHOUT ROWID`)
    await db.connection.execute(`CREATE VIRTUAL TABLE IF NOT EXISTS search USING fts5(body)`)
    await db.connection.execute(`INSERT INTO kv VALUES ('a', x'00')`)
  })
  after(async () => {
    await db.close()
  })

  it('names unnamed constraints by the default convention and resolves implicit references', async () => {
    const child = await reflectTable(db.connection, 'child')
    assert.deepStrictEqual(child.columns.map((c) => c.name), ['id', 'parent_id', 'label', 'shout'])
    assert.deepStrictEqual(child.columns[3]!.generated, { expression: 'upper(label)', stored: false })
    assert.deepStrictEqual(child.columns[2]!.default, { kind: 'sql', sql: "'x' || 'y'" })
    assert.deepStrictEqual(child.primaryKey, { name: null, columns: ['id'] })
    assert.deepStrictEqual(child.foreignKeys, [
      { name: 'fk_child_parent_id_parent', columns: ['parent_id'], referencedTable: 'parent', referencedColumns: ['id'], onDelete: 'cascade' },
    ])
    assert.deepStrictEqual(child.uniques, [{ name: 'uq_child_label_parent_id', columns: ['label', 'parent_id'] }])
    assert.deepStrictEqual(child.checks, [{ name: 'ck_child_1', expression: 'id > 0' }])
    const parent = await reflectTable(db.connection, 'parent')
    assert.deepStrictEqual(parent.uniques, [{ name: 'uq_parent_code', columns: ['code'] }])
    assert.deepStrictEqual(parent.checks, [{ name: 'ck_parent_1', expression: 'length(code) > 1' }])
  })

  it('skips virtual tables and their shadow tables', async () => {
    const names = (await sqliteDialect.introspect(db.connection)).tables.map((t) => t.name)
    assert.deepStrictEqual(names, ['child', 'kv', 'parent'])
  })

  it('a rebuild keeps WITHOUT ROWID and the rows', async () => {
    await apply(db.connection, new AlterColumnOp('kv', 'v', { nullable: false }, { nullable: true }))
    const sqlText = await db.connection.query<{ sql: string }>(`SELECT sql FROM sqlite_master WHERE name = 'kv'`)
    assert.match(sqlText[0]!.sql, /\) WITHOUT ROWID$/)
    assert.deepStrictEqual(await db.connection.query('SELECT k, hex(v) AS v FROM kv'), [{ k: 'a', v: '00' }])
  })

  it('a rebuild keeps generated columns: the new table computes them', async () => {
    await db.connection.execute(`INSERT INTO parent (id, code) VALUES (1, 'pp')`)
    await db.connection.execute(`INSERT INTO child (id, parent_id, label) VALUES (1, 1, 'abc')`)
    await apply(db.connection, new AddCheckOp('child', { name: 'ck_x', expression: 'id < 100' }))
    assert.deepStrictEqual(await db.connection.query('SELECT label, shout FROM child'), [{ label: 'abc', shout: 'ABC' }])
    const [row] = await db.connection.query<{ sql: string }>(`SELECT sql FROM sqlite_master WHERE name = 'child'`)
    assert.match(row!.sql, /"shout" TEXT GENERATED ALWAYS AS \(upper\(label\)\) VIRTUAL/)
  })

  it('reads collation names written in lower case as canonicalize spells them (SQLite ignores their case)', async () => {
    await db.connection.execute(`CREATE TABLE decks (id INTEGER PRIMARY KEY, name text not null collate nocase, code text collate rtrim)`)
    await db.connection.execute(`CREATE INDEX ix_decks_code ON decks (code collate nocase, name collate rtrim, id collate binary)`)
    const decks = await reflectTable(db.connection, 'decks')
    assert.deepStrictEqual(decks.columns.map((c) => c.collation ?? null), [null, 'NOCASE', 'RTRIM'])
    assert.deepStrictEqual(decks.indexes[0]!.elements, [{ column: 'code', collate: 'NOCASE' }, { column: 'name', collate: 'RTRIM' }, 'id'])
    const lower = <T extends { collation?: string | null; collate?: string }>(x: T): T => ({ ...x, ...(x.collation ? { collation: x.collation.toLowerCase() } : {}), ...(x.collate ? { collate: x.collate.toLowerCase() } : {}) })
    const declared: TableModel = {
      ...structuredClone(decks),
      columns: decks.columns.map(lower),
      indexes: decks.indexes.map((i) => ({ ...i, elements: i.elements.map((e) => (typeof e === 'string' ? e : lower(e))) })),
    }
    assert.deepStrictEqual(comparable(sqliteDialect.canonicalize({ tables: [declared], enums: [], schemas: [] })), comparable({ tables: [decks], enums: [], schemas: [] }))
  })
})
