// Builds what bench/upgrade-chain.mjs times at one size: a strata project with an N-revision chain (one table per
// revision), the exact DDL strata runs (from its own `--sql` script) for the raw process, and a drizzle-kit
// migration folder with the same DDL (one journal entry and one `NNNN_step.sql` per revision).
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { REPO, makeProject, revisionFile, runCli } from './lib.mjs'

const id = (i) => i.toString(16).padStart(12, '0')

/** The raw reference as a whole process: better-sqlite3 (strata's own copy) runs the statements in one transaction. */
const RAW_SCRIPT = `import Database from ${JSON.stringify(join(REPO, 'node_modules', 'better-sqlite3', 'lib', 'index.js'))}
import { readFileSync } from 'node:fs'
const [ddlFile, dbFile] = process.argv.slice(2)
const statements = JSON.parse(readFileSync(ddlFile, 'utf8'))
const db = new Database(dbFile)
db.exec('BEGIN')
for (const s of statements) db.exec(s)
db.exec('COMMIT')
db.close()
`

export function chainProject(size) {
  const project = makeProject(`chain${size}`)
  const versions = join(project.dir, 'migrations', 'versions')
  for (let i = 1; i <= size; i++) {
    const create = `  await op.createTable('t_${i}', { id: integer().primaryKey(), name: varchar({ length: 50 }), created: timestamp() })`
    writeFileSync(join(versions, `${id(i)}_step.ts`), revisionFile(id(i), i > 1 ? id(i - 1) : null, create, `  await op.dropTable('t_${i}')`))
  }
  const script = runCli(project.dir, ['upgrade', 'head', '--sql'])
  if (script.status !== 0) throw new Error(script.stderr)
  const ddl = script.stdout
    .split(';\n')
    .map((s) => s.replace(/^\s*--.*$/gm, '').trim())
    .filter((s) => /^CREATE TABLE "t_/.test(s))
  if (ddl.length !== size) throw new Error(`expected ${size} CREATE TABLE statements, got ${ddl.length}`)
  writeFileSync(join(project.dir, 'ddl.json'), JSON.stringify(ddl))
  writeFileSync(join(project.dir, 'raw.mjs'), RAW_SCRIPT)
  writeDrizzleFolder(project.dir, ddl)
  writeKnexFolder(project.dir, ddl)
  return { ...project, ddl }
}

/** drizzle-kit's migrator reads `meta/_journal.json` and one `<tag>.sql` per entry, applying entries in one transaction. */
function writeDrizzleFolder(dir, ddl) {
  const out = join(dir, 'drizzle')
  mkdirSync(join(out, 'meta'), { recursive: true })
  const entries = ddl.map((statement, i) => {
    const tag = `${String(i).padStart(4, '0')}_step`
    writeFileSync(join(out, `${tag}.sql`), `${statement};\n`)
    return { idx: i, version: '6', when: 1_700_000_000_000 + i, tag, breakpoints: true }
  })
  writeFileSync(join(out, 'meta', '_journal.json'), JSON.stringify({ version: '7', dialect: 'sqlite', entries }, null, 2))
  writeFileSync(join(dir, 'drizzle.config.json'), JSON.stringify({ dialect: 'sqlite', out: './drizzle', dbCredentials: { url: './drizzle.sqlite' } }))
}

/**
 * knex's migrator on the same DDL: one migration file per revision (`knex.raw` of the statement) and a script that
 * runs `migrate.latest()` through the API (its CLI would only add its own start-up). knex runs a batch in one
 * transaction, like strata's default.
 */
function writeKnexFolder(dir, ddl) {
  const out = join(dir, 'knex-migrations')
  mkdirSync(out, { recursive: true })
  ddl.forEach((statement, i) => {
    writeFileSync(join(out, `${String(i).padStart(5, '0')}_step.cjs`), `exports.up = (knex) => knex.raw(${JSON.stringify(statement)})\nexports.down = () => {}\n`)
  })
  const knexPath = join(REPO, 'bench', 'peers', 'node_modules', 'knex')
  writeFileSync(
    join(dir, 'knex-run.cjs'),
    `const knex = require(${JSON.stringify(knexPath)})({ client: 'better-sqlite3', connection: { filename: './knex.sqlite' }, useNullAsDefault: true, migrations: { directory: './knex-migrations', loadExtensions: ['.cjs'] } })
knex.migrate.latest().then(() => knex.destroy(), (error) => { console.error(error); process.exitCode = 1; return knex.destroy() })
`,
  )
}
