/**
 * Mutation matrix, enums: a new enum type, a dropped one, values added (first, middle, last: PostgreSQL's
 * ALTER TYPE … ADD VALUE with BEFORE/AFTER), a value renamed through a hint (rows follow), a value removed (a
 * rebuild, flagged destructive).
 *
 * PostgreSQL has enum types of their own. MySQL keeps the values on each column (ENUM('a','b')) and SQLite in each
 * column's CHECK: there the same value changes are detected on the enum too and restate the columns that use it.
 * Every dialect detects and renders the same operations (a new or dropped enum too: a no-op where enums are column
 * types), so a revision generated on one runs on the others (test/e2e/portable-cross.test.ts).
 */
import assert from 'node:assert/strict'
import { after, before, it } from 'node:test'
import { CycleRunner, rows } from '../support/autogen-cycle.js'
import { describeEachDialect } from '../support/databases.js'
import { rawQuery } from '../support/inspect.js'

const SCHEMA_A = `import { table, integer, enumeration } from 'strata-db'

export const size = enumeration('size', ['s', 'l'])
export const status = enumeration('status', ['active', 'gone'])
export const level = enumeration('level', ['low', 'mid', 'high'])
export const oldKind = enumeration('old_kind', ['x', 'y'])

export const things = table('things', {
  id: integer().primaryKey(),
  size: size().notNull().default('s'),
  status: status(),
  level: level(),
  kind: oldKind(),
})

export const others = table('others', { id: integer().primaryKey(), status: status('other_status').default('gone') })
`

const SCHEMA_B = `import { table, integer, enumeration } from 'strata-db'

export const size = enumeration('size', ['xs', 's', 'm', 'l', 'xl'])
export const status = enumeration('status', ['active', 'archived'], { renamedValues: { archived: 'gone' } })
export const level = enumeration('level', ['low', 'high'])
export const mood = enumeration('mood', ['happy', 'sad'])

export const things = table('things', {
  id: integer().primaryKey(),
  size: size().notNull().default('s'),
  status: status(),
  level: level(),
  feeling: mood(),
})

export const others = table('others', { id: integer().primaryKey(), status: status('other_status').default('archived') })
`

describeEachDialect('autogenerate matrix: enums', ({ dialect, db }) => {
  let runner: CycleRunner
  before(() => {
    runner = new CycleRunner(dialect, db(), 'ag-enums')
  })
  after(() => runner?.remove())

  it('detects new and dropped enums, added, renamed and removed values; rows follow a rename', async () => {
    const pg = dialect === 'postgres'
    const result = await runner.run({
      name: 'enums',
      a: SCHEMA_A,
      b: SCHEMA_B,
      seed: [
        "INSERT INTO things (id, size, status, level, kind) VALUES (1, 'l', 'gone', 'high', 'x'), (2, 's', 'active', 'low', 'y')",
        'INSERT INTO others (id) VALUES (1)',
      ],
      detected: [
        "added enum 'mood'",
        "removed enum 'old_kind'",
        "added value 'xs' to enum 'size'",
        "added value 'm' to enum 'size'",
        "added value 'xl' to enum 'size'",
        "renamed value 'gone' of enum 'status' to 'archived'",
        "removed value 'mid' from enum 'level'",
        "added column 'things.feeling'",
        "removed column 'things.kind'",
      ],
      warnings: ["rebuilds enum 'level' without 'mid' (fails if rows hold them)", "drops column 'things.kind' (data loss)"],
      file: (source) => {
        assert.match(source, /\/\/ ! rebuilds enum 'level' without 'mid' \(fails if rows hold them\) \[enum-value-removed\]\n(?:\s+\/\/ lock: .*\n)*\s+await op\.alterEnum\('level', \['low', 'high'\]/)
        assert.match(source, /await op\.addEnumValue\('size', 'xs', \{\s*before: 's',/)
        assert.match(source, /await op\.addEnumValue\('size', 'm', \{\s*after: 's',/)
        assert.match(source, /await op\.renameEnumValue\('status', 'gone', 'archived'/)
        if (pg) {
          const script = runner.project.strata(['upgrade', 'enums_a:enums_b', '--sql']).stdout
          assert.match(script, /ALTER TYPE "size" ADD VALUE IF NOT EXISTS 'xs' BEFORE 's'/)
          assert.match(script, /ALTER TYPE "size" ADD VALUE IF NOT EXISTS 'm' AFTER 's'/)
          assert.match(script, /ALTER TYPE "status" RENAME VALUE 'gone' TO 'archived'/)
        }
      },
      atB: async () => {
        assert.deepEqual(await rows(db(), 'SELECT id, size, status, level FROM things ORDER BY id'), [
          { id: '1', size: 'l', status: 'archived', level: 'high' },
          { id: '2', size: 's', status: 'active', level: 'low' },
        ])
        assert.deepEqual(await rows(db(), 'SELECT other_status FROM others'), [{ other_status: 'archived' }])
        // The new values are usable, and the renamed default follows.
        await rawQuery(db(), "INSERT INTO things (id, size, status) VALUES (3, 'xl', 'archived')")
        await rawQuery(db(), 'INSERT INTO others (id) VALUES (2)')
        assert.deepEqual(await rows(db(), 'SELECT other_status FROM others WHERE id = 2'), [{ other_status: 'archived' }])
        await assert.rejects(rawQuery(db(), "INSERT INTO things (id, status) VALUES (4, 'gone')"))
        await rawQuery(db(), 'DELETE FROM things WHERE id = 3')
        await rawQuery(db(), 'DELETE FROM others WHERE id = 2')
      },
      atA: async () => {
        assert.deepEqual(await rows(db(), 'SELECT id, size, status, level FROM things ORDER BY id'), [
          { id: '1', size: 'l', status: 'gone', level: 'high' },
          { id: '2', size: 's', status: 'active', level: 'low' },
        ])
        assert.deepEqual(await rows(db(), 'SELECT other_status FROM others'), [{ other_status: 'gone' }])
      },
    })
    assert.equal(result.kinds.filter((k) => k === 'addEnumValue').length, 3)
  })

  it('a value added and used at once (a new column defaulting to it) runs outside the transaction, wherever it was generated', async () => {
    const schema = (values: string, column: string) => `import { table, integer, enumeration } from 'strata-db'

export const tier = enumeration('tier', [${values}])
export const plans = table('plans', { id: integer().primaryKey(), tier: tier().default('free')${column} })
`
    await runner.run({
      name: 'used_at_once',
      a: schema("'free', 'pro'", ''),
      b: schema("'free', 'pro', 'team'", ", seats: tier('seat_tier').notNull().default('team')"),
      seed: ['INSERT INTO plans (id) VALUES (1)'],
      detected: ["added value 'team' to enum 'tier'", "added column 'plans.seat_tier'"],
      file: (source) => {
        // PostgreSQL needs it; the file is the same wherever it was generated.
        // (a lint mark may stand above the call: MySQL copies the table for an enum value inserted mid-list)
        assert.match(source, /await op\.autocommit\(async \(\) => \{\n(\s+\/\/ [^\n]*\n)*\s+await op\.addEnumValue\('tier', 'team'/)
      },
      atB: async () => assert.deepEqual(await rows(db(), 'SELECT id, tier, seat_tier FROM plans'), [{ id: '1', tier: 'free', seat_tier: 'team' }]),
      atA: async () => assert.deepEqual(await rows(db(), 'SELECT id, tier FROM plans'), [{ id: '1', tier: 'free' }]),
    })
  })
})
