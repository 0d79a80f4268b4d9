/**
 * Taking over from another migration tool with `strata init --from-database`: an Alembic-managed database (its
 * tables made by the migrations' SQL, plus the alembic_version row) keeps its version table and the baseline's id
 * is the Alembic head; a drizzle-kit-managed one (its __drizzle_migrations table as drizzle-kit writes it) gets
 * a baseline that records drizzle's last migration in strata_history, and drizzle's table stays out of compare.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { after, before, it } from 'node:test'
import { linkedProject } from '../support/autogen-cycle.js'
import { type TestDialect, describeEachDialect } from '../support/databases.js'
import { rawQuery } from '../support/inspect.js'
import type { UserProject } from '../support/project.js'
import { runScript } from '../support/sql-script.js'

const APP = `CREATE TABLE account (id integer NOT NULL PRIMARY KEY, email varchar(200) NOT NULL, name varchar(100));
CREATE TABLE invoice (id integer NOT NULL PRIMARY KEY, account_id integer NOT NULL REFERENCES account (id), total numeric(10,2) NOT NULL DEFAULT 0);
INSERT INTO account (id, email) VALUES (1, 'a@example.com');`

// drizzle-kit's own DDL for its journal (drizzle-orm migrators), per dialect.
const DRIZZLE: Record<TestDialect, string> = {
  postgres: `CREATE SCHEMA IF NOT EXISTS drizzle;
CREATE TABLE IF NOT EXISTS drizzle.__drizzle_migrations (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at bigint);
INSERT INTO drizzle.__drizzle_migrations (hash, created_at) VALUES ('5f2a0c', 1700000000000), ('9be41d', 1700000100000);`,
  mysql: `CREATE TABLE IF NOT EXISTS __drizzle_migrations (id serial primary key, hash text not null, created_at bigint);
INSERT INTO __drizzle_migrations (hash, created_at) VALUES ('5f2a0c', 1700000000000), ('9be41d', 1700000100000);`,
  sqlite: `CREATE TABLE IF NOT EXISTS "__drizzle_migrations" (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at numeric);
INSERT INTO "__drizzle_migrations" (hash, created_at) VALUES ('5f2a0c', 1700000000000), ('9be41d', 1700000100000);`,
}

// Alembic's version table as Alembic creates it.
const ALEMBIC = `CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num));
INSERT INTO alembic_version (version_num) VALUES ('1975ea83b712');`

function adopt(project: UserProject, url: string) {
  const result = project.strata(['init', '--from-database', '--url', url])
  assert.equal(result.code, 0, result.stdout + result.stderr)
  return result
}

describeEachDialect('takeover from Alembic', ({ db }) => {
  let project: UserProject
  before(async () => {
    await runScript(db(), `${APP}\n${ALEMBIC}`)
    project = linkedProject('takeover-alembic')
  })
  after(() => project?.remove())

  it("keeps alembic_version as the version table; the baseline's id is the Alembic head", async () => {
    const result = adopt(project, db().url)
    assert.match(result.stdout, /Took over from alembic \(last applied: 1975ea83b712\)/)
    assert.match(readFileSync(project.path('strata.config.ts'), 'utf8'), /versionTable: 'alembic_version'/)
    assert.match(readFileSync(project.path('migrations/versions/1975ea83b712_baseline.ts'), 'utf8'), /export const revision = '1975ea83b712'/)
    assert.match(project.strata(['current']).stdout, /^1975ea83b712 \(head\)$/m)
    assert.equal(project.strata(['check']).code, 0)
    assert.doesNotMatch(readFileSync(project.path('src/db/schema.ts'), 'utf8'), /alembic_version/)
    const history = await rawQuery<{ message: string }>(db(), 'SELECT message FROM strata_history')
    assert.deepEqual(history.map((h) => h.message), ['baseline: takes over from alembic (last applied: 1975ea83b712)'])
  })

  it('the next revision moves the alembic_version row, as Alembic would', async () => {
    const schema = project.path('src/db/schema.ts')
    project.write('src/db/schema.ts', readFileSync(schema, 'utf8').replace(/(table\(\s*'account',\s*\{\n)/, '$1    nickname: text(),\n').replace(/^import \{/m, 'import { text,'))
    const revision = project.strata(['revision', '--autogenerate', '-m', 'nickname', '--rev-id', '2b3c4d5e6f70'])
    assert.equal(revision.code, 0, revision.stderr)
    assert.equal(project.strata(['upgrade', 'head']).code, 0)
    const rows = await rawQuery<{ version_num: string }>(db(), 'SELECT version_num FROM alembic_version')
    assert.deepEqual(rows.map((r) => r.version_num), ['2b3c4d5e6f70'])
    assert.deepEqual((await rawQuery<{ email: string }>(db(), 'SELECT email FROM account')).map((r) => r.email), ['a@example.com'])
  })
})

describeEachDialect('takeover from drizzle-kit', ({ dialect, db }) => {
  let project: UserProject
  before(async () => {
    await runScript(db(), `${APP}\n${DRIZZLE[dialect]}`)
    project = linkedProject('takeover-drizzle')
  })
  after(() => project?.remove())

  it("records drizzle's last migration in strata_history; its table stays out of the schema and of compare", async () => {
    const result = adopt(project, db().url)
    assert.match(result.stdout, /Took over from drizzle-kit \(last applied: 9be41d\)/)
    assert.doesNotMatch(readFileSync(project.path('src/db/schema.ts'), 'utf8'), /__drizzle_migrations/)
    assert.equal(project.strata(['check']).code, 0)
    const history = await rawQuery<{ message: string; revision: string }>(db(), 'SELECT revision, message FROM strata_history')
    assert.equal(history.length, 1)
    assert.equal(history[0]!.message, 'baseline: takes over from drizzle-kit (last applied: 9be41d)')
    const versions = await rawQuery<{ version_num: string }>(db(), 'SELECT version_num FROM strata_version')
    assert.deepEqual(versions.map((v) => v.version_num), [history[0]!.revision])
  })
})
