/**
 * Compare with the history (the schema as the applied revisions declare it): downgrades restate the declared
 * spelling, not the server's; MySQL and SQLite get the enum operations PostgreSQL needs.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { renderOperations } from '../../../src/autogenerate/render.js'
import type { CompareDialect } from '../../../src/autogenerate/types.js'
import type { CreateEnumOp, DropCheckOp, DropColumnOp, DropEnumOp } from '../../../src/operations/index.js'
import { char, integer } from '../../../src/schema/columns.js'
import { enumeration } from '../../../src/schema/enum.js'
import { check } from '../../../src/schema/extras.js'
import type { SchemaModel } from '../../../src/schema/model.js'
import { table } from '../../../src/schema/table.js'
import { normalizeExpressionText } from '../../../src/dialects/postgres/postgres-canonical.js'
import { portablePostgresExpression } from '../../../src/dialects/postgres/postgres-portable.js'
import { compare, identityDialect, kinds, messages, model, sql } from './support.js'

/** PostgreSQL's re-spelling of `x IN ('a', 'b')`, and a normaliser that sees both as the same. */
const pgSpelling = (column: string, values: string[]) => `(${column} = ANY (ARRAY[${values.map((v) => `'${v}'::bpchar`).join(', ')}]))`
const respelling: CompareDialect = {
  ...identityDialect('postgres'),
  normalizeExpression: (text) => {
    const any = /^\(?(\w+) = ANY \(ARRAY\[(.*)\]\)\)?$/.exec(text)
    const values = any ? any[2]!.replaceAll('::bpchar', '') : null
    return any ? `${any[1]} in (${values})` : text.replace(' IN ', ' in ')
  },
}

const declared = () =>
  model(table('customers', { id: integer().primaryKey(), country: char({ length: 2 }) }, (t) => [check('ck_country', sql`country IN ('NL', 'PT')`)]))

/** What PostgreSQL reflects for the declared schema. */
function reflected(): SchemaModel {
  const m = declared()
  m.tables[0]!.checks[0]!.expression = pgSpelling('country', ['NL', 'PT'])
  return m
}

describe('compare with the history: declared spellings in downgrades', () => {
  it('restates a dropped check as the revisions declared it', async () => {
    const target = model(table('customers', { id: integer().primaryKey(), country: char({ length: 2 }) }))
    const changes = await compare(target, reflected(), { dialect: respelling, history: declared() })
    assert.deepEqual(messages(changes), ["removed check constraint 'ck_country' on 'customers'"])
    assert.equal((changes[0]!.operation as DropCheckOp).object!.expression, "country IN ('NL', 'PT')")
    assert.equal(changes[0]!.reflectedSpelling, undefined)
    const rendered = renderOperations(changes)
    assert.match(rendered.downgrade, /op\.createCheck\('ck_country', 'customers', sql`country IN \('NL', 'PT'\)`\)/)
    assert.equal(rendered.notes, undefined)
  })

  it('says at the top of the file when nothing declares what the downgrade restates', async () => {
    const target = model(table('customers', { id: integer().primaryKey(), country: char({ length: 2 }) }))
    const changes = await compare(target, reflected(), { dialect: respelling })
    assert.equal((changes[0]!.operation as DropCheckOp).object!.expression, pgSpelling('country', ['NL', 'PT']))
    assert.deepEqual(changes[0]!.reflectedSpelling, ["check 'ck_country' on 'customers'"])
    const notes = renderOperations(changes).notes ?? []
    assert.equal(notes.length, 1)
    assert.match(notes[0]!, /^Not portable: the downgrade restates check 'ck_country' on 'customers' as this database spells it/)
  })

  it('keeps the server spelling when the declared check says something else', async () => {
    const history = declared()
    history.tables[0]!.checks[0]!.expression = "country IN ('NL')"
    const target = model(table('customers', { id: integer().primaryKey(), country: char({ length: 2 }) }))
    const changes = await compare(target, reflected(), { dialect: respelling, history })
    assert.equal((changes[0]!.operation as DropCheckOp).object!.expression, pgSpelling('country', ['NL', 'PT']))
    assert.ok(changes[0]!.reflectedSpelling)
  })
})

describe('compare with the history: enums where they are column types', () => {
  const mysql = identityDialect('mysql')
  const kind = enumeration('old_kind', ['x', 'y'])
  const mood = enumeration('mood', ['happy', 'sad'])
  /** MySQL reflects enum columns without a name, and no enums. */
  const asMysql = (m: SchemaModel): SchemaModel => {
    const copy = structuredClone(m)
    copy.enums = []
    for (const t of copy.tables) for (const c of t.columns) if (c.type.kind === 'enum') c.type = { ...c.type, name: '' }
    return copy
  }

  it('creates a new enum and drops one no column uses any more, with the names the revisions declared', async () => {
    const before = model(kind, table('things', { id: integer().primaryKey(), kind: kind() }))
    const after = model(mood, table('things', { id: integer().primaryKey(), feeling: mood() }))
    const changes = await compare(after, asMysql(before), { dialect: mysql, history: before })
    assert.deepEqual(kinds(changes), ['createEnum', 'addColumn', 'dropColumn', 'dropEnum'])
    assert.deepEqual((changes[0]!.operation as CreateEnumOp).enumType, { name: 'mood', schema: null, values: ['happy', 'sad'] })
    assert.deepEqual((changes[3]!.operation as DropEnumOp).enumType, { name: 'old_kind', schema: null, values: ['x', 'y'] })
    // The dropped column's downgrade names its enum (MySQL reflected none).
    assert.deepEqual((changes[2]!.operation as DropColumnOp).column!.type, { kind: 'enum', name: 'old_kind', values: ['x', 'y'] })
  })

  it('creates nothing the history already holds, and finds the enum of matched columns without a history', async () => {
    const same = model(mood, table('things', { id: integer().primaryKey(), feeling: mood() }))
    assert.deepEqual(await compare(same, asMysql(same), { dialect: mysql, history: same }), [])
    assert.deepEqual(await compare(same, asMysql(same), { dialect: mysql }), [])
  })
})

describe('compare without a history: a portable spelling where the server re-spelled the expression', () => {
  it("writes PostgreSQL's = ANY (ARRAY[…]) and literal casts back as IN (…) and plain literals", async () => {
    const pg = { ...identityDialect('postgres'), normalizeExpression: normalizeExpressionText, portableExpression: portablePostgresExpression }
    const target = model(table('customers', { id: integer().primaryKey(), country: char({ length: 2 }) }))
    const changes = await compare(target, reflected(), { dialect: pg })
    assert.equal((changes[0]!.operation as DropCheckOp).object!.expression, "(country IN ('NL', 'PT'))")
    assert.equal(changes[0]!.reflectedSpelling, undefined)
  })

  it('keeps the note when what is left is still PostgreSQL syntax', () => {
    assert.equal(portablePostgresExpression("((price > (0)::numeric) AND (code = ANY (ARRAY['a'::bpchar])))"), "((price > 0) AND (code IN ('a')))")
    assert.match(portablePostgresExpression("((status)::text <> ALL (ARRAY['a'::character varying]::text[]))"), /::text/)
  })
})
