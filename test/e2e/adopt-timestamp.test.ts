/**
 * The README tutorial's `packages` table, made by the app before strata (a native TIMESTAMP on MySQL/MariaDB):
 * a schema declaring `timestamp({ mysqlType: 'timestamp' })` detects only the real changes, the migration runs,
 * and the database then compares clean. The same schema file works unchanged on PostgreSQL and SQLite.
 */
import assert from 'node:assert/strict'
import { after, before, it } from 'node:test'
import { checkSchema, resolveConfig, revision, upgrade } from '../../src/index.js'
import { offlineScript } from '../../src/internals.js'
import { loadRevisionGraph } from '../../src/revisions/index.js'
import { loadDialect } from '../../src/runtime/dialects.js'
import { linkedProject } from '../support/autogen-cycle.js'
import { describeEachDialect } from '../support/databases.js'
import { rawQuery } from '../support/inspect.js'
import type { UserProject } from '../support/project.js'
import { runScript } from '../support/sql-script.js'

const APP_MADE = `CREATE TABLE packages (
  id varchar(100) NOT NULL PRIMARY KEY,
  summary text,
  created_date TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
INSERT INTO packages (id, summary) VALUES ('strata', 'migrations');`

const SCHEMA = `import { table, integer, varchar, text, timestamp, sql } from 'strata-db'

export const packages = table('packages', {
  id: varchar({ length: 100 }).primaryKey(),
  summary: text(),
  createdDate: timestamp('created_date', { mysqlType: 'timestamp' }).notNull().default(sql\`CURRENT_TIMESTAMP\`),
  lastUpdated: timestamp('last_updated'),
})

export const auditing = table('auditing', {
  id: integer().primaryKey().autoincrement(),
  createdDate: timestamp('created_date', { mysqlType: 'timestamp' }).notNull().default(sql\`CURRENT_TIMESTAMP\`),
  description: text(),
})
`

describeEachDialect('adopting the tutorial table made by the app (native MySQL TIMESTAMP)', ({ dialect, db }) => {
  let project: UserProject
  before(async () => {
    project = linkedProject(`timestamp-${dialect}`)
    project.write('schema.ts', SCHEMA)
    project.write('migrations/versions/.keep', '')
    await runScript(db(), APP_MADE)
  })
  after(() => project?.remove())
  const config = () => resolveConfig({ url: db().url, schema: './schema.ts' }, project.path('strata.config.ts'))

  it('autogenerate detects only the added column and table; upgrade applies them; check is then clean', async () => {
    const result = await revision(config(), { message: 'tutorial', autogenerate: true, revId: 'a1' })
    assert.deepEqual(result.changes.map((c) => c.message), ["added table 'auditing'", "added column 'packages.last_updated'"])
    await upgrade(config(), 'head')
    assert.deepEqual(await checkSchema(config()), [])
    const rows = await rawQuery<{ id: string }>(db(), 'SELECT id FROM packages')
    assert.deepEqual(rows.map((r) => r.id), ['strata'])
  })

  it("offline: 'upgrade head --sql' compiles the tutorial revision though packages predates strata", async () => {
    const resolved = config()
    const script = await offlineScript(resolved, await loadDialect(dialect), loadRevisionGraph(resolved.versionsDir), 'up', 'head')
    assert.match(script, /ALTER TABLE [`"]?packages[`"]? ADD (COLUMN )?[`"]?last_updated/i)
    assert.match(script, /CREATE TABLE [`"]?auditing/i)
  })

  it('offline: an operation that needs the shape of a pre-existing table says to make a baseline (SQLite rebuild, MySQL MODIFY)', async () => {
    project.write(
      'migrations/versions/b2_alter.ts',
      `import type { Migration } from 'strata-db'
import { text } from 'strata-db'
export const revision = 'b2'
export const downRevision = 'a1'
export const branchLabels = null
export const dependsOn = null
export async function upgrade({ op }: Migration) {
  await op.alterColumn('packages', 'summary', { nullable: false, existingType: text() })
}
export async function downgrade({ op }: Migration) {
  await op.alterColumn('packages', 'summary', { nullable: true, existingType: text() })
}
`,
    )
    const resolved = config()
    const building = offlineScript(resolved, await loadDialect(dialect), loadRevisionGraph(resolved.versionsDir), 'up', 'a1:b2')
    // PostgreSQL alters nullability alone; SQLite rebuilds the table and MySQL restates the column: both need its shape.
    if (dialect === 'postgres') assert.match(await building, /SET NOT NULL/i)
    else await assert.rejects(building, /needs the shape of table 'packages', which existed before the first revision \(.+\): make a baseline/)
  })

  if (dialect === 'mysql')
    it('strata itself creates a TIMESTAMP column for it, and DATETIME for a plain timestamp()', async () => {
      const types = await rawQuery<{ COLUMN_NAME: string; TABLE_NAME: string; DATA_TYPE: string }>(
        db(),
        `SELECT TABLE_NAME, COLUMN_NAME, DATA_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND COLUMN_NAME IN ('created_date', 'last_updated') ORDER BY TABLE_NAME, COLUMN_NAME`,
      )
      assert.deepEqual(
        types.map((t) => `${t.TABLE_NAME}.${t.COLUMN_NAME} ${t.DATA_TYPE}`),
        ['auditing.created_date timestamp', 'packages.created_date timestamp', 'packages.last_updated datetime'],
      )
    })
})
