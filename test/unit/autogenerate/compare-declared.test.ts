import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { CompareDialect } from '../../../src/autogenerate/types.js'
import { mysqlFeatures } from '../../../src/dialects/mysql/mysql-features.js'
import type { AddColumnOp, AddEnumValueOp, AlterColumnOp, CreateTableOp } from '../../../src/operations/index.js'
import { integer, text, varchar } from '../../../src/schema/columns.js'
import { emptySchema, type SchemaModel } from '../../../src/schema/model.js'
import { table } from '../../../src/schema/table.js'
import { compare, enumeration, kinds, messages, model } from './support.js'

/**
 * A dialect that, like MySQL, keeps no enum names, primary key names, schemas, comments or rename hints, and
 * reflects varchar as text: canonical forms lose facts the declared schema has.
 */
const lossy: CompareDialect = {
  name: 'mysql',
  features: mysqlFeatures,
  canonicalize(m: SchemaModel): SchemaModel {
    return {
      enums: [],
      schemas: [],
      tables: m.tables
        .map((t) => ({
          name: t.name,
          schema: null,
          columns: t.columns.map((c) => ({
            name: c.name,
            nullable: c.nullable,
            default: c.default ?? null,
            type: c.type.kind === 'enum' ? { ...c.type, name: '' } : c.type.kind === 'varchar' ? { kind: 'text' as const } : c.type,
          })),
          primaryKey: t.primaryKey ? { name: null, columns: [...t.primaryKey.columns] } : null,
          indexes: t.indexes,
          uniques: t.uniques,
          foreignKeys: t.foreignKeys,
          checks: t.checks,
          comment: null,
        }))
        .sort((a, b) => (a.name < b.name ? -1 : 1)),
    }
  },
  normalizeDefault: (value) => (value == null ? null : JSON.stringify(value)),
  normalizeExpression: (s) => s,
}

const mood = enumeration('mood', ['happy', 'sad'])

describe('compare: operations carry the declared schema, decisions use canonical forms', () => {
  it('creates tables with the declared types, names and comments', async () => {
    const target = model(mood, table('people', { id: integer().primaryKey(), name: varchar({ length: 50 }).comment('Name'), feeling: mood() }, { comment: 'People' }))
    const changes = await compare(target, emptySchema(), { dialect: lossy })
    assert.deepEqual(kinds(changes), ['createTable'])
    assert.deepEqual((changes[0]!.operation as CreateTableOp).table, target.tables[0])
  })

  it('finds nothing against what the database reflects (the canonical form)', async () => {
    const target = model(mood, table('people', { id: integer().primaryKey(), name: varchar({ length: 50 }).comment('Name'), feeling: mood() }, { comment: 'People' }))
    assert.deepEqual(await compare(target, lossy.canonicalize(target), { dialect: lossy }), [])
  })

  it('adds and alters columns with the declared facts', async () => {
    const before = lossy.canonicalize(model(table('people', { id: integer(), feeling: enumeration('mood', ['happy'])() })))
    const after = model(mood, table('people', { id: integer(), feeling: mood().notNull(), name: varchar({ length: 50 }).comment('Name') }))
    const changes = await compare(after, before, { dialect: lossy })
    assert.deepEqual(messages(changes), ["added column 'people.name'", "added value 'sad' to enum 'mood'", "changed nullability of column 'people.feeling'"])
    assert.deepEqual((changes[0]!.operation as AddColumnOp).column, { name: 'name', type: { kind: 'varchar', length: 50 }, nullable: true, comment: 'Name' })
    // The enum operation names the declared enum (the database keeps no name) and the column it restates.
    const value = changes[1]!.operation as AddEnumValueOp
    assert.deepEqual([value.name, value.value, value.position, value.columns], ['mood', 'sad', { after: 'happy' }, [{ table: 'people', schema: null, column: 'feeling' }]])
    const alter = changes[2]!.operation as AlterColumnOp
    assert.deepEqual(alter.changes, { nullable: false })
    assert.deepEqual(alter.existing.type, { kind: 'enum', name: 'mood', values: ['happy', 'sad'] })
  })

  it('finds rename hints canonicalize dropped', async () => {
    const before = lossy.canonicalize(model(table('users', { id: integer(), old: text() })))
    const after = model(table('accounts', { id: integer(), fresh: text().renamedFrom('old') }, { renamedFrom: 'users' }))
    assert.deepEqual(messages(await compare(after, before, { dialect: lossy })), [
      "renamed table 'users' to 'accounts'",
      "renamed column 'accounts.old' to 'fresh'",
    ])
  })
})
