/**
 * Mutation matrix, renames of tables and columns: declared in the schema (`renamedFrom`), given on the command
 * line (`--rename pets=animals --rename packages.summary=description`), confirmed at a terminal (a pseudo-terminal
 * through util-linux `script`), and never guessed: without a hint, or when stdin is not a terminal, it is a
 * destructive drop + add. Renamed tables keep their rows and renamed columns their values, after upgrade and after
 * downgrade.
 */
import assert from 'node:assert/strict'
import { readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, it } from 'node:test'
import { upgrade } from '../../src/index.js'
import { CycleRunner, canUseTerminal, rows, strataInTerminal } from '../support/autogen-cycle.js'
import { describeEachDialect } from '../support/databases.js'
import { rawQuery } from '../support/inspect.js'

const SCHEMA_A = `import { table, integer, text, varchar } from 'strata-db'

export const pets = table('pets', { id: integer().primaryKey(), name: varchar({ length: 50 }).notNull() })
export const packages = table('packages', { id: integer().primaryKey(), summary: text(), size: integer() })
`

/** B, with or without the renames declared in the schema. */
const schemaB = (declared: boolean) => `import { table, integer, text, varchar } from 'strata-db'

export const animals = table('animals', { id: integer().primaryKey(), name: varchar({ length: 50 }).notNull() }${declared ? ", { renamedFrom: 'pets' }" : ''})
export const packages = table('packages', { id: integer().primaryKey(), description: text()${declared ? ".renamedFrom('summary')" : ''}, size: integer() })
`

const SEED = ["INSERT INTO pets (id, name) VALUES (1, 'Rex'), (2, 'Tom')", "INSERT INTO packages (id, summary, size) VALUES (1, 'first', 10), (2, 'second', 20)"]
const RENAMED = ["renamed table 'pets' to 'animals'", "renamed column 'packages.summary' to 'description'"]
const DROP_ADD = ["added table 'animals'", "removed table 'pets'", "added column 'packages.description'", "removed column 'packages.summary'"]
const DROP_WARNINGS = ["drops table 'pets' (data loss)", "drops column 'packages.summary' (data loss)"]
/** A rename keeps the data but breaks the running application's queries: marked too (rename-table, rename-column). */
const RENAME_WARNINGS = [
  "renames column 'packages.summary' to 'description' (the running application's queries fail until it is redeployed)",
  "renames table 'pets' to 'animals' (the running application's queries fail until it is redeployed)",
]

describeEachDialect('autogenerate matrix: renames', ({ dialect, db }) => {
  let runner: CycleRunner
  before(() => {
    runner = new CycleRunner(dialect, db(), 'ag-renames')
  })
  after(() => runner?.remove())

  const keptAtB = async () => {
    assert.deepEqual(await rows(db(), 'SELECT id, name FROM animals ORDER BY id'), [{ id: '1', name: 'Rex' }, { id: '2', name: 'Tom' }])
    assert.deepEqual(await rows(db(), 'SELECT id, description, size FROM packages ORDER BY id'), [
      { id: '1', description: 'first', size: '10' },
      { id: '2', description: 'second', size: '20' },
    ])
  }
  const keptAtA = async () => {
    assert.deepEqual(await rows(db(), 'SELECT id, name FROM pets ORDER BY id'), [{ id: '1', name: 'Rex' }, { id: '2', name: 'Tom' }])
    assert.deepEqual(await rows(db(), 'SELECT id, summary FROM packages ORDER BY id'), [{ id: '1', summary: 'first' }, { id: '2', summary: 'second' }])
  }

  it('renames declared in the schema (renamedFrom) keep rows and values both ways', async () => {
    await runner.run({ name: 'declared', a: SCHEMA_A, b: schemaB(true), seed: SEED, detected: RENAMED, warnings: RENAME_WARNINGS, atB: keptAtB, atA: keptAtA })
  })

  it('renames given with --rename keep rows and values both ways', async () => {
    await runner.run({
      name: 'flags',
      a: SCHEMA_A,
      b: schemaB(false),
      renames: ['pets=animals', 'packages.summary=description'],
      seed: SEED,
      detected: RENAMED,
      warnings: RENAME_WARNINGS,
      file: (source) => {
        assert.match(source, /await op\.renameTable\('pets', 'animals'\)/)
        assert.match(source, /await op\.renameColumn\('packages', 'summary', 'description'\)/)
        assert.doesNotMatch(source, /dropColumn|dropTable/)
      },
      atB: keptAtB,
      atA: keptAtA,
    })
  })

  it('renames the constraints and indexes named after a renamed table or column instead of re-creating them', async () => {
    const schema = (b: boolean) => `import { table, integer, varchar, index, unique, check, sql } from 'strata-db'

export const ${b ? 'members' : 'users'} = table('${b ? 'members' : 'users'}', { id: integer().primaryKey(), email: varchar({ length: 80 }).unique() }${b ? ", { renamedFrom: 'users' }" : ''})
export const posts = table(
  'posts',
  {
    id: integer().primaryKey(),
    ${b ? "memberId: integer('member_id').renamedFrom('user_id')" : "userId: integer('user_id')"}.notNull().references(() => ${b ? 'members' : 'users'}.id),
    slug: varchar({ length: 40 }).notNull(),
  },
  (t) => [unique().on(t.${b ? 'memberId' : 'userId'}, t.slug), index().on(t.${b ? 'memberId' : 'userId'}), check('ck_posts_${b ? 'member_id' : 'user_id'}', sql\`${b ? 'member_id' : 'user_id'} > 0\`)],
)
`
    const result = await runner.run({
      name: 'renamed_names',
      a: schema(false),
      b: schema(true),
      seed: ["INSERT INTO users (id, email) VALUES (1, 'a@x')", "INSERT INTO posts (id, user_id, slug) VALUES (1, 1, 'hello')"],
      detected: [
        "renamed table 'users' to 'members'",
        "renamed column 'posts.user_id' to 'member_id'",
        "renamed unique constraint 'uq_users_email' on 'members' to 'uq_members_email'",
        "renamed unique constraint 'uq_posts_user_id_slug' on 'posts' to 'uq_posts_member_id_slug'",
        "renamed index 'ix_posts_user_id' on 'posts' to 'ix_posts_member_id'",
        "renamed foreign key 'fk_posts_user_id_users' on 'posts' to 'fk_posts_member_id_members'",
        "renamed check constraint 'ck_posts_user_id' on 'posts' to 'ck_posts_member_id'",
      ],
      warnings: ["renames table 'users' to 'members' (the running application's queries fail until it is redeployed)", "renames column 'posts.user_id' to 'member_id' (the running application's queries fail until it is redeployed)"],
      file: () => {
        const script = runner.project.strata(['upgrade', 'renamed_names_a:renamed_names_b', '--sql'], { STRATA_TEST_SCHEMA: './schemas/renamed_names_b.ts' })
        assert.equal(script.code, 0, script.stderr)
        const statements = script.stdout.split(';\n').filter((s) => /^\s*(ALTER|CREATE|DROP|RENAME)/m.test(s))
        const dropped = statements.filter((s) => /DROP (INDEX|CONSTRAINT|FOREIGN KEY|CHECK)|ADD (CONSTRAINT|UNIQUE)|CREATE (UNIQUE )?INDEX/.test(s))
        // What each database cannot rename in place: SQLite indexes (re-created) and constraints (one rebuild of the
        // table, with the new names); MySQL foreign keys and checks (dropped and added under the new name).
        const allowed = dialect === 'sqlite' ? /INDEX "ix_posts_member_id"|INDEX "ix_posts_user_id"|_strata_new_/ : dialect === 'mysql' ? /FOREIGN KEY|CHECK/ : /$^/
        assert.deepEqual(dropped.filter((s) => !allowed.test(s)), [], `no drop and re-create:\n${statements.join(';\n')}`)
        if (dialect === 'postgres') assert.equal(statements.filter((s) => /RENAME CONSTRAINT|ALTER INDEX .* RENAME TO/.test(s)).length, 5)
        if (dialect === 'mysql') assert.equal(statements.filter((s) => /RENAME INDEX/.test(s)).length, 3)
      },
      atB: async () => {
        assert.deepEqual(await rows(db(), 'SELECT m.email, p.slug FROM posts p JOIN members m ON m.id = p.member_id'), [{ email: 'a@x', slug: 'hello' }])
        await assert.rejects(rawQuery(db(), "INSERT INTO posts (id, member_id, slug) VALUES (2, 1, 'hello')"), 'the unique is kept')
        await assert.rejects(rawQuery(db(), "INSERT INTO posts (id, member_id, slug) VALUES (3, 42, 'x')"), 'the foreign key is kept')
      },
      atA: async () => assert.deepEqual(await rows(db(), 'SELECT u.email, p.slug FROM posts p JOIN users u ON u.id = p.user_id'), [{ email: 'a@x', slug: 'hello' }]),
    })
    assert.ok(!result.kinds.some((k) => /^(add|drop|create)/.test(k)), result.kinds.join(', '))
  })

  it('a column renamed only in case is a rename', async () => {
    const schema = (column: string) => `import { table, integer, varchar } from 'strata-db'\n\nexport const people = table('people', { id: integer().primaryKey(), ${column}: varchar({ length: 20 }) })\n`
    await runner.run({
      name: 'case_only',
      a: schema('name'),
      b: schema('Name'),
      seed: ["INSERT INTO people (id, name) VALUES (1, 'Ann')"],
      detected: ["renamed column 'people.name' to 'Name'"],
      warnings: ["renames column 'people.name' to 'Name' (the running application's queries fail until it is redeployed)"],
      atB: async () => assert.deepEqual(await rows(db(), 'SELECT id, "Name" AS v FROM people'.replace('"Name"', dialect === 'mysql' ? '`Name`' : '"Name"')), [{ id: '1', v: 'Ann' }]),
      atA: async () => assert.deepEqual(await rows(db(), 'SELECT id, name FROM people'), [{ id: '1', name: 'Ann' }]),
    })
  })

  it('without a hint a rename is a drop + add, flagged as data loss', async () => {
    await runner.run({
      name: 'unhinted',
      a: SCHEMA_A,
      b: schemaB(false),
      seed: SEED,
      detected: DROP_ADD,
      warnings: DROP_WARNINGS,
      file: (source) => assert.match(source, /\/\/ ! drops column 'packages\.summary' \(data loss\) \[drop-column\]\n(?:\s+\/\/ lock: .*\n)*\s+await op\.dropColumn\('packages', 'summary'\)/),
      atB: async () => {
        assert.deepEqual(await rows(db(), 'SELECT id, description FROM packages ORDER BY id'), [
          { id: '1', description: null },
          { id: '2', description: null },
        ])
        assert.deepEqual(await rows(db(), 'SELECT id FROM animals'), [])
      },
    })
  })

  it('asks at a terminal (stdin a TTY), and never when stdin is not one', async (t) => {
    if (!canUseTerminal()) return t.skip('util-linux script is not available: no pseudo-terminal')
    const config = runner.writeConfig()
    runner.project.write('schemas/tty_a.ts', SCHEMA_A)
    runner.project.write('schemas/tty_b.ts', schemaB(false))
    try {
      runner.autogenerate('./schemas/tty_a.ts', 'tty_a')
      await upgrade(runner.configFor('./schemas/tty_a.ts'), 'head')
      for (const statement of SEED) await rawQuery(db(), statement)

      // Not a terminal: no question, even with answers waiting on stdin.
      const piped = runner.project.strata(['revision', '--autogenerate', '-m', 'piped', '--rev-id', 'piped'], { STRATA_TEST_SCHEMA: './schemas/tty_b.ts' }, 'y\ny\n')
      assert.equal(piped.code, 0, piped.stderr)
      assert.doesNotMatch(piped.stdout + piped.stderr, /renamed to/)
      assert.deepEqual(detectedLines(piped.stdout).sort(), DROP_ADD.map((m) => `Detected ${m}`).sort())
      keepRevision(runner, 'piped')
      removeRevision(runner, 'piped')

      // A terminal: one question per candidate pair; 'y' to both.
      const asked = strataInTerminal(runner.project, ['revision', '--autogenerate', '-m', 'asked', '--rev-id', 'asked'], { STRATA_TEST_SCHEMA: './schemas/tty_b.ts' }, 'y\ny\n')
      assert.equal(asked.code, 0, asked.stdout)
      assert.match(asked.stdout, /Was table 'pets' renamed to 'animals'\?/)
      assert.match(asked.stdout, /Was column 'packages\.summary' renamed to 'description'\?/)
      assert.deepEqual(detectedLines(asked.stdout).sort(), RENAMED.map((m) => `Detected ${m}`).sort())
      keepRevision(runner, 'asked')
      await upgrade(runner.configFor('./schemas/tty_b.ts'), 'head')
      await keptAtB()
      assert.deepEqual(await runner.differences('./schemas/tty_b.ts'), [])
    } finally {
      await runner.reset(config)
    }
  })
})

function detectedLines(stdout: string): string[] {
  return stdout.split('\n').filter((line) => line.startsWith('Detected'))
}

function removeRevision(runner: CycleRunner, id: string): void {
  const versions = runner.project.path('migrations/versions')
  for (const file of readdirSync(versions)) if (file.startsWith(`${id}_`)) rmSync(join(versions, file))
}

/** Keeps a copy of a revision written outside `runner.autogenerate`, for the runner's type check. */
function keepRevision(runner: CycleRunner, id: string): void {
  const versions = runner.project.path('migrations/versions')
  for (const file of readdirSync(versions)) if (file.startsWith(`${id}_`)) runner.generated.keep(join(versions, file))
}
