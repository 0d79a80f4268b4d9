/**
 * Issue 11, the package as npm installs it from its tarball (a copy, not a link to the repository, so that only the
 * drivers the project installed can be found): `require('strata-db')` in a CommonJS project, and a project with
 * only `pg` installed, where PostgreSQL works and a SQLite URL names the driver to install.
 */
import assert from 'node:assert/strict'
import { execFile, execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { promisify } from 'node:util'
import pg from 'pg'
import { describeDialect } from '../support/databases.js'
import { REPO, type CliResult, UserProject } from '../support/project.js'

const run = promisify(execFile)
const packDir = mkdtempSync(join(tmpdir(), 'strata-pack-'))
let tarball: Promise<string> | undefined

/** `npm pack` once per file, without the prepack build (the test run has built dist already). */
function packed(): Promise<string> {
  tarball ??= run('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', packDir], { cwd: REPO }).then(({ stdout }) =>
    join(packDir, stdout.trim().split('\n').pop()!),
  )
  return tarball
}

async function installed(label: string, type: 'module' | 'commonjs', extra: string[]): Promise<UserProject> {
  const dir = mkdtempSync(join(tmpdir(), `strata-e2e-${label}-`))
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `app-${label}`, private: true, type }, null, 2))
  await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', '--prefer-offline', await packed(), ...extra], { cwd: dir })
  return new UserProject(dir)
}

/** Exit 1 with exactly one line on stderr. */
function oneLineFailure(result: CliResult): string {
  assert.equal(result.code, 1, result.stderr + result.stdout)
  const lines = result.stderr.trim().split('\n')
  assert.equal(lines.length, 1, result.stderr)
  return lines[0]!
}

after(() => rmSync(packDir, { recursive: true, force: true }))

describe('a CommonJS project (npm init -y)', () => {
  let project: UserProject
  before(async () => {
    project = await installed('commonjs', 'commonjs', [])
  })
  after(() => project?.remove())

  it('require() gives the API and the internals, and no driver was installed', () => {
    const script = `const s = require('strata-db'); const i = require('strata-db/internals')
console.log([typeof s.upgrade, typeof s.heads, typeof s.table, typeof s.checkSchema, typeof i.Operations].join(' '))`
    const stdout = execFileSync(process.execPath, ['-e', script], { cwd: project.dir, encoding: 'utf8' })
    assert.equal(stdout.trim(), 'function function function function function')
    for (const driver of ['better-sqlite3', 'pg', 'mysql2']) assert.equal(existsSync(project.path(`node_modules/${driver}`)), false, driver)
  })

  it('strata --version prints the package version', () => {
    const result = project.strata(['--version'])
    assert.equal(result.code, 0, result.stderr)
    assert.equal(result.stdout.trim(), '0.1.0')
  })

  it('init names the driver for its URL; a command that connects without it says what to install', () => {
    const init = project.strata(['init'])
    assert.equal(init.code, 0, init.stderr)
    assert.match(init.stdout, /^Install the database driver for this URL: npm install better-sqlite3$/m)
    project.write('src/db/schema.ts', 'export {}\n')
    const line = oneLineFailure(project.strata(['upgrade', 'head']))
    assert.equal(line, `error: the SQLite driver 'better-sqlite3' is not installed: run 'npm install better-sqlite3'`)
    assert.equal(existsSync(project.path('data')), false, 'nothing created')
    // Writing a revision and an offline script need no driver.
    const revision = project.strata(['revision', '-m', 'first'])
    assert.equal(revision.code, 0, revision.stderr)
    const script = project.strata(['upgrade', 'head', '--sql'])
    assert.equal(script.code, 0, script.stderr)
    assert.match(script.stdout, /CREATE TABLE "strata_version"/)
  })
})

describeDialect('postgres', 'a project with only pg installed', ({ db }) => {
  let project: UserProject
  before(async () => {
    project = await installed('pg-only', 'module', ['pg'])
  })
  after(() => project?.remove())

  it('init asks for no driver install when pg is there', () => {
    const init = project.strata(['init', '--url', db().url])
    assert.equal(init.code, 0, init.stderr)
    assert.doesNotMatch(init.stdout, /Install the database driver/)
    assert.equal(existsSync(project.path('node_modules/better-sqlite3')), false)
  })

  it('the story works on PostgreSQL: autogenerate, upgrade, check clean, data written', async () => {
    project.write(
      'src/db/schema.ts',
      `import { table, integer, varchar } from 'strata-db'\n\nexport const notes = table('notes', {\n  id: integer().primaryKey(),\n  body: varchar({ length: 40 }).notNull(),\n})\n`,
    )
    const revision = project.strata(['revision', '--autogenerate', '-m', 'notes'])
    assert.equal(revision.code, 0, revision.stderr)
    assert.match(revision.stdout, /Detected added table 'notes'/)
    const upgrade = project.strata(['upgrade', 'head'])
    assert.equal(upgrade.code, 0, upgrade.stderr)
    const check = project.strata(['check'])
    assert.equal(check.code, 0, check.stdout + check.stderr)
    const client = new pg.Client({ connectionString: db().url })
    await client.connect()
    try {
      await client.query(`INSERT INTO notes (id, body) VALUES (1, 'hello')`)
      assert.deepEqual((await client.query('SELECT id, body FROM notes')).rows, [{ id: 1, body: 'hello' }])
    } finally {
      await client.end()
    }
  })

  it('a SQLite URL gives the driver-missing line', () => {
    const line = oneLineFailure(project.strata(['upgrade', 'head'], { DATABASE_URL: 'sqlite:///./app.sqlite' }))
    assert.equal(line, `error: the SQLite driver 'better-sqlite3' is not installed: run 'npm install better-sqlite3'`)
  })
}, { needsServer: 'the pg driver itself' })
