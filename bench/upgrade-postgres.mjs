// Issue 16 bench: `upgrade head` on PostgreSQL of 1,000- and 2,000-revision chains (one table per revision) against
// raw `psql -f` running the same DDL in one transaction, both whole processes, interleaved; each run gets a fresh
// database, created and dropped here. Then one 5,000-revision run on the server's settings, with its commit points.
// BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/test) names the server; BENCH_SIZES the chain
// sizes; BENCH_RUNS the rounds; BENCH_STRATA_BEFORE a folder with another build (package.json + dist/) to compare.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import pg from 'pg'
import { REPO, machine, makeProject, median, revisionFile } from './lib.mjs'

const SERVER = new URL(process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test')
const SIZES = (process.env.BENCH_SIZES ?? '1000,2000').split(',').map(Number)
const ROUNDS = Number(process.env.BENCH_RUNS ?? 7)
const LONG = Number(process.env.BENCH_LONG ?? 5000)
const TARGET = 1.3
const BEFORE = process.env.BENCH_STRATA_BEFORE
const id = (i) => i.toString(16).padStart(12, '0')
const dbUrl = (name) => Object.assign(new URL(SERVER.href), { pathname: `/${name}` }).href

async function admin(sql) {
  const client = new pg.Client({ connectionString: SERVER.href })
  await client.connect()
  try {
    await client.query(sql)
  } finally {
    await client.end()
  }
}
const freshDb = async (name) => {
  await admin(`DROP DATABASE IF EXISTS ${name}`)
  await admin(`CREATE DATABASE ${name}`)
}

/** A project with an n-revision chain whose config names database `db`, linked to the strata build in `repo`. */
function chainProject(n, db, repo = REPO) {
  const project = makeProject(`pg-${n}`, { url: dbUrl(db) })
  if (repo !== REPO) {
    const link = join(project.dir, 'node_modules', 'strata-db')
    spawnSync('rm', [link])
    symlinkSync(repo, link)
  }
  for (let i = 1; i <= n; i++)
    writeFileSync(
      join(project.dir, 'migrations', 'versions', `${id(i)}_step.ts`),
      revisionFile(id(i), i > 1 ? id(i - 1) : null, `  await op.createTable('t_${i}', { id: integer().primaryKey(), name: varchar({ length: 50 }), created: timestamp() })`, `  await op.dropTable('t_${i}')`),
    )
  return { ...project, bin: join(repo, 'dist', 'cli', 'bin.js') }
}

/** A whole process under /usr/bin/time: wall and CPU (user + sys) seconds; `failed`: its first error line. */
function timed(argv, cwd, { mayFail = false } = {}) {
  const started = performance.now()
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S', ...argv], { cwd, encoding: 'utf8', maxBuffer: 1 << 28 })
  const wall = (performance.now() - started) / 1000
  const lines = (r.stderr ?? '').trimEnd().split('\n')
  const [user, sys] = lines.pop().split(' ').map(Number)
  if (r.status !== 0 && !mayFail) throw new Error(`${argv.join(' ')} failed: ${lines.join('\n')}`)
  const failed = r.status === 0 ? undefined : (lines.find((line) => /ERROR/.test(line)) ?? lines[0] ?? `exit ${r.status}`)
  return { wall, cpu: user + sys, stdout: r.stdout, failed }
}

const psqlArgs = (db, file) => ['psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '--single-transaction', '-h', SERVER.hostname, '-p', SERVER.port || '5432', '-U', decodeURIComponent(SERVER.username || 'postgres'), '-d', db, '-f', file]

/** The CREATE TABLE statements of strata's own offline script, as one file for psql. */
function ddlFile(project, n) {
  const script = spawnSync(process.execPath, [project.bin, 'upgrade', 'head', '--sql'], { cwd: project.dir, encoding: 'utf8', maxBuffer: 1 << 28 })
  if (script.status !== 0) throw new Error(script.stderr)
  const ddl = script.stdout.split(';\n').map((s) => s.replace(/^\s*--.*$/gm, '').trim()).filter((s) => /^CREATE TABLE "t_/.test(s))
  if (ddl.length !== n) throw new Error(`expected ${n} CREATE TABLE statements, got ${ddl.length}`)
  const file = join(project.dir, 'raw.sql')
  writeFileSync(file, ddl.map((s) => `${s};\n`).join(''))
  return file
}

/**
 * The same statements with a COMMIT after each revision strata commits after (its lock-budget commits), so the
 * limit strata is compared with also has strata's transaction sizes.
 */
function splitFile(file, commitAfter) {
  const statements = readFileSync(file, 'utf8').split(';\n').filter((sql) => sql.trim() !== '')
  const out = ['BEGIN;']
  statements.forEach((sql, k) => {
    out.push(`${sql};`)
    if (commitAfter.has(id(k + 1))) out.push('COMMIT;', 'BEGIN;')
  })
  out.push('COMMIT;')
  const split = file.replace(/\.sql$/, '-split.sql')
  writeFileSync(split, `${out.join('\n')}\n`)
  return split
}

/** The revisions a run committed after (its `Committing after <rev>:` lines). */
const commitPoints = (stdout) => new Set([...stdout.matchAll(/^Committing after (\S+):/gm)].map((m) => m[1]))

/** A folder that a project can link as strata-db: another build's dist/ with this repository's dependencies. */
function beforeRepo() {
  if (!BEFORE) return null
  if (!existsSync(join(BEFORE, 'dist', 'cli', 'bin.js'))) throw new Error(`BENCH_STRATA_BEFORE: no dist/cli/bin.js in ${BEFORE}`)
  if (!existsSync(join(BEFORE, 'node_modules'))) symlinkSync(join(REPO, 'node_modules'), join(BEFORE, 'node_modules'))
  if (!existsSync(join(BEFORE, 'package.json'))) spawnSync('cp', [join(REPO, 'package.json'), join(BEFORE, 'package.json')])
  return BEFORE
}

const fmt = (r) => `${r.wall.toFixed(3)} s wall / ${r.cpu.toFixed(2)} s CPU`
const medians = (list) => ({ wall: median(list.map((r) => r.wall)), cpu: median(list.map((r) => r.cpu)) })

console.log(`upgrade head on PostgreSQL vs psql -f (one transaction), median of ${ROUNDS} interleaved rounds — ${machine()}`)
console.log('(whole processes, each in a fresh database; psql\'s CPU is tiny, so the wall ratio is the target)')
const before = beforeRepo()
for (const n of SIZES) {
  const db = `strata_bench_pg_${process.pid}`
  const contenders = [['strata', chainProject(n, db)]]
  if (before) contenders.push(['strata (before)', chainProject(n, db, before)])
  try {
    const file = ddlFile(contenders[0][1], n)
    for (const [, project] of contenders) ddlFile(project, n) // fills each build's compiled-revision cache (warm runs)
    // One untimed run: where strata commits on this server (psql split the same way is the second reference).
    await freshDb(db)
    const points = commitPoints(timed([process.execPath, contenders[0][1].bin, 'upgrade', 'head'], contenders[0][1].dir).stdout)
    const split = splitFile(file, points)
    const runs = { psql: [], split: [], ...Object.fromEntries(contenders.map(([name]) => [name, []])) }
    for (let round = 0; round < ROUNDS; round++) {
      await freshDb(db)
      // One transaction for all of it may outgrow the lock table (shared with every other session on the server).
      runs.psql.push(timed(psqlArgs(db, file), contenders[0][1].dir, { mayFail: true }))
      await freshDb(db)
      runs.split.push(timed(psqlArgs(db, split).filter((a) => a !== '--single-transaction'), contenders[0][1].dir))
      for (const [name, project] of contenders) {
        await freshDb(db)
        runs[name].push(timed([process.execPath, project.bin, 'upgrade', 'head'], project.dir))
      }
    }
    const failures = runs.psql.filter((r) => r.failed)
    const rawSplit = medians(runs.split)
    // psql's failed runs stopped early: the single-transaction reference is the successful runs only.
    const raw = failures.length < runs.psql.length ? medians(runs.psql.filter((r) => !r.failed)) : null
    if (raw) console.log(`  ${n} revisions: psql -f --single-transaction ${fmt(raw)}`)
    if (failures.length > 0) console.log(`  ${n} revisions: psql -f --single-transaction failed in ${failures.length} of ${runs.psql.length} runs: ${failures[0].failed}`)
    console.log(`  ${n} revisions: psql -f, committing where strata does (${points.size} commit(s) on the way) ${fmt(rawSplit)}`)
    for (const [name] of contenders) {
      const m = medians(runs[name])
      const reference = raw ?? rawSplit
      const ratio = m.wall / reference.wall
      const against = raw ? 'psql wall' : 'psql wall committing where strata does (one transaction failed)'
      console.log(`  ${n} revisions: ${name} upgrade head ${fmt(m)} = ${ratio.toFixed(2)}× ${against} (target ≤ ${TARGET}×: ${ratio <= TARGET ? 'meets' : 'misses'})${raw ? `; ${(m.wall / rawSplit.wall).toFixed(2)}× psql committing where strata does` : ''}`)
    }
  } finally {
    await admin(`DROP DATABASE IF EXISTS ${db}`).catch(() => undefined)
    for (const [, project] of contenders) project.remove()
  }
}

if (LONG > 0) {
  const db = `strata_bench_pg_long_${process.pid}`
  const project = chainProject(LONG, db)
  try {
    await freshDb(db)
    const run = timed([process.execPath, project.bin, 'upgrade', 'head'], project.dir)
    const commits = run.stdout.split('\n').filter((line) => line.startsWith('Committing after'))
    const client = new pg.Client({ connectionString: dbUrl(db) })
    await client.connect()
    const head = (await client.query('SELECT version_num FROM strata_version')).rows.map((r) => r.version_num)
    const done = (await client.query("SELECT count(*)::int AS n FROM strata_history WHERE status = 'done'")).rows[0].n
    const locks = (await client.query("SELECT current_setting('max_locks_per_transaction') AS m")).rows[0].m
    await client.end()
    const ok = head.length === 1 && head[0] === id(LONG) && done === LONG
    console.log(`  ${LONG} revisions, max_locks_per_transaction = ${locks}: upgrade head ${fmt(run)}, ${commits.length + 1} transactions (target: reaches head: ${ok ? 'meets' : 'misses'})`)
    for (const line of commits) console.log(`    ${line}`)
  } finally {
    await admin(`DROP DATABASE IF EXISTS ${db}`)
    project.remove()
  }
}
