/**
 * What the user sees of autogenerate, through the CLI of an installed strata-db: destructive operations marked in
 * the terminal and above the operation in the file, `--json` giving the same list, `include`/`exclude` and the
 * `includeObject` callback leaving other tables alone, strata's own tables never compared, no file when nothing
 * changed (unless `--allow-empty`), generated files that type-check, and the project's Prettier style applied.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdirSync, readFileSync, readdirSync, symlinkSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { after, before, describe, it } from 'node:test'
import { type TestDialect, createTestDatabase, describeEachDialect } from '../support/databases.js'
import { rawQuery, tableNames } from '../support/inspect.js'
import { installProject, subProject } from '../support/installed-project.js'
import { type CliResult, UserProject } from '../support/project.js'
import { assertGeneratedTypeCheck } from '../support/typecheck-generated.js'

let installed: UserProject | undefined
before(async () => {
  installed = await installProject('autogen-cli')
})
after(() => installed?.remove())

const SCHEMA_V1 = `import { table, integer, text, varchar } from 'strata-db'

export const packages = table('packages', {
  id: integer().primaryKey(),
  name: varchar({ length: 100 }).notNull(),
  summary: text(),
})
`

const SCHEMA_V2 = `import { table, integer, text, varchar, timestamp, uniqueIndex, sql } from 'strata-db'

export const packages = table('packages', {
  id: integer().primaryKey(),
  name: varchar({ length: 100 }).notNull(),
  lastUpdated: timestamp('last_updated').notNull().default(sql\`CURRENT_TIMESTAMP\`),
}, (t) => [uniqueIndex('ux_packages_name').on(t.name)])

export const releases = table('releases', {
  id: integer().primaryKey(),
  packageId: integer('package_id').notNull().references(() => packages.id, { onDelete: 'cascade' }),
  notes: text(),
})
`

/** Tables another tool owns, created behind strata's back. */
const FOREIGN_TABLES = [
  'CREATE TABLE legacy_orders (id INTEGER PRIMARY KEY, total INTEGER)',
  'CREATE TABLE legacy_customers (id INTEGER PRIMARY KEY)',
  'CREATE TABLE jobs_queue (id INTEGER PRIMARY KEY, payload TEXT)',
]

function lines(result: CliResult, prefix: string): string[] {
  return result.stdout.split('\n').filter((l) => l.startsWith(prefix))
}

function config(url: string, extra = ''): string {
  return `import { defineConfig } from 'strata-db'

export default defineConfig({
  url: '${url}',
  schema: './src/db/schema.ts',${extra}
})
`
}

describeEachDialect('autogenerate: what the user sees', ({ dialect, db }) => {
  let project: UserProject
  const revisionFiles = () => readdirSync(project.path('migrations/versions')).filter((f) => f.endsWith('.ts')).sort()

  before(() => {
    project = subProject(installed!, dialect)
    project.write('strata.config.ts', config(db().url))
    project.write('src/db/schema.ts', SCHEMA_V1)
    project.write('migrations/versions/.keep', '')
  })

  it('first revision: Detected lines; upgrade; then no changes means no file, unless --allow-empty', async () => {
    const first = project.strata(['revision', '--autogenerate', '-m', 'first', '--rev-id', 'first'])
    assert.equal(first.code, 0, first.stderr)
    assert.deepEqual(lines(first, 'Detected'), ["Detected added table 'packages'"])
    assert.match(first.stdout, /Generating migrations\/versions\/first_first\.ts \.\.\. done/)
    assert.equal(project.strata(['upgrade', 'head']).code, 0)

    const none = project.strata(['revision', '--autogenerate', '-m', 'nothing'])
    assert.equal(none.code, 0, none.stderr)
    assert.equal(none.stdout.trim(), 'No changes detected; no revision written (use --allow-empty to write one anyway)')
    assert.deepEqual(revisionFiles(), ['first_first.ts'])
    const noneJson = project.strata(['revision', '--autogenerate', '-m', 'nothing', '--json'])
    assert.deepEqual(JSON.parse(noneJson.stdout), { path: null, revision: null, changes: [] })
    assert.deepEqual(revisionFiles(), ['first_first.ts'])

    const empty = project.strata(['revision', '--autogenerate', '-m', 'empty anyway', '--allow-empty', '--rev-id', 'empty'])
    assert.equal(empty.code, 0, empty.stderr)
    assert.deepEqual(revisionFiles(), ['empty_empty_anyway.ts', 'first_first.ts'])
    const source = readFileSync(project.path('migrations/versions/empty_empty_anyway.ts'), 'utf8')
    assert.doesNotMatch(source, /await op\./)
    assert.equal(project.strata(['upgrade', 'head']).code, 0)
  })

  it("marks destructive operations in the terminal and in the file; --json lists the same; strata's tables are never compared; the files type-check", async () => {
    project.write('src/db/schema.ts', SCHEMA_V2)
    const json = project.strata(['check', '--json'])
    assert.equal(json.code, 1, 'check exits 1 on differences')
    const listed = (JSON.parse(json.stdout) as { changes: Array<{ kind: string; message: string; warning: string | null }> }).changes
    const byMessage = (a: { message: string }, b: { message: string }) => (a.message < b.message ? -1 : 1)
    assert.deepEqual([...listed].sort(byMessage), [
      { kind: 'addColumn', message: "added column 'packages.last_updated'", warning: null },
      { kind: 'createIndex', message: "added index 'ux_packages_name' on 'packages'", warning: "creates unique index 'ux_packages_name' on 'packages' (fails if existing rows hold duplicates)" },
      { kind: 'createTable', message: "added table 'releases'", warning: null },
      { kind: 'dropColumn', message: "removed column 'packages.summary'", warning: "drops column 'packages.summary' (data loss)" },
    ].map((c) => (dialect === 'mysql' && c.kind === 'createIndex'
      ? { kind: 'addUnique', message: "added unique constraint 'ux_packages_name' on 'packages'", warning: "adds unique constraint 'ux_packages_name' on 'packages' (fails if existing rows hold duplicates)" }
      : c)).sort(byMessage))
    assert.ok(!json.stdout.includes('strata_version') && !json.stdout.includes('strata_history'), "strata's own tables are not compared")

    const result = project.strata(['revision', '--autogenerate', '-m', 'second', '--rev-id', 'second'])
    assert.equal(result.code, 0, result.stderr)
    // The terminal: each change on a Detected line, its data marks on the next lines, with their lint rule ids.
    const rule = (warning: string) => (warning.startsWith('drops') ? 'drop-column' : 'add-unique-constraint-blocking')
    const expectedTerminal = listed.flatMap((c) => [`Detected ${c.message}`, ...(c.warning ? [`  ! ${c.warning} [${rule(c.warning)}]`] : [])])
    assert.deepEqual(result.stdout.split('\n').filter((l) => l.startsWith('Detected') || l.startsWith('  !')), expectedTerminal)
    // The file: the warning as a comment right above its operation.
    const file = 'migrations/versions/second_second.ts'
    const source = readFileSync(project.path(file), 'utf8')
    assert.match(source, /\n {2}\/\/ ! drops column 'packages\.summary' \(data loss\) \[drop-column\]\n {2}await op\.dropColumn\('packages', 'summary'\)\n/)
    const unique = listed.find((c) => c.warning?.includes('ux_packages_name'))!
    assert.ok(source.includes(`  // ! ${unique.warning} [add-unique-constraint-blocking]\n  await op.`), source)
    // The lock comment (with its CONCURRENTLY advice) only where a plain index build blocks writes.
    assert.equal(source.includes('[create-index-blocking]'), dialect === 'postgres', source)
    // The downgrade re-adds the column: not destructive, so no mark there; the dropped table is.
    const downgrade = source.slice(source.indexOf('export async function downgrade'))
    assert.match(downgrade, /\/\/ ! drops table 'releases' \(data loss\) \[drop-table\]\n {2}await op\.dropTable\('releases'\)/)
    // Every generated file type-checks (one tsc run for the three).
    assertGeneratedTypeCheck(project, ['migrations/versions/first_first.ts', 'migrations/versions/empty_empty_anyway.ts', file, 'src/db/schema.ts', 'strata.config.ts'])
    const up = project.strata(['upgrade', 'head'])
    assert.equal(up.code, 0, up.stderr)
    assert.equal(project.strata(['check']).code, 0)
  })

  it('include/exclude globs and the includeObject callback leave other tables and columns alone', async () => {
    for (const statement of FOREIGN_TABLES) await rawQuery(db(), statement)
    await rawQuery(db(), 'ALTER TABLE releases ADD COLUMN audit_note TEXT')
    const unfiltered = project.strata(['check', '--json'])
    const messages = (JSON.parse(unfiltered.stdout) as { changes: Array<{ message: string }> }).changes.map((c) => c.message).sort()
    assert.deepEqual(messages, [
      "removed column 'releases.audit_note'",
      "removed table 'jobs_queue'",
      "removed table 'legacy_customers'",
      "removed table 'legacy_orders'",
    ])

    project.write(
      'strata.config.ts',
      config(
        db().url,
        `
  exclude: ['legacy_*'],
  includeObject: (object) => !(object.reflected && object.type === 'table' && object.name === 'jobs_queue') && !(object.type === 'column' && object.name === 'audit_note'),`,
      ),
    )
    const filtered = project.strata(['check'])
    assert.equal(filtered.code, 0, filtered.stdout + filtered.stderr)
    assert.equal(filtered.stdout.trim(), 'No changes detected')

    // include: only the tables named (or matched) are compared at all.
    project.write('strata.config.ts', config(db().url, `\n  include: ['packages', 'rel*'],\n  includeObject: (object) => object.name !== 'audit_note',`))
    assert.equal(project.strata(['check']).stdout.trim(), 'No changes detected')
    project.write('src/db/schema.ts', `${SCHEMA_V2}\nexport const outside = table('outside', { id: integer().primaryKey() })\n`)
    assert.equal(project.strata(['check']).stdout.trim(), 'No changes detected', 'a schema table outside include is not created')
    project.write('src/db/schema.ts', SCHEMA_V2)
    assert.deepEqual(await tableNames(db()).then((t) => t.filter((n) => n.startsWith('legacy_') || n === 'jobs_queue')), ['jobs_queue', 'legacy_customers', 'legacy_orders'])
  })
})

describe('autogenerate: the project’s Prettier formats the generated file', () => {
  let project: UserProject
  let database: Awaited<ReturnType<typeof createTestDatabase>>
  const dialect: TestDialect = 'sqlite'

  before(async () => {
    database = await createTestDatabase(dialect, 'prettier')
    // A project of its own: prettier installed by npm, then strata-db linked the way `npm install <path>` links it.
    project = new UserProject(join(installed!.dir, 'prettier'))
    project.write('package.json', JSON.stringify({ name: 'app-prettier', private: true, type: 'module' }))
    await promisify(execFile)('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', 'prettier@3'], { cwd: project.dir })
    mkdirSync(project.path('node_modules/.bin'), { recursive: true })
    symlinkSync(join(installed!.dir, 'node_modules', 'strata-db'), project.path('node_modules/strata-db'))
    symlinkSync(join('..', 'strata-db', 'dist', 'cli', 'bin.js'), project.path('node_modules/.bin/strata'))
    project.write('.prettierrc', JSON.stringify({ semi: true, singleQuote: false, printWidth: 80 }))
    project.write('strata.config.ts', config(database.url))
    project.write('src/db/schema.ts', SCHEMA_V2)
  })
  after(async () => {
    await database?.drop()
  })

  it('follows .prettierrc (semicolons, double quotes, width 80)', () => {
    const result = project.strata(['revision', '--autogenerate', '-m', 'formatted', '--rev-id', 'formatted'])
    assert.equal(result.code, 0, result.stderr)
    const source = readFileSync(project.path('migrations/versions/formatted_formatted.ts'), 'utf8')
    assert.match(source, /export const revision = "formatted";\n/)
    assert.match(source, /await op\.createTable\(\n?\s*"packages",/)
    assert.ok(source.split('\n').every((line) => line.length <= 80 || /^\s*\/\/|^ \*/.test(line)), 'lines fit in 80 columns')
    assert.equal(project.strata(['upgrade', 'head']).code, 0)
    assert.equal(project.strata(['check']).code, 0)
    assertGeneratedTypeCheck(project, ['migrations/versions/formatted_formatted.ts'])
  })
})
