/**
 * The everyday story, as a new user does it: init, point the URL, current on an untouched database, edit the
 * schema, autogenerate, upgrade, downgrade, check, history. Drives the installed `strata` binary and checks the
 * database itself.
 */
import assert from 'node:assert/strict'
import Database from 'better-sqlite3'
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { after, before, it } from 'node:test'
import { describeEachDialect } from '../support/databases.js'
import { columnNames, rawQuery, tableNames, versionRows } from '../support/inspect.js'
import { type UserProject, createUserProject } from '../support/project.js'
import { assertGeneratedTypeCheck } from '../support/typecheck-generated.js'

const SCHEMA_V1 = `import { table, varchar, text, timestamp, sql } from 'strata-db'

export const packages = table('packages', {
  id: varchar({ length: 100 }).primaryKey(),
  summary: text(),
  createdDate: timestamp('created_date').notNull().default(sql\`CURRENT_TIMESTAMP\`),
})
`

const SCHEMA_V2 = `import { table, integer, varchar, text, timestamp, sql } from 'strata-db'

export const packages = table('packages', {
  id: varchar({ length: 100 }).primaryKey(),
  summary: text(),
  createdDate: timestamp('created_date').notNull().default(sql\`CURRENT_TIMESTAMP\`),
  lastUpdated: timestamp('last_updated'),
})

export const auditing = table('auditing', {
  id: integer().primaryKey().autoincrement(),
  createdDate: timestamp('created_date').notNull().default(sql\`CURRENT_TIMESTAMP\`),
  description: text(),
})
`

/** The table the app already has, created the way the app created it (before strata). */
const EXISTING_TABLE: Record<string, string> = {
  sqlite: `CREATE TABLE packages (id VARCHAR(100) NOT NULL PRIMARY KEY, summary TEXT, created_date TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL)`,
  postgres: `CREATE TABLE packages (id VARCHAR(100) NOT NULL, summary TEXT, created_date TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL, CONSTRAINT pk_packages PRIMARY KEY (id))`,
  mysql: `CREATE TABLE packages (id VARCHAR(100) NOT NULL, summary TEXT, created_date DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL, PRIMARY KEY (id))`,
}

describeEachDialect('the everyday story', ({ dialect, db }) => {
  let project: UserProject
  let rev = ''
  let revFile = ''

  before(async () => {
    project = await createUserProject(`story-${dialect}`)
  })
  after(() => project?.remove())

  it('init writes the config and migrations/, and refuses to overwrite them', () => {
    const first = project.strata(['init'])
    assert.equal(first.code, 0, first.stderr)
    // better-sqlite3 resolves from strata-db here: no install line.
    assert.doesNotMatch(first.stdout, /Install the database driver/)
    assert.ok(existsSync(project.path('strata.config.ts')))
    assert.ok(existsSync(project.path('migrations/versions')))
    assert.ok(existsSync(project.path('migrations/README.md')))
    const again = project.strata(['init'])
    assert.equal(again.code, 1)
    assert.match(again.stderr, /already exists/)
    assert.equal(again.stderr.trim().split('\n').length, 1, 'one line')
  })

  it('current on an untouched database prints nothing and creates nothing', async () => {
    const url = dialect === 'sqlite' ? 'sqlite:///./data/pypi.sqlite' : db().url
    const config = readFileSync(project.path('strata.config.ts'), 'utf8').replace(/'sqlite:\/\/\/\.\/data\/app\.sqlite'/, `'${url}'`)
    assert.notEqual(config, readFileSync(project.path('strata.config.ts'), 'utf8'), 'the template names a url to replace')
    writeFileSync(project.path('strata.config.ts'), config)
    const result = project.strata(['current'])
    assert.equal(result.code, 0, result.stderr)
    assert.equal(result.stdout, '')
    if (dialect === 'sqlite') {
      assert.equal(existsSync(project.path('data/pypi.sqlite')), false, 'no database file created')
      assert.equal(existsSync(project.path('data')), false, 'no data folder created')
    } else {
      assert.equal(await versionRows(db()), null, 'no version table')
    }
    const verbose = project.strata(['current', '-v'])
    assert.equal(verbose.code, 0)
    assert.match(verbose.stdout, dialect === 'sqlite' ? /sqlite:\/\/\/\.\/data\/pypi\.sqlite/ : /127\.0\.0\.1/)
    assert.match(verbose.stdout, /no version/)
  })

  it('the app has a packages table; the schema adds a column and a table: the database is behind', async () => {
    if (dialect === 'sqlite') {
      // The app creates its database file and folder.
      project.write('data/.keep', '')
      db().file = project.path('data/pypi.sqlite')
      new Database(db().file!).exec(EXISTING_TABLE.sqlite!).close()
    } else {
      await rawQuery(db(), EXISTING_TABLE[dialect]!)
    }
    project.write('src/db/schema.ts', SCHEMA_V2)
    await assert.rejects(rawQuery(db(), 'SELECT last_updated FROM packages'))
  })

  it('revision --autogenerate detects exactly the two changes and writes a readable, type-checked file', async () => {
    const result = project.strata(['revision', '--autogenerate', '-m', 'add last updated on package'])
    assert.equal(result.code, 0, result.stderr)
    const detected = result.stdout.split('\n').filter((l) => l.startsWith('Detected'))
    assert.deepEqual(detected.sort(), ["Detected added column 'packages.last_updated'", "Detected added table 'auditing'"])
    const files = readdirSync(project.path('migrations/versions')).filter((f) => f.endsWith('.ts'))
    assert.equal(files.length, 1)
    const match = /^([0-9a-f]{12})_add_last_updated_on_package\.ts$/.exec(files[0]!)
    assert.ok(match, files[0])
    rev = match[1]!
    revFile = `migrations/versions/${files[0]}`
    assert.ok(result.stdout.includes(revFile), 'prints the path')
    assert.deepEqual(await tableNames(db()), ['packages'], 'database unchanged')
    const source = readFileSync(project.path(revFile), 'utf8')
    const [up, down] = source.split('export async function downgrade')
    assert.ok(up!.indexOf("op.addColumn('packages'") >= 0 && up!.indexOf("op.createTable('auditing'") >= 0, source)
    assert.ok(down!.indexOf("op.dropTable('auditing'") >= 0 && down!.indexOf("op.dropColumn('packages', 'last_updated'") >= 0, source)
    // downgrade mirrors upgrade in reverse order
    const upOrder = up!.indexOf("op.addColumn('packages'") < up!.indexOf("op.createTable('auditing'")
    const downOrder = down!.indexOf("op.dropTable('auditing'") < down!.indexOf("op.dropColumn('packages'")
    assert.equal(upOrder, downOrder)
    assertGeneratedTypeCheck(project, [revFile, 'src/db/schema.ts', 'strata.config.ts'])
  })

  it('upgrade head applies it; the query works; current shows the head', async () => {
    const result = project.strata(['upgrade', 'head'])
    assert.equal(result.code, 0, result.stderr)
    assert.match(result.stdout, new RegExp(`Running upgrade  -> ${rev}, add last updated on package \\([0-9.]+ m?s\\)`))
    assert.ok((await columnNames(db(), 'packages')).includes('last_updated'))
    assert.deepEqual(await columnNames(db(), 'auditing'), ['id', 'created_date', 'description'])
    await rawQuery(db(), 'SELECT last_updated FROM packages')
    assert.deepEqual(await versionRows(db()), [rev])
    assert.equal(project.strata(['current']).stdout.trim(), `${rev} (head)`)
    const again = project.strata(['upgrade', 'head'])
    assert.equal(again.code, 0)
    assert.match(again.stdout, /nothing to upgrade/i)
  })

  it('check agrees, then finds a new schema edit (exit 1)', () => {
    const clean = project.strata(['check'])
    assert.equal(clean.code, 0, clean.stdout + clean.stderr)
    assert.match(clean.stdout, /No changes detected/)
    project.write('src/db/schema.ts', SCHEMA_V2.replace("description: text(),", "description: text(),\n  author: varchar({ length: 50 }),"))
    const dirty = project.strata(['check'])
    assert.equal(dirty.code, 1)
    assert.match(dirty.stdout, /Detected added column 'auditing.author'/)
    project.write('src/db/schema.ts', SCHEMA_V2)
  })

  it('downgrade -1 drops them again; base and head work repeatedly', async () => {
    const down = project.strata(['downgrade', '-1'])
    assert.equal(down.code, 0, down.stderr)
    assert.match(down.stdout, new RegExp(`Running downgrade ${rev} -> , add last updated on package`))
    assert.deepEqual(await tableNames(db()).then((t) => t.filter((n) => !n.startsWith('strata_'))), ['packages'])
    assert.ok(!(await columnNames(db(), 'packages')).includes('last_updated'))
    assert.equal(project.strata(['current']).stdout, '')
    assert.deepEqual(await versionRows(db()), [])
    for (let i = 0; i < 2; i++) {
      assert.equal(project.strata(['upgrade', 'head']).code, 0)
      assert.deepEqual(await versionRows(db()), [rev])
      assert.equal(project.strata(['downgrade', 'base']).code, 0)
      assert.deepEqual(await versionRows(db()), [])
    }
    assert.equal(project.strata(['upgrade', 'head']).code, 0)
  })

  it('history, heads, show and a blank revision', () => {
    const history = project.strata(['history'])
    assert.equal(history.code, 0, history.stderr)
    assert.equal(history.stdout.trim(), `<base> -> ${rev} (head), add last updated on package`)
    assert.equal(project.strata(['heads']).stdout.trim(), `${rev} (head)`)
    const show = project.strata(['show', rev.slice(0, 6)])
    assert.equal(show.code, 0, show.stderr)
    assert.match(show.stdout, new RegExp(`Rev: ${rev} \\(head\\)`))
    assert.match(show.stdout, /add last updated on package/)
    const blank = project.strata(['revision', '-m', 'empty'])
    assert.equal(blank.code, 0, blank.stderr)
    const file = readdirSync(project.path('migrations/versions')).find((f) => f.endsWith('_empty.ts'))!
    const source = readFileSync(project.path(`migrations/versions/${file}`), 'utf8')
    assert.match(source, new RegExp(`downRevision = '${rev}'`))
    assert.doesNotMatch(source, /await op\./)
    assertGeneratedTypeCheck(project, [`migrations/versions/${file}`])
    const newHistory = project.strata(['history']).stdout.trim().split('\n')
    assert.equal(newHistory.length, 2)
    assert.match(newHistory[0]!, new RegExp(`^${rev} -> [0-9a-f]{12} \\(head\\), empty$`))
  })

  it('errors are one clear line: unknown revision, missing config, broken schema file', () => {
    const unknown = project.strata(['upgrade', 'zzzz'])
    assert.equal(unknown.code, 1)
    assert.equal(unknown.stderr.trim().split('\n').length, 1, unknown.stderr)
    assert.match(unknown.stderr, /zzzz/)
    const missing = project.strata(['current', '--config', 'nope.config.ts'])
    assert.equal(missing.code, 1)
    assert.match(missing.stderr, /config file not found/)
    project.write('src/db/schema.ts', `throw new Error('boom in schema')\n`)
    const broken = project.strata(['check'])
    assert.equal(broken.code, 1)
    assert.match(broken.stderr, /schema\.ts.*boom in schema/)
    assert.doesNotMatch(broken.stderr, /\n\s+at /, 'no stack trace')
    project.write('src/db/schema.ts', SCHEMA_V2)
    const usage = project.strata(['upgrade', '--no-such-flag'])
    assert.equal(usage.code, 2)
  })
})
