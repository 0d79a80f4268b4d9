// Issue 16 targets that need no peer tool: start-up and the read commands on 10,000 revisions, each measured in
// interleaved rounds of whole processes (on a shared machine only ratios within one run compare). CPU comes from
// `perf stat` where it runs, else /usr/bin/time (lib.mjs `timed`; steadier than wall under load). Peers
// (drizzle-kit, knex, Alembic) are compared when installed; otherwise one line says how to install them for the bench.
import { spawnSync } from 'node:child_process'
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { BIN, REPO, machine, makeProject, median, revisionFile, timed } from './lib.mjs'
import { measureStartup } from './startup-measure.mjs'

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
  for (const line of measureStartup(startup.dir, Math.max(ROUNDS, 15))) console.log(line)
} finally {
  startup.remove()
}

// Read commands, warm (the header index holds every file), at N and N/10 revisions: the target is ≤ 150 ms wall on
// a quiet machine at N, and no growth beyond reading headers (the work above bare Node is printed for both sizes).
const READ_TARGET = 0.15
const readCommands = [['heads'], ['current'], ['history'], ['upgrade', 'head']]

/** A stamped chain of `count` revisions, its header index written. */
async function readsProject(count) {
  const project = makeProject(`targets-reads-${count}`)
  const id = (i) => i.toString(16).padStart(12, '0')
  for (let i = 1; i <= count; i++)
    writeFileSync(join(project.dir, 'migrations', 'versions', `${id(i)}_step.ts`), revisionFile(id(i), i > 1 ? id(i - 1) : null, `  await op.createTable('t_${i}', { id: integer().primaryKey() })`, `  await op.dropTable('t_${i}')`))
  // Files younger than 2 s are not put in the header index; warm means the index holds them all.
  await sleep(2100)
  if (timed([node, BIN, 'stamp', 'head'], project.dir).status !== 0) throw new Error('stamp failed')
  return project
}

const large = await readsProject(N)
const small = await readsProject(Math.max(1, Math.round(N / 10)))
try {
  const bare = { argv: [node, '-e', '0'], cwd: large.dir }
  // The reference for "no growth beyond reading headers": a process that reads every file's header (read-headers.mjs).
  const headers = (project) => ({ argv: [node, join(REPO, 'bench', 'read-headers.mjs'), join(project.dir, 'migrations', 'versions')], cwd: project.dir })
  const results = interleaved([
    bare,
    headers(large),
    headers(small),
    ...readCommands.map((args) => strata(args, large.dir)),
    ...readCommands.map((args) => strata(args, small.dir)),
  ])
  const [node0, headersLarge, headersSmall] = results
  const cpu = (r) => r.cpu ?? r.wall
  const above = (r) => cpu(r) - cpu(node0)
  // Growth from N/10 to N revisions, in µs of CPU per added revision.
  const perRevision = (large, small) => ((cpu(large) - cpu(small)) / (N - N / 10)) * 1e6
  const headersGrowth = perRevision(headersLarge, headersSmall)
  console.log(`reading every header (bench/read-headers.mjs): ${ms(headersSmall.cpu)} CPU at ${N / 10}, ${ms(headersLarge.cpu)} at ${N}: grows ${headersGrowth.toFixed(1)} µs per revision`)
  readCommands.forEach((args, k) => {
    const r = results[3 + k]
    const s = results[3 + readCommands.length + k]
    const growthRatio = above(s) > 0 ? `${(above(r) / above(s)).toFixed(1)}×` : '-'
    const growth = perRevision(r, s)
    console.log(
      `${N} revisions, warm: strata ${args.join(' ').padEnd(12)} ${ms(r.wall)} wall / ${ms(r.cpu)} CPU = ${(r.wall / READ_TARGET).toFixed(2)}× the 150 ms target (${verdict(r.wall <= READ_TARGET)}: the target is for a quiet machine); work above node -e 0 at ${N / 10} → ${N}: ${growthRatio}`,
    )
    console.log(
      `  growth ${growth.toFixed(1)} µs per revision against ${headersGrowth.toFixed(1)} for reading the headers = ${(growth / headersGrowth).toFixed(2)}× (target ≤ 1×, no growth beyond reading headers: ${verdict(growth <= headersGrowth)})`,
    )
  })
} finally {
  large.remove()
  small.remove()
}

// Peers live in bench/peers (own package.json, gitignored node_modules): never in the project's devDependencies,
// so `npm ci` stays as fast as it is. BENCH_INSTALL_PEERS=1 installs them first.
const peersDir = join(REPO, 'bench', 'peers')
if (process.env.BENCH_INSTALL_PEERS === '1' && !existsSync(join(peersDir, 'node_modules'))) {
  const r = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--prefix', peersDir], { stdio: 'inherit' })
  if (r.status !== 0) console.log('bench/peers: npm install failed; the peers are skipped')
}
// Not every peer exports its package.json (require.resolve would miss drizzle-kit): look for the folder.
const installed = (name) => existsSync(join(peersDir, 'node_modules', name, 'package.json'))
// Where each peer is compared: this script only says which are at hand.
const peerLines = {
  'drizzle-kit': 'drizzle-kit: installed in bench/peers (compared in upgrade-chain)',
  knex: 'knex: installed in bench/peers (compared in upgrade-chain)',
}
for (const peer of ['drizzle-kit', 'knex'])
  console.log(installed(peer) ? peerLines[peer] : `${peer}: skipped, not installed (BENCH_INSTALL_PEERS=1 npm run bench, or npm install --prefix bench/peers)`)
console.log(
  spawnSync('/usr/bin/python3', ['-c', 'import alembic']).status === 0
    ? 'Alembic: installed (compared in check-alembic)'
    : 'Alembic: skipped, not installed (Debian: apt-get install -y python3-alembic python3-psycopg2 python3-pymysql)',
)
