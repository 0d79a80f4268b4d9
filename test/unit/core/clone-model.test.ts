import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { cloneModel } from '../../../src/schema/model.js'

function objectsOf(value: unknown, into = new Set<object>()): Set<object> {
  if (typeof value !== 'object' || value === null || into.has(value)) return into
  into.add(value)
  for (const child of Object.values(value)) objectsOf(child, into)
  return into
}

describe('cloneModel', () => {
  it('copies every level: equal, and no object shared', () => {
    const model = {
      tables: [{ name: 't', columns: [{ name: 'a', type: { kind: 'enum', values: ['x', 'y'] }, default: { kind: 'literal', value: 0 }, comment: null }], primaryKey: null }],
      enums: [],
      nested: [[{ deep: [1, { deeper: true }] }]],
    }
    const copy = cloneModel(model)
    assert.deepStrictEqual(copy, model)
    const original = objectsOf(model)
    assert.deepEqual([...objectsOf(copy)].filter((o) => original.has(o)), [])
    copy.tables[0]!.columns[0]!.type.values.push('z')
    assert.deepEqual(model.tables[0]!.columns[0]!.type.values, ['x', 'y'])
  })

  it('gives a null-prototype object a plain copy, and other objects to structuredClone', () => {
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { a: { b: 1 } })
    const copy = cloneModel({ bare, when: new Date(0) })
    assert.equal(Object.getPrototypeOf(copy.bare), Object.prototype)
    assert.deepEqual({ ...copy.bare }, { a: { b: 1 } })
    assert.notEqual(copy.bare.a, bare.a)
    assert.ok(copy.when instanceof Date)
    assert.equal(copy.when.getTime(), 0)
  })
})
