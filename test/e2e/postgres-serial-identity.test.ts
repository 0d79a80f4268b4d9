/**
 * PostgreSQL: a serial column (`customType('serial')`, as `pull` writes it) turned into an identity
 * (`integer().autoincrement()`) and back. The operation states the serial as its type on both sides, so the
 * upgrade and the downgrade compile without the database: online A → B → A keeps the rows and leaves check clean,
 * and the offline scripts (`upgrade a:b --sql`, `downgrade b:a --sql`) run on a real database.
 */
import assert from 'node:assert/strict'
import { after, before, it } from 'node:test'
import { compareWithDatabase, downgrade, upgrade } from '../../src/index.js'
import { CycleRunner, rows } from '../support/autogen-cycle.js'
import { describeDialect } from '../support/databases.js'
import { rawQuery } from '../support/inspect.js'
import { runScript } from '../support/sql-script.js'

const SERIAL = `import { table, text, customType } from 'strata-db'

export const shift = table('shift', { id: customType('serial').primaryKey(), name: text() })
`
const IDENTITY = `import { table, text, integer } from 'strata-db'

export const shift = table('shift', { id: integer().primaryKey().autoincrement(), name: text() })
`

describeDialect('postgres', 'PostgreSQL: serial ↔ identity', ({ dialect, db }) => {
  let runner: CycleRunner
  before(() => {
    runner = new CycleRunner(dialect, db(), 'pg-serial')
  })
  after(() => runner?.remove())

  /** The column's auto-increment as the server has it: its owned sequence, and its identity kind ('' for none). */
  const state = async () =>
    (
      await rows(
        db(),
        `SELECT pg_get_serial_sequence('shift', 'id') IS NOT NULL AS owned, a.attidentity AS identity, pg_get_expr(d.adbin, d.adrelid) AS "default"
           FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
          WHERE a.attrelid = 'shift'::regclass AND a.attname = 'id'`,
      )
    )[0]
  const serial = { owned: 'true', identity: '', default: "nextval('shift_id_seq'::regclass)" }
  const identity = { owned: 'true', identity: 'd', default: null }
  const insert = async (name: string) => (await rawQuery<{ id: number }>(db(), `INSERT INTO shift (name) VALUES ('${name}') RETURNING id`))[0]!.id

  it('serial → identity → serial, online: rows kept, numbering goes on, check clean at both ends', async () => {
    const result = await runner.run({
      name: 'serial_online',
      a: SERIAL,
      b: IDENTITY,
      seed: ["INSERT INTO shift (name) VALUES ('day'), ('night')"],
      detected: ["changed type, autoincrement of column 'shift.id'"],
      warnings: null,
      file: (source) => {
        assert.match(source, /type: integer\(\),\s+autoincrement: true,\s+existingType: customType\('serial'\)/)
        assert.match(source, /type: customType\('serial'\),\s+autoincrement: false,\s+existingType: integer\(\)/)
      },
      atB: async () => {
        assert.deepEqual(await state(), identity)
        assert.equal(await insert('late'), 3)
      },
      atA: async () => {
        assert.deepEqual(await state(), serial)
        assert.equal(await insert('early'), 4)
        assert.deepEqual(await rows(db(), 'SELECT name FROM shift ORDER BY id'), [{ name: 'day' }, { name: 'night' }, { name: 'late' }, { name: 'early' }])
      },
    })
    assert.deepEqual(result.kinds, ['alterColumn'])
  })

  it('serial → identity → serial, offline: the --sql scripts run on the database and leave check clean', async () => {
    runner.writeConfig()
    runner.project.write('./schemas/off_a.ts', SERIAL)
    runner.project.write('./schemas/off_b.ts', IDENTITY)
    const api = (file: string) => runner.configFor(file)
    try {
      runner.autogenerate('./schemas/off_a.ts', 'off_a')
      await upgrade(api('./schemas/off_a.ts'), 'head')
      await rawQuery(db(), "INSERT INTO shift (name) VALUES ('day')")
      runner.autogenerate('./schemas/off_b.ts', 'off_b')

      const up = runner.project.strata(['upgrade', 'off_a:off_b', '--sql'])
      assert.equal(up.code, 0, up.stderr)
      await runScript(db(), up.stdout)
      assert.deepEqual(await state(), identity)
      assert.deepEqual((await compareWithDatabase(api('./schemas/off_b.ts'))).changes, [])
      assert.equal(await insert('late'), 2)

      const down = runner.project.strata(['downgrade', 'off_b:off_a', '--sql'])
      assert.equal(down.code, 0, down.stderr)
      await runScript(db(), down.stdout)
      assert.deepEqual(await state(), serial)
      assert.deepEqual((await compareWithDatabase(api('./schemas/off_a.ts'), { allowBehind: true })).changes, [])
      assert.equal(await insert('early'), 3)
      assert.deepEqual(await rows(db(), 'SELECT name FROM shift ORDER BY id'), [{ name: 'day' }, { name: 'late' }, { name: 'early' }])
      await downgrade(api('./schemas/off_a.ts'), 'base')
    } finally {
      await runner.reset()
    }
  })
})
