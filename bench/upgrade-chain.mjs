// Issue 2 / issue 16 bench: `upgrade head` of an N-revision chain on SQLite (each revision creates one small table),
// at BENCH_SIZES (default 500,1000,5000). Four whole processes run interleaved, BENCH_RUNS rounds (default 7):
// raw (node + better-sqlite3 running strata's exact DDL in one transaction: the physical limit), strata warm (the
// compiled-revision cache and header index hold every file), strata cold (node_modules/.cache deleted first, as on
// a fresh checkout or CI) and drizzle-kit `migrate` on the same DDL (when installed in bench/peers). The raw DDL
// run inside this process is printed too, as a second reference. Ratios are of CPU medians (perf stat's task-clock
// where it runs, else user + sys from /usr/bin/time in 10 ms steps), steadier than wall time on a shared machine;
// the absolute targets (500: 0.35 s, 1,000: 0.5 s) are wall on a quiet machine.
import Database from 'better-sqlite3'
import { existsSync, readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { BIN, CPU_SOURCE, REPO, machine, median, runCli, timed } from './lib.mjs'
import { chainProject } from './upgrade-chain-setup.mjs'

const SIZES = (process.env.BENCH_SIZES ?? '500,1000,5000').split(',').map(Number)
const ROUNDS = Number(process.env.BENCH_RUNS ?? 7)
const DRIZZLE_BIN = join(REPO, 'bench', 'peers', 'node_modules', 'drizzle-kit', 'bin.cjs')
const hasDrizzle = existsSync(DRIZZLE_BIN)
const hasKnex = existsSync(join(REPO, 'bench', 'peers', 'node_modules', 'knex', 'package.json'))
const node = process.execPath
const QUIET_LIMIT = { 500: 0.35, 1000: 0.5 }

function rawInProcess(ddl, file) {
  const t0 = performance.now()
  const db = new Database(file)
  db.exec('BEGIN')
  for (const s of ddl) db.exec(s)
  db.exec('COMMIT')
  db.close()
  return (performance.now() - t0) / 1000
}

/** One process per contender per round, in a fixed interleaved order; each starts from an empty database. */
function measure(project) {
  const { dir } = project
  const cache = join(dir, 'node_modules', '.cache')
  const contenders = [
    { name: 'raw', argv: [node, 'raw.mjs', 'ddl.json', 'raw.sqlite'], db: 'raw.sqlite' },
    { name: 'warm', argv: [node, BIN, 'upgrade', 'head'], db: 'bench.sqlite' },
    { name: 'cold', argv: [node, BIN, 'upgrade', 'head'], db: 'bench.sqlite', clear: cache },
    ...(hasDrizzle ? [{ name: 'drizzle', argv: [node, DRIZZLE_BIN, 'migrate', '--config', 'drizzle.config.json'], db: 'drizzle.sqlite' }] : []),
    ...(hasKnex ? [{ name: 'knex', argv: [node, 'knex-run.cjs'], db: 'knex.sqlite' }] : []),
  ]
  const runs = Object.fromEntries(contenders.map((c) => [c.name, []]))
  const inProcess = []
  for (let round = 0; round < ROUNDS; round++) {
    for (const c of contenders) {
      rmSync(join(dir, c.db), { force: true })
      if (c.clear) rmSync(c.clear, { recursive: true, force: true })
      const r = timed(c.argv, dir)
      if (r.status !== 0) throw new Error(`${c.name} failed: ${r.stderr}`)
      runs[c.name].push(r)
    }
    rmSync(join(dir, 'inproc.sqlite'), { force: true })
    inProcess.push(rawInProcess(project.ddl, join(dir, 'inproc.sqlite')))
  }
  const summary = (list) => ({ wall: median(list.map((r) => r.wall)), cpu: list[0].cpu === null ? null : median(list.map((r) => r.cpu)) })
  // Each round's own ratio to raw, whose processes ran seconds apart: a machine whose speed drifts over minutes
  // moves both sides of such a ratio together, and the medians of each side apart.
  const paired = (name) => median(runs[name].map((r, round) => basis(r) / basis(runs.raw[round])))
  return { ...Object.fromEntries(Object.entries(runs).map(([k, v]) => [k, summary(v)])), inProcess: median(inProcess), paired: { warm: paired('warm'), cold: paired('cold') } }
}

const s = (x) => (x === null || x === undefined ? '-' : `${x.toFixed(3)} s`)
const verdict = (ok) => (ok ? 'meets' : 'misses')
const basis = (r) => r.cpu ?? r.wall

function report(size, m) {
  const raw = basis(m.raw)
  const row = (label, r) => {
    const vsDrizzle = m.drizzle ? `, ${(basis(r) / basis(m.drizzle)).toFixed(2)}× drizzle-kit` : ''
    return `  ${label.padEnd(30)} wall ${s(r.wall)}  CPU ${s(r.cpu)}  ${(basis(r) / raw).toFixed(2)}× raw${vsDrizzle}`
  }
  console.log(`${size} revisions (median of ${ROUNDS} interleaved rounds; ratios of CPU medians, CPU from ${CPU_SOURCE})`)
  console.log(`  ${'raw, whole process'.padEnd(30)} wall ${s(m.raw.wall)}  CPU ${s(m.raw.cpu)}  (raw DDL in-process: ${s(m.inProcess)})`)
  console.log(row('strata upgrade head, warm', m.warm))
  console.log(row('strata upgrade head, cold', m.cold))
  console.log(`  ${'per-round ratios to raw'.padEnd(30)} warm ${m.paired.warm.toFixed(2)}×, cold ${m.paired.cold.toFixed(2)}× (medians of each round's own ratio; the targets below use the medians above)`)
  if (m.drizzle) console.log(row('drizzle-kit migrate', m.drizzle))
  if (m.knex) console.log(row('knex migrate.latest()', m.knex))
  const warmRatio = basis(m.warm) / raw
  const coldRatio = basis(m.cold) / raw
  if (size === 5000) {
    console.log(`  target warm at 5,000 ≤ 1.5× raw: ${warmRatio.toFixed(2)}× — ${verdict(warmRatio <= 1.5)}`)
    if (m.drizzle) {
      const vs = basis(m.warm) / basis(m.drizzle)
      console.log(`  target warm at 5,000 faster than drizzle-kit migrate: ${vs.toFixed(2)}× — ${verdict(vs < 1)}`)
    }
    console.log(`  target cold at 5,000 ≤ 2× raw: ${coldRatio.toFixed(2)}× — ${verdict(coldRatio <= 2)}`)
  }
  // "The fastest JS tool at every size we measure": warm and cold against every peer that ran.
  for (const [peer, label] of [['drizzle', 'drizzle-kit migrate'], ['knex', 'knex migrate.latest()']]) {
    if (!m[peer]) continue
    const warm = basis(m.warm) / basis(m[peer])
    const cold = basis(m.cold) / basis(m[peer])
    console.log(`  target faster than ${label} at ${size}: warm ${warm.toFixed(2)}×, cold ${cold.toFixed(2)}× of its CPU — ${verdict(warm < 1)} warm, ${verdict(cold < 1)} cold`)
  }
  const limit = QUIET_LIMIT[size]
  if (limit)
    for (const [label, r, ratio] of [['warm', m.warm, warmRatio], ['cold', m.cold, coldRatio]])
      console.log(`  target ${label} at ${size} < ${limit} s wall (quiet machine): ${s(r.wall)}, ${ratio.toFixed(2)}× raw — ${verdict(r.wall < limit)}`)
}

/**
 * Where a process's CPU goes by thread (Linux): the main thread, and V8's helper threads (the optimizing compiler
 * and the GC), which run beside it on a second core. Medians of a few more runs of raw and of warm strata.
 */
function threadSplit(project, runs = 5) {
  if (!existsSync('/proc/self/task') || readdirSync('/proc/self/task').length === 0) {
    console.log('  CPU by thread: skipped (needs Linux /proc)')
    return
  }
  const preload = join(REPO, 'bench', 'thread-cpu.cjs')
  const split = (argv, db) => {
    const main = []
    const helpers = []
    for (let i = 0; i < runs; i++) {
      rmSync(join(project.dir, db), { force: true })
      const r = timed([argv[0], '-r', preload, ...argv.slice(1)], project.dir)
      const m = /thread-cpu main=(\d+) helpers=(\d+)/.exec(r.stderr)
      if (r.status !== 0 || !m) throw new Error(`thread split failed: ${r.stderr}`)
      main.push(Number(m[1]) / 1000)
      helpers.push(Number(m[2]) / 1000)
    }
    return `main thread ${s(median(main))}, helper threads ${s(median(helpers))}`
  }
  console.log(`  CPU by thread (median of ${runs}): raw ${split([node, 'raw.mjs', 'ddl.json', 'raw.sqlite'], 'raw.sqlite')}`)
  console.log(`  ${' '.repeat(29)}strata warm ${split([node, BIN, 'upgrade', 'head'], 'bench.sqlite')}`)
}

console.log(`upgrade head on SQLite, one-table revisions, sizes ${SIZES.join(', ')} — ${machine()}`)
for (const [present, peer] of [[hasDrizzle, 'drizzle-kit'], [hasKnex, 'knex']])
  if (!present) console.log(`${peer}: skipped, not installed (npm install --prefix bench/peers, or BENCH_INSTALL_PEERS=1 npm run bench)`)
for (const size of SIZES) {
  const project = chainProject(size)
  try {
    // Files younger than 2 s stay out of the header index; then one run fills both caches (warm = every later run).
    await sleep(2100)
    rmSync(join(project.dir, 'node_modules', '.cache'), { recursive: true, force: true })
    const fill = runCli(project.dir, ['upgrade', 'head'])
    if (fill.status !== 0) throw new Error(fill.stderr)
    report(size, measure(project))
    if (size === Math.max(...SIZES)) threadSplit(project)
  } finally {
    project.remove()
  }
}
