import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { AddEnumValueOp, AlterColumnOp, AlterEnumOp, CreateEnumOp, DropEnumOp, RenameEnumValueOp } from '../../../src/operations/index.js'
import { integer, text } from '../../../src/schema/columns.js'
import { emptySchema } from '../../../src/schema/model.js'
import { table } from '../../../src/schema/table.js'
import { assertRoundTrip, compare, enumeration, identityDialect, kinds, messages, model, reflect } from './support.js'

const withMood = (values: string[], options = {}) => {
  const mood = enumeration('mood', values, options)
  return model(mood, table('people', { id: integer().primaryKey(), feeling: mood() }), table('pets', { id: integer(), feeling: mood('pet_feeling') }))
}

const usages = [
  { table: 'people', schema: null, column: 'feeling' },
  { table: 'pets', schema: null, column: 'pet_feeling' },
]

describe('compare: enums (PostgreSQL: types of their own)', () => {
  it('creates a new enum before the table that uses it, and drops it after the table', async () => {
    const target = withMood(['happy', 'sad'])
    const created = await assertRoundTrip(target, emptySchema())
    assert.deepEqual(kinds(created), ['createEnum', 'createTable', 'createTable'])
    assert.deepEqual((created[0]!.operation as CreateEnumOp).enumType, { name: 'mood', schema: null, values: ['happy', 'sad'] })
    const dropped = await assertRoundTrip(emptySchema(), target)
    assert.deepEqual(kinds(dropped), ['dropTable', 'dropTable', 'dropEnum'])
    assert.deepEqual((dropped[2]!.operation as DropEnumOp).enumType?.values, ['happy', 'sad'])
    assert.deepEqual(messages(dropped).at(-1), "removed enum 'mood'")
  })

  it('adds a value at its place, with the columns that use the enum', async () => {
    const changes = await assertRoundTrip(withMood(['happy', 'meh', 'sad']), withMood(['happy', 'sad']))
    assert.deepEqual(messages(changes), ["added value 'meh' to enum 'mood'"])
    const op = changes[0]!.operation as AddEnumValueOp
    assert.deepEqual(op.position, { after: 'happy' })
    assert.deepEqual(op.existing, ['happy', 'sad'])
    assert.deepEqual(op.columns, usages)
    assert.equal(changes[0]!.warning, null)
  })

  it('adds several values in order, first and last positions included', async () => {
    const changes = await assertRoundTrip(withMood(['calm', 'happy', 'meh', 'sad', 'angry', 'furious']), withMood(['happy', 'sad']))
    const ops = changes.map((c) => c.operation as AddEnumValueOp)
    assert.deepEqual(
      ops.map((o) => [o.value, o.position, o.existing]),
      [
        ['calm', { before: 'happy' }, ['happy', 'sad']],
        ['meh', { after: 'happy' }, ['calm', 'happy', 'sad']],
        ['angry', { after: 'sad' }, ['calm', 'happy', 'meh', 'sad']],
        ['furious', { after: 'angry' }, ['calm', 'happy', 'meh', 'sad', 'angry']],
      ],
    )
  })

  it('renames a value from a hint, then adds the others', async () => {
    const target = withMood(['joyful', 'sad', 'meh'], { renamedValues: { joyful: 'happy' } })
    const changes = await assertRoundTrip(target, withMood(['happy', 'sad']))
    assert.deepEqual(messages(changes), ["renamed value 'happy' of enum 'mood' to 'joyful'", "added value 'meh' to enum 'mood'"])
    const rename = changes[0]!.operation as RenameEnumValueOp
    assert.deepEqual([rename.from, rename.to, rename.existing, rename.columns], ['happy', 'joyful', ['happy', 'sad'], usages])
    assert.deepEqual((changes[1]!.operation as AddEnumValueOp).existing, ['joyful', 'sad'])
  })

  it('ignores a value hint that is already applied', async () => {
    const target = withMood(['joyful', 'sad'], { renamedValues: { joyful: 'happy' } })
    assert.deepEqual(await compare(target, reflect(withMood(['joyful', 'sad']))), [])
  })

  it('rebuilds the enum when values are removed (destructive) or reordered', async () => {
    const removed = await assertRoundTrip(withMood(['happy']), withMood(['happy', 'sad']))
    assert.deepEqual(messages(removed), ["removed value 'sad' from enum 'mood'"])
    assert.equal(removed[0]!.warning, "rebuilds enum 'mood' without 'sad' (fails if rows hold them)")
    const op = removed[0]!.operation as AlterEnumOp
    assert.deepEqual([op.values, op.existing, op.columns], [['happy'], ['happy', 'sad'], usages])
    const reordered = await assertRoundTrip(withMood(['sad', 'happy']), withMood(['happy', 'sad']))
    assert.deepEqual(messages(reordered), ["changed values of enum 'mood'"])
    assert.equal(reordered[0]!.warning, null)
  })

  it('does not report an enum change again as a column type change', async () => {
    const changes = await compare(withMood(['happy', 'sad', 'meh']), withMood(['happy', 'sad']))
    assert.deepEqual(kinds(changes), ['addEnumValue'])
  })

  it('reports a column moving to another enum type as a type change', async () => {
    const a = enumeration('a', ['x'])
    const b = enumeration('b', ['x'])
    const changes = await assertRoundTrip(model(a, b, table('t', { c: b() })), model(a, b, table('t', { c: a() })))
    assert.deepEqual(kinds(changes), ['alterColumn'])
    assert.deepEqual((changes[0]!.operation as AlterColumnOp).changes.type, { kind: 'enum', name: 'b', values: ['x'] })
  })

  it('alters columns before dropping the enum they stopped using', async () => {
    const mood = enumeration('mood', ['a'])
    const changes = await assertRoundTrip(model(table('t', { c: text() })), model(mood, table('t', { c: mood() })))
    assert.deepEqual(kinds(changes), ['alterColumn', 'dropEnum'])
  })

  it('keeps an enum a table outside the comparison still uses', async () => {
    const mood = enumeration('mood', ['a'])
    const reflected = model(mood, table('kept', { c: mood() }))
    assert.deepEqual(kinds(await compare(emptySchema(), reflected, { exclude: ['kept'] })), [])
  })
})

describe('compare: enums on MySQL and SQLite (inline column types)', () => {
  const dialect = identityDialect('mysql')
  const inline = (values: string[]) => {
    const m = withMood(values)
    m.enums = []
    return m
  }

  it('reports value changes as enum operations on the columns using the enum, not as type changes', async () => {
    // (No model round trip: replaying enum operations needs the enum in the model, which these dialects have not.)
    const changes = await compare(inline(['happy', 'meh', 'sad']), inline(['happy', 'sad']), { dialect })
    assert.deepEqual(messages(changes), ["added value 'meh' to enum 'mood'"])
    const op = changes[0]!.operation as AddEnumValueOp
    assert.deepEqual([op.name, op.value, op.position, op.existing, op.columns], ['mood', 'meh', { after: 'happy' }, ['happy', 'sad'], usages])
  })

  it('loads the history once, also when a value change makes compare start again on a copy', async () => {
    let loads = 0
    const loadHistoryEnums = async () => {
      loads++
      return []
    }
    const changes = await compare(inline(['happy', 'meh', 'sad']), inline(['happy', 'sad']), { dialect, loadHistoryEnums })
    assert.deepEqual(messages(changes), ["added value 'meh' to enum 'mood'"])
    assert.equal(loads, 1)
  })

  it('renames a hinted value (a default naming it follows), and rebuilds for a removal', async () => {
    const mood = enumeration('mood', ['joyful', 'sad'], { renamedValues: { joyful: 'happy' } })
    // The declared model keeps its enums (the hints live there); the database reflects none.
    const target = model(mood, table('people', { id: integer(), feeling: mood().default('joyful') }))
    const old = enumeration('mood', ['happy', 'sad'])
    const reflected = model(table('people', { id: integer(), feeling: old().default('happy') }))
    reflected.enums = []
    const renamed = await compare(target, reflected, { dialect })
    assert.deepEqual(messages(renamed), ["renamed value 'happy' of enum 'mood' to 'joyful'"])
    const removed = await compare(inline(['happy']), inline(['happy', 'sad']), { dialect })
    assert.deepEqual(kinds(removed), ['alterEnum'])
    assert.equal(removed[0]!.warning, "rebuilds enum 'mood' without 'sad' (fails if rows hold them)")
  })

  it('treats a column moving to another enum, by a name the database keeps, as a type change', async () => {
    const reflected = inline(['happy', 'sad'])
    for (const t of reflected.tables) for (const c of t.columns) if (c.type.kind === 'enum') c.type.name = 'feelings'
    assert.deepEqual(kinds(await compare(inline(['happy', 'meh', 'sad']), reflected, { dialect })), ['alterColumn', 'alterColumn'])
  })

  it('ignores the enum name, which these databases do not keep, and model enum lists', async () => {
    const reflected = inline(['happy', 'sad'])
    for (const t of reflected.tables) for (const c of t.columns) if (c.type.kind === 'enum') c.type.name = `${t.name}_${c.name}`
    assert.deepEqual(await compare(withMood(['happy', 'sad']), reflected, { dialect }), [])
  })
})
