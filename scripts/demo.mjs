#!/usr/bin/env node
// The everyday strata story on SQLite, in a temporary project: every command and its output.
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'

const repo = join(dirname(fileURLToPath(import.meta.url)), '..')
const dir = mkdtempSync(join(tmpdir(), 'strata-demo-'))
const bold = (s) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s)
const dim = (s) => (process.stdout.isTTY ? `\x1b[2m${s}\x1b[0m` : s)

function say(text) {
  console.log(`\n${dim('#')} ${dim(text)}`)
}
function strata(...args) {
  console.log(bold(`$ npx strata ${args.map((a) => (/\s/.test(a) ? `"${a}"` : a)).join(' ')}`))
  const r = spawnSync(join(dir, 'node_modules', '.bin', 'strata'), args, { cwd: dir, encoding: 'utf8' })
  process.stdout.write(r.stdout)
  process.stdout.write(r.stderr)
  if (r.status !== 0 && !args.includes('check')) {
    console.error(`demo failed: strata ${args.join(' ')} exited ${r.status}`)
    process.exit(1)
  }
  return r
}
function write(path, content) {
  mkdirSync(dirname(join(dir, path)), { recursive: true })
  writeFileSync(join(dir, path), content)
  console.log(bold(`$ edit ${path}`))
  console.log(dim(content.trimEnd().split('\n').map((l) => `  ${l}`).join('\n')))
}

try {
  say(`a new project in ${dir}; install strata-db`)
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'pypi-demo', private: true, type: 'module' }))
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', repo], { cwd: dir, stdio: 'inherit' })

  say('1. strata init writes strata.config.ts and migrations/')
  strata('init')

  say("2. point url at the database (relative to the config file's folder)")
  const config = readFileSync(join(dir, 'strata.config.ts'), 'utf8').replace('./data/app.sqlite', './data/pypi.sqlite')
  write('strata.config.ts', config)

  say('3. current on an untouched database prints nothing and creates nothing')
  strata('current')
  strata('current', '-v')

  say('the app already has a packages table')
  mkdirSync(join(dir, 'data'), { recursive: true })
  new Database(join(dir, 'data/pypi.sqlite'))
    .exec(`CREATE TABLE packages (id VARCHAR(100) NOT NULL PRIMARY KEY, summary TEXT, created_date TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL)`)
    .close()

  say('4. the schema adds packages.last_updated and a new table auditing')
  write(
    'src/db/schema.ts',
    `import { table, integer, varchar, text, timestamp, sql } from 'strata-db'

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
`,
  )

  say('5. autogenerate a revision (the database is not touched)')
  strata('revision', '--autogenerate', '-m', 'add last updated on package')
  const file = readdirSync(join(dir, 'migrations/versions')).find((f) => f.endsWith('.ts'))
  console.log(bold(`$ cat migrations/versions/${file}`))
  console.log(readFileSync(join(dir, 'migrations/versions', file), 'utf8'))

  say('6. apply it')
  strata('upgrade', 'head')
  strata('current')
  strata('upgrade', 'head')

  say('7. undo it, and redo it')
  strata('downgrade', '-1')
  strata('current')
  strata('upgrade', 'head')
  strata('history', '--applied')

  say('8. check: schema and database agree')
  strata('check')

  say('9. history, heads')
  strata('history')
  strata('heads')

  // The folder is named only when it is still there to look at.
  say(process.env.STRATA_DEMO_KEEP ? `done: the project is kept in ${dir}` : 'done (the temporary project is removed; STRATA_DEMO_KEEP=1 keeps it)')
} finally {
  if (!process.env.STRATA_DEMO_KEEP) rmSync(dir, { recursive: true, force: true })
}
