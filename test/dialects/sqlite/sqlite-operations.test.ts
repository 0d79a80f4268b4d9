/** Every operation against a real SQLite file: apply, check the effect, reverse, check it is back, rows kept. */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { sqliteDialect } from '../../../src/dialects/sqlite/sqlite-dialect.js'
import {
  AddCheckOp,
  AddColumnOp,
  AddForeignKeyOp,
  AddPrimaryKeyOp,
  AddUniqueOp,
  AlterColumnOp,
  type AnyOperation,
  BulkInsertOp,
  CreateIndexOp,
  CreateSchemaOp,
  CreateTableOp,
  DropColumnOp,
  DropIndexOp,
  DropPrimaryKeyOp,
  DropSchemaOp,
  DropTableOp,
  ExecuteOp,
  type Operation,
  RenameColumnOp,
  RenameTableOp,
  SetTableCommentOp,
} from '../../../src/operations/index.js'
import { buildTableModel } from '../../../src/schema/build.js'
import { integer, text, varchar } from '../../../src/schema/columns.js'
import { check, index } from '../../../src/schema/extras.js'
import type { ColumnModel } from '../../../src/schema/model.js'
import { sql } from '../../../src/schema/sql.js'
import { table, tableDefinition } from '../../../src/schema/table.js'
import { type TestDb, apply, onlineContext, openTestDb, reflect, reflectTable } from './helpers.js'

const authors = table('authors', {
  id: integer().primaryKey().autoincrement(),
  name: varchar({ length: 50 }).notNull(),
  bio: text(),
}, (t) => [index('ix_authors_name').on(t.name)])

const books = table('books', {
  id: integer().primaryKey(),
  authorId: integer('author_id').notNull().references(() => authors.id, { onDelete: 'cascade' }),
  title: text().notNull(),
  pages: integer(),
}, (t) => [check('ck_books_pages', sql`pages IS NULL OR pages > 0`)])

const model = (t: Parameters<typeof tableDefinition>[0]) => buildTableModel(tableDefinition(t))

async function rows(db: TestDb, sqlText: string): Promise<Record<string, unknown>[]> {
  return db.connection.query(sqlText)
}

async function compileOnly(db: TestDb, op: Operation): Promise<string[]> {
  return sqliteDialect.compile(op as AnyOperation, onlineContext(db.connection))
}

describe('sqlite operations', () => {
  let db: TestDb
  before(async () => {
    db = await openTestDb('ops')
    await apply(db.connection, new CreateTableOp(model(authors)), new CreateTableOp(model(books)))
    await db.connection.execute(`INSERT INTO authors (name, bio) VALUES ('Ann', 'a'), ('Bob', NULL), ('Cy', 'c')`)
    await db.connection.execute(`DELETE FROM authors WHERE name = 'Cy'`)
    await db.connection.execute(`INSERT INTO books (author_id, title, pages) VALUES (1, 'One', 10), (1, 'Two', NULL), (2, 'Three', 30)`)
    await db.connection.execute(`CREATE TRIGGER trg_authors_name AFTER UPDATE OF name ON authors BEGIN UPDATE authors SET bio = 'renamed' WHERE id = new.id; END`)
    await db.connection.execute(`CREATE VIEW author_names AS SELECT name FROM authors`)
  })
  after(async () => {
    await db.close()
  })

  it('createTable / dropTable', async () => {
    const temp = buildTableModel(tableDefinition(table('temp_things', { id: integer().primaryKey(), label: text() }, (t) => [index('ix_temp_label').on(t.label)])))
    const op = new CreateTableOp(temp)
    await apply(db.connection, op)
    assert.deepStrictEqual((await reflectTable(db.connection, 'temp_things')).indexes.map((i) => i.name), ['ix_temp_label'])
    await apply(db.connection, op.reverse())
    assert.equal((await reflect(db.connection)).tables.some((t) => t.name === 'temp_things'), false)
    assert.deepStrictEqual(await sqliteDialect.compile(new DropTableOp('x y'), onlineContext(db.connection)), ['DROP TABLE "x y"'])
  })

  it('renameTable keeps rows and moves the references of child tables', async () => {
    const op = new RenameTableOp('authors', 'writers')
    await apply(db.connection, op)
    const booksTable = await reflectTable(db.connection, 'books')
    assert.equal(booksTable.foreignKeys[0]!.referencedTable, 'writers')
    assert.equal((await rows(db, 'SELECT * FROM writers')).length, 2)
    await apply(db.connection, op.reverse())
    assert.equal((await reflectTable(db.connection, 'books')).foreignKeys[0]!.referencedTable, 'authors')
  })

  it('addColumn in place (nullable, or NOT NULL with a constant default) and reverse', async () => {
    const nullable = new AddColumnOp('authors', { name: 'nickname', type: { kind: 'varchar', length: 20 }, nullable: true })
    const statements = await apply(db.connection, nullable)
    assert.match(statements.join('\n'), /ALTER TABLE "authors" ADD COLUMN "nickname" VARCHAR\(20\)/)
    const withDefault = new AddColumnOp('authors', { name: 'rank', type: { kind: 'integer' }, nullable: false, default: { kind: 'literal', value: 7 } })
    await apply(db.connection, withDefault)
    assert.deepStrictEqual((await rows(db, 'SELECT rank FROM authors ORDER BY id')).map((r) => r.rank), [7, 7])
    await apply(db.connection, withDefault.reverse(), nullable.reverse())
    assert.deepStrictEqual((await reflectTable(db.connection, 'authors')).columns.map((c) => c.name), ['id', 'name', 'bio'])
  })

  it('addColumn with an SQL default rebuilds the table; rows, children, trigger, view and sequence survive', async () => {
    const column: ColumnModel = { name: 'joined_at', type: { kind: 'timestamp' }, nullable: false, default: { kind: 'sql', sql: 'CURRENT_TIMESTAMP' } }
    const op = new AddColumnOp('authors', column)
    const statements = await apply(db.connection, op)
    assert.ok(statements.some((s) => s.startsWith('CREATE TABLE "_strata_new_authors"')), 'rebuilds')
    const kept = await rows(db, 'SELECT id, name, joined_at FROM authors ORDER BY id')
    assert.deepStrictEqual(kept.map((r) => [r.id, r.name]), [[1, 'Ann'], [2, 'Bob']])
    assert.ok(kept.every((r) => typeof r.joined_at === 'string'))
    // The rebuilt table still has its index, its trigger, its view, and AUTOINCREMENT does not reuse id 3.
    const authorsTable = await reflectTable(db.connection, 'authors')
    assert.deepStrictEqual(authorsTable.indexes.map((i) => i.name), ['ix_authors_name'])
    assert.equal((await rows(db, `SELECT name FROM sqlite_master WHERE type = 'trigger'`)).length, 1)
    assert.equal((await rows(db, 'SELECT * FROM author_names')).length, 2)
    await db.connection.execute(`INSERT INTO authors (name) VALUES ('Dee')`)
    assert.deepStrictEqual(await rows(db, `SELECT id FROM authors WHERE name = 'Dee'`), [{ id: 4 }])
    await db.connection.execute(`DELETE FROM authors WHERE name = 'Dee'`)
    // Children still point at the rebuilt table, and their rows are all there.
    assert.equal((await rows(db, 'SELECT * FROM books')).length, 3)
    assert.deepStrictEqual(await rows(db, 'PRAGMA foreign_key_check'), [])
    await apply(db.connection, op.reverse())
    assert.deepStrictEqual((await reflectTable(db.connection, 'authors')).columns.map((c) => c.name), ['id', 'name', 'bio'])
  })

  it('addColumn NOT NULL without a default fails on a table with rows, and leaves it unchanged', async () => {
    const op = new AddColumnOp('authors', { name: 'required', type: { kind: 'text' }, nullable: false })
    await assert.rejects(apply(db.connection, op), /NOT NULL/)
    assert.deepStrictEqual((await reflectTable(db.connection, 'authors')).columns.map((c) => c.name), ['id', 'name', 'bio'])
    assert.equal((await rows(db, 'SELECT * FROM authors')).length, 2)
  })

  it('dropColumn in place, and by rebuild when an index uses the column; reverse restores it', async () => {
    const plain = new DropColumnOp('authors', 'bio', null, { name: 'bio', type: { kind: 'text' }, nullable: true })
    const statements = await apply(db.connection, plain)
    assert.deepStrictEqual(statements, ['ALTER TABLE "authors" DROP COLUMN "bio"'])
    await apply(db.connection, plain.reverse())
    assert.ok((await reflectTable(db.connection, 'authors')).columns.some((c) => c.name === 'bio'))

    await apply(db.connection, new AddColumnOp('books', { name: 'isbn', type: { kind: 'varchar', length: 13 }, nullable: true }))
    await apply(db.connection, new CreateIndexOp('books', { name: 'ix_books_isbn', elements: ['isbn'], unique: true }))
    const indexed = new DropColumnOp('books', 'isbn', null, { name: 'isbn', type: { kind: 'varchar', length: 13 }, nullable: true })
    const rebuild = await apply(db.connection, indexed)
    assert.ok(rebuild.some((s) => s.startsWith('CREATE TABLE "_strata_new_books"')))
    const booksTable = await reflectTable(db.connection, 'books')
    assert.deepStrictEqual(booksTable.columns.map((c) => c.name), ['id', 'author_id', 'title', 'pages'])
    assert.deepStrictEqual(booksTable.indexes, [])
    assert.equal((await rows(db, 'SELECT * FROM books')).length, 3)
  })

  it('renameColumn and reverse', async () => {
    const op = new RenameColumnOp('books', 'title', 'headline')
    await apply(db.connection, op)
    assert.deepStrictEqual((await rows(db, 'SELECT headline FROM books ORDER BY id')).map((r) => r.headline), ['One', 'Two', 'Three'])
    await apply(db.connection, op.reverse())
    assert.ok((await reflectTable(db.connection, 'books')).columns.some((c) => c.name === 'title'))
  })

  it('alterColumn type, default and nullability by rebuild; comment-only is a no-op', async () => {
    const op = new AlterColumnOp('books', 'pages', { type: { kind: 'bigint' }, default: { kind: 'literal', value: 1 } }, { type: { kind: 'integer' }, default: null })
    await apply(db.connection, op)
    const pages = (await reflectTable(db.connection, 'books')).columns.find((c) => c.name === 'pages')!
    assert.deepStrictEqual(pages.type, { kind: 'bigint' })
    assert.deepStrictEqual(pages.default, { kind: 'literal', value: 1 })
    assert.deepStrictEqual((await rows(db, 'SELECT pages FROM books ORDER BY id')).map((r) => r.pages), [10, null, 30])
    await apply(db.connection, op.reverse())
    const back = (await reflectTable(db.connection, 'books')).columns.find((c) => c.name === 'pages')!
    assert.deepStrictEqual(back, { name: 'pages', type: { kind: 'integer' }, nullable: true, default: null })

    const notNull = new AlterColumnOp('books', 'pages', { nullable: false }, { nullable: true })
    await assert.rejects(apply(db.connection, notNull), /NOT NULL constraint failed/)
    await db.connection.execute('UPDATE books SET pages = 5 WHERE pages IS NULL')
    await apply(db.connection, notNull)
    assert.equal((await reflectTable(db.connection, 'books')).columns.find((c) => c.name === 'pages')!.nullable, false)
    await apply(db.connection, notNull.reverse())

    assert.deepStrictEqual(await compileOnly(db, new AlterColumnOp('books', 'pages', { comment: 'how long' }, { comment: null })), [])
  })

  it('alterColumn turns an integer key into AUTOINCREMENT and back', async () => {
    const op = new AlterColumnOp('books', 'id', { autoincrement: true }, { autoincrement: false })
    await apply(db.connection, op)
    assert.equal((await reflectTable(db.connection, 'books')).columns[0]!.autoincrement, true)
    await apply(db.connection, op.reverse())
    assert.equal((await reflectTable(db.connection, 'books')).columns[0]!.autoincrement, undefined)
    assert.equal((await rows(db, 'SELECT * FROM books')).length, 3)
  })

  it('createIndex (unique, expression, partial) / dropIndex', async () => {
    const op = new CreateIndexOp('books', { name: 'ix_books_lower', elements: [{ expression: 'lower(title)' }, 'pages'], unique: true, where: 'pages > 0' })
    await apply(db.connection, op)
    assert.deepStrictEqual((await reflectTable(db.connection, 'books')).indexes, [op.object])
    await apply(db.connection, op.reverse())
    assert.deepStrictEqual((await reflectTable(db.connection, 'books')).indexes, [])
    assert.deepStrictEqual(await compileOnly(db, new DropIndexOp('books', 'ix "q"')), ['DROP INDEX "ix ""q"""'])
  })

  it('addUnique / dropUnique by rebuild; duplicates make it fail', async () => {
    const op = new AddUniqueOp('books', { name: 'uq_books_title', columns: ['title'] })
    await apply(db.connection, op)
    assert.deepStrictEqual((await reflectTable(db.connection, 'books')).uniques, [{ name: 'uq_books_title', columns: ['title'] }])
    await apply(db.connection, op.reverse())
    assert.deepStrictEqual((await reflectTable(db.connection, 'books')).uniques, [])
    const dup = new AddUniqueOp('books', { name: 'uq_books_author', columns: ['author_id'] })
    await assert.rejects(apply(db.connection, dup), /UNIQUE constraint failed/)
    assert.equal((await rows(db, 'SELECT * FROM books')).length, 3)
  })

  it('addCheck / dropCheck by rebuild; a violating row makes it fail', async () => {
    const op = new AddCheckOp('books', { name: 'ck_books_title', expression: "title <> ''" })
    await apply(db.connection, op)
    assert.ok((await reflectTable(db.connection, 'books')).checks.some((c) => c.name === 'ck_books_title'))
    await assert.rejects(db.connection.execute(`INSERT INTO books (author_id, title) VALUES (1, '')`), /CHECK constraint failed: ck_books_title/)
    await apply(db.connection, op.reverse())
    assert.deepStrictEqual((await reflectTable(db.connection, 'books')).checks.map((c) => c.name), ['ck_books_pages'])
    await assert.rejects(apply(db.connection, new AddCheckOp('books', { name: 'ck_small', expression: 'pages < 20' })), /CHECK constraint failed/)
  })

  it('dropForeignKey / addForeignKey by rebuild; foreign_key_check stops a violating key', async () => {
    const existing = (await reflectTable(db.connection, 'books')).foreignKeys[0]!
    const drop = new AddForeignKeyOp('books', existing).reverse()
    await apply(db.connection, drop)
    assert.deepStrictEqual((await reflectTable(db.connection, 'books')).foreignKeys, [])
    await db.connection.execute(`INSERT INTO books (id, author_id, title) VALUES (99, 42, 'orphan')`)
    await assert.rejects(apply(db.connection, drop.reverse()), /foreign key check failed: row 99 of "books" has no parent in "authors"/)
    assert.deepStrictEqual((await reflectTable(db.connection, 'books')).foreignKeys, [], 'rolled back')
    await db.connection.execute('DELETE FROM books WHERE id = 99')
    await apply(db.connection, drop.reverse())
    assert.deepStrictEqual((await reflectTable(db.connection, 'books')).foreignKeys, [existing])
  })

  it('dropPrimaryKey / addPrimaryKey by rebuild', async () => {
    const current = (await reflectTable(db.connection, 'books')).primaryKey!
    const op = new DropPrimaryKeyOp('books', null, current)
    await apply(db.connection, op)
    assert.equal((await reflectTable(db.connection, 'books')).primaryKey, null)
    await apply(db.connection, new AddPrimaryKeyOp('books', { name: 'pk_books_pair', columns: ['id', 'author_id'] }))
    assert.deepStrictEqual((await reflectTable(db.connection, 'books')).primaryKey, { name: 'pk_books_pair', columns: ['id', 'author_id'] })
    await apply(db.connection, new DropPrimaryKeyOp('books'), op.reverse())
    assert.deepStrictEqual((await reflectTable(db.connection, 'books')).primaryKey, current)
    assert.equal((await rows(db, 'SELECT * FROM books')).length, 3)
  })

  it('changing the parent key re-checks child tables', async () => {
    const current = await reflectTable(db.connection, 'authors')
    const statements = await compileOnly(db, new DropPrimaryKeyOp('authors', null, current.primaryKey!))
    assert.ok(statements.includes('PRAGMA foreign_key_check("books")'))
    const unrelated = await compileOnly(db, new AddCheckOp('authors', { name: 'ck_name', expression: "name <> ''" }))
    assert.ok(!unrelated.includes('PRAGMA foreign_key_check("books")'))
  })

  it('cascades still work after the parent was rebuilt', async () => {
    await apply(db.connection, new AddCheckOp('authors', { name: 'ck_authors_name', expression: "name <> ''" }))
    await db.connection.execute('PRAGMA foreign_keys = ON')
    await db.connection.execute('DELETE FROM authors WHERE id = 2')
    await db.connection.execute('PRAGMA foreign_keys = OFF')
    assert.deepStrictEqual((await rows(db, 'SELECT title FROM books ORDER BY id')).map((r) => r.title), ['One', 'Two'])
  })

  it('operations naming a schema (a model written for PostgreSQL) apply to the schemaless table', async () => {
    const op = new AddCheckOp('books', { name: 'ck_books_schema', expression: 'id > 0' }, 'app')
    await apply(db.connection, op)
    assert.ok((await reflectTable(db.connection, 'books')).checks.some((c) => c.name === 'ck_books_schema'))
    await apply(db.connection, op.reverse())
    assert.ok(!(await reflectTable(db.connection, 'books')).checks.some((c) => c.name === 'ck_books_schema'))
  })

  it('setTableComment, createSchema, dropSchema compile to nothing', async () => {
    assert.deepStrictEqual(await compileOnly(db, new SetTableCommentOp('books', 'x', null)), [])
    assert.deepStrictEqual(await compileOnly(db, new CreateSchemaOp('s')), [])
    assert.deepStrictEqual(await compileOnly(db, new DropSchemaOp('s')), [])
  })

  it('execute runs the SQL as is; bulkInsert inlines every value kind', async () => {
    await apply(db.connection, new ExecuteOp(`CREATE TABLE kinds (s TEXT, n REAL, b BOOLEAN, z TEXT, big INTEGER, d TEXT, blob BLOB, j JSON)`))
    const op = new BulkInsertOp('kinds', [
      { s: "it's", n: 1.5, b: true, z: null, big: 9007199254740993n, d: new Date('2024-01-02T03:04:05.000Z'), blob: Buffer.from([0, 255]), j: { a: [1, 'x'] } },
      { s: 'second', b: false },
    ])
    await apply(db.connection, op)
    const stored = await rows(db, 'SELECT s, n, b, z, CAST(big AS TEXT) AS big, d, hex(blob) AS blob, j FROM kinds ORDER BY rowid')
    assert.deepStrictEqual(stored[0], { s: "it's", n: 1.5, b: 1, z: null, big: '9007199254740993', d: '2024-01-02T03:04:05.000Z', blob: '00FF', j: '{"a":[1,"x"]}' })
    assert.deepStrictEqual(stored[1], { s: 'second', n: null, b: 0, z: null, big: null, d: null, blob: '', j: null }) // hex(NULL) is ''
    assert.deepStrictEqual(await compileOnly(db, new BulkInsertOp('kinds', [])), [])
  })
})

describe('sqlite addColumn NOT NULL on an empty table', () => {
  it('rebuilds (ALTER TABLE refuses NOT NULL without a default even on empty tables)', async () => {
    const db = await openTestDb('empty')
    try {
      await apply(db.connection, new CreateTableOp(model(table('empty', { id: integer().primaryKey() }))))
      const op = new AddColumnOp('empty', { name: 'stamp', type: { kind: 'timestamp' }, nullable: false })
      await apply(db.connection, op)
      assert.equal((await reflectTable(db.connection, 'empty')).columns[1]!.nullable, false)
    } finally {
      await db.close()
    }
  })
})
