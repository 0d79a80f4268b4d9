/**
 * `init --from-database` with a URL that holds a password adopts the database and, as plain `init` does, keeps
 * the password out of strata.config.ts (which reads DATABASE_URL) and out of everything it prints.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { after, before, it } from 'node:test'
import { linkedProject } from '../support/autogen-cycle.js'
import { describeDialect } from '../support/databases.js'
import type { UserProject } from '../support/project.js'
import { runScript } from '../support/sql-script.js'

const PASSWORD = 'adopt-s3cret'

// The test server trusts local connections, so any password is accepted: what is checked is where it goes.
describeDialect('postgres', 'init --from-database with a password in the URL', ({ db }) => {
  let project: UserProject
  let url = ''

  before(async () => {
    await runScript(db(), 'CREATE TABLE note (id integer PRIMARY KEY, body text NOT NULL)')
    const parsed = new URL(db().url)
    parsed.password = PASSWORD
    url = parsed.toString()
    project = linkedProject('adopt-password')
  })
  after(() => project?.remove())

  it('adopts the database; the config reads DATABASE_URL and no output holds the password', () => {
    const result = project.strata(['init', '--from-database', '--url', url, '--rev-id', 'base1'])
    assert.equal(result.code, 0, result.stdout + result.stderr)
    assert.match(result.stdout, /reads it from DATABASE_URL/)
    assert.ok(!(result.stdout + result.stderr).includes(PASSWORD), 'the password is printed')
    const config = readFileSync(project.path('strata.config.ts'), 'utf8')
    assert.match(config, /url: process\.env\.DATABASE_URL,/)
    assert.ok(!config.includes(PASSWORD), 'the password is in the config')
    assert.match(readFileSync(project.path('src/db/schema.ts'), 'utf8'), /note/)
    const current = project.strata(['current'], { DATABASE_URL: url })
    assert.equal(current.code, 0, current.stderr)
    assert.match(current.stdout, /^base1 \(head\)$/m)
  })
})
