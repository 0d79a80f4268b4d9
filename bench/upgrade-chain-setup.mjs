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
