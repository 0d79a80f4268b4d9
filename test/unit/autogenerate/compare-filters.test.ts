import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { globToRegExp } from '../../../src/autogenerate/filters.js'
import type { IncludeObject } from '../../../src/autogenerate/types.js'
import { integer, text } from '../../../src/schema/columns.js'
import { check, index, unique } from '../../../src/schema/extras.js'
import { emptySchema } from '../../../src/schema/model.js'
import { table } from '../../../src/schema/table.js'
import { compare, messages, model, sql } from './support.js'

const t = (name: string, schema?: string) => table(name, { id: integer() }, schema ? { schema } : {})

describe('compare: filters', () => {
  it('matches simple globs, anchored, with regex characters taken literally', () => {
    assert.ok(globToRegExp('audit_*').test('audit_log'))
    assert.ok(globToRegExp('t?').test('t1'))
    assert.ok(!globToRegExp('t?').test('t12'))
    assert.ok(!globToRegExp('a.b').test('axb'))
    assert.ok(globToRegExp('a.b').test('a.b'))
    assert.ok(!globToRegExp('log').test('catalog'))
  })

  it('include: only matching tables are created or dropped', async () => {
    const target = model(t('audit_a'), t('audit_b'), t('users'))
    const reflected = model(t('audit_old'), t('legacy'))
    assert.deepEqual(messages(await compare(target, reflected, { include: ['audit_*'] })), [
      "added table 'audit_a'",
      "added table 'audit_b'",
      "removed table 'audit_old'",
    ])
  })

  it('exclude wins over include, and matches schema.table', async () => {
    const target = model(t('a', 'app'), t('b', 'app'), t('c', 'other'))
    const changes = await compare(target, emptySchema(), { include: ['app.*', 'other.c'], exclude: ['app.b'] })
    assert.deepEqual(messages(changes), ["added table 'app.a'", "added table 'other.c'"])
  })

  it('leaves an excluded table alone on both sides (never altered)', async () => {
    const target = model(table('t', { id: integer(), x: text() }))
    const reflected = model(table('t', { id: integer() }))
    assert.deepEqual(await compare(target, reflected, { exclude: ['t'] }), [])
  })

  it('calls includeObject for every object, with what it is compared to', async () => {
    const seen: string[] = []
    const hook: IncludeObject = (o) => {
      seen.push(`${o.type}:${o.table ? `${o.table}.` : ''}${o.name}:${o.reflected ? 'db' : 'schema'}:${o.compareTo ? 'pair' : 'none'}`)
      return true
    }
    const target = model(table('t', { id: integer(), b: text() }, (c) => [index('ix_t_b').on(c.b), unique('uq_t_id').on(c.id), check('ck_t', sql`id > 0`)]))
    const reflected = model(table('t', { id: integer(), old: text() }), t('gone'))
    await compare(target, reflected, { includeObject: hook })
    assert.deepEqual(seen.sort(), [
      'check:t.ck_t:schema:none',
      'column:t.b:schema:none',
      'column:t.id:schema:pair',
      'column:t.old:db:none',
      'index:t.ix_t_b:schema:none',
      'table:gone:db:none',
      'table:t:schema:pair',
      'unique:t.uq_t_id:schema:none',
    ])
  })

  it('skips objects includeObject rejects', async () => {
    const target = model(table('t', { id: integer(), b: text().notNull() }, (c) => [index('ix_t_b').on(c.b)]), t('fresh'))
    const reflected = model(table('t', { id: integer(), b: text(), old: text() }), t('gone'))
    const reject = new Set(['column:b', 'column:old', 'index:ix_t_b', 'table:fresh', 'table:gone'])
    const changes = await compare(target, reflected, { includeObject: (o) => !reject.has(`${o.type}:${o.name}`) })
    assert.deepEqual(changes, [])
    assert.equal((await compare(target, reflected)).length, 5)
  })

  it('asks the hook once per object and never hands it the caller\'s reflected model, also when a rename is planned', async () => {
    // A planned rename changes the working model: compare works on a copy from the start when there is a hook.
    const target = model(table('accounts', { id: integer(), email: text() }, { renamedFrom: 'users' }), t('kept'))
    const reflected = model(table('users', { id: integer(), email: text() }), t('kept'))
    const callerObjects = new Set<unknown>()
    const walk = (value: unknown): void => {
      if (typeof value !== 'object' || value === null || callerObjects.has(value)) return
      callerObjects.add(value)
      for (const child of Object.values(value)) walk(child)
    }
    walk(reflected)
    const asked: string[] = []
    const changes = await compare(target, reflected, {
      includeObject: (o) => {
        asked.push(`${o.type} ${o.table ?? ''} ${o.name} ${o.reflected}`)
        assert.ok(!callerObjects.has(o.compareTo), `${o.type} ${o.name}: compareTo is the caller's own object`)
        return true
      },
    })
    assert.deepEqual(messages(changes), ["renamed table 'users' to 'accounts'"])
    assert.ok(asked.length > 0)
    assert.deepEqual(asked, [...new Set(asked)], 'no object asked about twice')
  })
})

