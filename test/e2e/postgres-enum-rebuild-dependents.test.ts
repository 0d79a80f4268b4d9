/**
 * PostgreSQL: an enum rebuilt (a value removed: the downgrade of an added one) while a partial unique index's
 * predicate and a CHECK compare the column with a value. The server re-creates such an index or check with the
 * new column type but the old type's constants (`operator does not exist: st = st__strata_old`): the rebuild drops
 * them before the conversion and creates them again after it, online and in an offline script. A view reading
 * the column blocks the conversion: it is dropped and created again around the value's addition, so that the
 * downgrade (found by a tester on Pagila: `film_list` over `film.rating`) runs.
 */
import assert from 'node:assert/strict'
import { after, before, it } from 'node:test'
import { compareWithDatabase, downgrade, upgrade } from '../../src/index.js'
import { CycleRunner, rows } from '../support/autogen-cycle.js'
import { describeDialect } from '../support/databases.js'
import { rawQuery } from '../support/inspect.js'
import { runScript } from '../support/sql-script.js'

const schema = (values: string[]) => `import { table, integer, enumeration, uniqueIndex, check, sql } from 'strata-db'

export const st = enumeration('st', ${JSON.stringify(values)})
export const inv = table(
  'inv',
  { id: integer().primaryKey(), tenant: integer().notNull(), state: st().notNull().default('draft') },
  (c) => [uniqueIndex('inv_open_one').on(c.tenant).where(sql\`state = 'open'\`), check('inv_draft_tenant', sql\`state <> 'draft' OR tenant > 0\`)],
)
`
const A = schema(['draft', 'open'])
const B = schema(['draft', 'open', 'paid'])

describeDialect('postgres', 'PostgreSQL: enum rebuild with a partial index and a check on the column', ({ dialect, db }) => {
  let runner: CycleRunner
  before(() => {
    runner = new CycleRunner(dialect, db(), 'pg-enum-deps')
  })
  after(() => runner?.remove())

  /** The index and the check as the server has them, and the enum's values. */
  const state = async () => ({
    index: (await rows(db(), "SELECT indexdef FROM pg_indexes WHERE indexname = 'inv_open_one'")).map((r) => r.indexdef),
    check: (await rows(db(), "SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conname = 'inv_draft_tenant'")).map((r) => r.def),
    values: (await rows(db(), "SELECT string_agg(enumlabel, ',' ORDER BY enumsortorder) AS v FROM pg_enum WHERE enumtypid = 'st'::regtype"))[0]!.v,
    types: (await rows(db(), "SELECT typname FROM pg_type WHERE typname LIKE 'st%' AND typtype = 'e' ORDER BY 1")).map((r) => r.typname),
  })
  const atA = {
    index: ["CREATE UNIQUE INDEX inv_open_one ON public.inv USING btree (tenant) WHERE (state = 'open'::st)"],
    check: ["CHECK (((state <> 'draft'::st) OR (tenant > 0)))"],
    values: 'draft,open',
    types: ['st'],
  }
  const seed = ["INSERT INTO inv (id, tenant, state) VALUES (1, 1, 'open'), (2, 1, 'draft'), (3, 2, 'open')"]
  const keptRows = [{ id: '1', state: 'open' }, { id: '2', state: 'draft' }, { id: '3', state: 'open' }]

  it('adds a value, upgrades, and downgrades (the rebuild): index still partial, check kept, rows kept', async () => {
    await runner.run({
      name: 'enum_deps',
      a: A,
      b: B,
      seed,
      detected: ["added value 'paid' to enum 'st'"],
      warnings: null,
      atB: async () => assert.equal((await state()).values, 'draft,open,paid'),
      atA: async () => {
        assert.deepEqual(await state(), atA)
        assert.deepEqual(await rows(db(), 'SELECT id, state FROM inv ORDER BY id'), keptRows)
        // Still partial and unique: a second open row of a tenant is refused, a second draft one is not.
        await assert.rejects(rawQuery(db(), "INSERT INTO inv (id, tenant, state) VALUES (4, 1, 'open')"), /inv_open_one/)
        await rawQuery(db(), "INSERT INTO inv (id, tenant, state) VALUES (4, 1, 'draft')")
        await assert.rejects(rawQuery(db(), "INSERT INTO inv (id, tenant, state) VALUES (5, 0, 'draft')"), /inv_draft_tenant/)
      },
    })
  })

  it('a view reading the column: dropped and created again around the value added, so that the downgrade (a rebuild) runs', async () => {
    const withView = (source: string) => source.replace("import { table,", "import { view, table,") + "export const openInv = view('open_inv', sql`SELECT id, state FROM inv WHERE state <> 'draft'`)\n"
    await runner.run({
      name: 'enum_view',
      a: withView(A),
      b: withView(B),
      seed,
      detected: ["added value 'paid' to enum 'st'", "dropped view 'open_inv' to re-create it around changes to 'inv'", "re-created view 'open_inv' after changes to 'inv'"],
      warnings: null,
      atB: async () => assert.equal((await state()).values, 'draft,open,paid'),
      atA: async () => {
        assert.equal((await state()).values, 'draft,open')
        assert.deepEqual(await rows(db(), 'SELECT id, state FROM open_inv ORDER BY id'), [{ id: '1', state: 'open' }, { id: '3', state: 'open' }])
      },
    })
  })

  it('downgrades through an offline script on the database', async () => {
    runner.writeConfig()
    runner.project.write('./schemas/off_a.ts', A)
    runner.project.write('./schemas/off_b.ts', B)
    const api = (file: string) => runner.configFor(file)
    try {
      runner.autogenerate('./schemas/off_a.ts', 'off_a')
      await upgrade(api('./schemas/off_a.ts'), 'head')
      for (const statement of seed) await rawQuery(db(), statement)
      runner.autogenerate('./schemas/off_b.ts', 'off_b')
      await upgrade(api('./schemas/off_b.ts'), 'head')

      const down = runner.project.strata(['downgrade', 'off_b:off_a', '--sql'])
      assert.equal(down.code, 0, down.stderr)
      await runScript(db(), down.stdout)
      assert.deepEqual(await state(), atA)
      assert.deepEqual(await rows(db(), 'SELECT id, state FROM inv ORDER BY id'), keptRows)
      assert.deepEqual((await compareWithDatabase(api('./schemas/off_a.ts'), { allowBehind: true })).changes, [])
      await downgrade(api('./schemas/off_a.ts'), 'base')
    } finally {
      await runner.reset()
    }
  })
})
