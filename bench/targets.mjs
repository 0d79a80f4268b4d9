// Issue 16 targets that need no peer tool: start-up and the read commands on 10,000 revisions, each measured in
// interleaved rounds of whole processes (on a shared machine only ratios within one run compare). CPU is user + sys
// from /usr/bin/time (steadier than wall under load). Peers (drizzle-kit, knex, Alembic) are compared when
// installed; otherwise one line says how to install them for the bench.
import { spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { BIN, REPO, machine, makeProject, median, revisionFile, timed } from './lib.mjs'

const ROUNDS = Number(process.env.BENCH_RUNS ?? 7)
const N = Number(process.env.BENCH_REVISIONS ?? 10000)

/** Interleaved rounds of several commands; medians of wall and CPU seconds per command. */
function interleaved(commands) {
  const runs = commands.map(() => [])
  for (let round = 0; round < ROUNDS; round++)
    commands.forEach(({ argv, cwd }, k) => {
      const result = timed(argv, cwd)
      if (result.status !== 0) throw new Error(`${argv.join(' ')} failed: ${result.stderr}`)
      runs[k].push(result)
    })
  return runs.map((list) => ({ wall: median(list.map((r) => r.wall)), cpu: list[0].cpu === null ? null : median(list.map((r) => r.cpu)) }))
}

const ms = (s) => (s === null ? '-' : `${(s * 1000).toFixed(0)} ms`)
const verdict = (ok) => (ok ? 'meets' : 'misses')
const node = process.execPath
const strata = (args, cwd) => ({ argv: [node, BIN, ...args], cwd })

console.log(`issue 16 targets — median of ${ROUNDS} interleaved rounds — ${machine()}`)
console.log('(a shared machine: compare the ratios, not the absolute times)')

const startup = makeProject('targets-startup')
try {
  const [bare, help, current] = interleaved([{ argv: [node, '-e', '0'], cwd: startup.dir }, strata(['--help'], startup.dir), strata(['current'], startup.dir)])
  const ratio = (help.cpu ?? help.wall) / (bare.cpu ?? bare.wall)
  console.log(`start-up: node -e 0 ${ms(bare.wall)} wall / ${ms(bare.cpu)} CPU; strata --help ${ms(help.wall)} / ${ms(help.cpu)} = ${ratio.toFixed(2)}× node (target ≤ 1.1×: ${verdict(ratio <= 1.1)})`)
  console.log(`          strata current, untouched SQLite: ${ms(current.wall)} wall / ${ms(current.cpu)} CPU (target ≤ 100 ms on a quiet machine; ${(((current.cpu ?? current.wall) / (bare.cpu ?? bare.wall))).toFixed(2)}× node -e 0)`)
} finally {
  startup.remove()
}

const project = makeProject('targets-reads')
try {
  const id = (i) => i.toString(16).padStart(12, '0')
  for (let i = 1; i <= N; i++)
    writeFileSync(join(project.dir, 'migrations', 'versions', `${id(i)}_step.ts`), revisionFile(id(i), i > 1 ? id(i - 1) : null, `  await op.createTable('t_${i}', { id: integer().primaryKey() })`, `  await op.dropTable('t_${i}')`))
  // Files younger than 2 s are not put in the header index; warm means the index holds them all.
  await sleep(2100)
  if (timed([node, BIN, 'stamp', 'head'], project.dir).status !== 0) throw new Error('stamp failed')
  const commands = [['heads'], ['current'], ['history'], ['upgrade', 'head']]
  const results = interleaved(commands.map((args) => strata(args, project.dir)))
  commands.forEach((args, k) => {
    const r = results[k]
    console.log(`${N} revisions, warm: strata ${args.join(' ').padEnd(12)} ${ms(r.wall)} wall / ${ms(r.cpu)} CPU (target ≤ 150 ms on a quiet machine)`)
  })
} finally {
  project.remove()
}

// Peers live in bench/peers (own package.json, gitignored node_modules): never in the project's devDependencies,
// so `npm ci` stays as fast as it is. BENCH_INSTALL_PEERS=1 installs them first.
const peersDir = join(REPO, 'bench', 'peers')
if (process.env.BENCH_INSTALL_PEERS === '1' && !existsSync(join(peersDir, 'node_modules'))) {
  const r = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--prefix', peersDir], { stdio: 'inherit' })
  if (r.status !== 0) console.log('bench/peers: npm install failed; the peers are skipped')
}
const require = createRequire(join(peersDir, 'package.json'))
const installed = (name) => {
  try {
    require.resolve(`${name}/package.json`)
    return true
  } catch {
    return false
  }
}
// The peers' figures in docs/benchmarks.md were measured by hand; this script only says what is at hand.
for (const peer of ['drizzle-kit', 'knex'])
  console.log(installed(peer) ? `${peer}: installed in bench/peers (no automated comparison yet)` : `${peer}: skipped, not installed (BENCH_INSTALL_PEERS=1 npm run bench, or npm install --prefix bench/peers)`)
console.log(
  spawnSync('alembic', ['--version']).error
    ? 'Alembic: skipped, not installed (Debian: apt-get install -y python3-alembic python3-psycopg2 python3-pymysql)'
    : 'Alembic: installed (no automated comparison yet)',
)
