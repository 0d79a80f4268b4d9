// Issue 3 bench, through the built CLI as a process (what a user waits for): histories of 1,000 and 10,000
// revisions, a chain and a graph with many branches, merges, labels and dependencies. Per command: median wall
// time and peak RSS (from /usr/bin/time when present). The SQLite database is stamped at a middle revision for
// `current` and `history -r current:heads`; `upgrade heads` is timed on a database already at its heads (it reads
// the graph, takes the lock, reads the version table and plans: the whole cost of a run minus the migrations).
// The full plan of `upgrade heads` from the middle revision is timed in-process on dist/ (the CLI has no dry-run).
// Start-up (bare Node, `strata --help`) is measured too, to show how much of each figure it is.
// Run `npm run build` first. Target: under 0.3 s wall at 10,000 revisions, and linear growth.
import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { BIN, machine, makeProject, median, runCli } from './lib.mjs'

const ROUNDS = Number(process.env.BENCH_RUNS ?? 5)
const SIZES = (process.env.BENCH_SIZES ?? '1000,10000').split(',').map(Number)

const { loadRevisionGraph, planUpgrade } = await import(fileURLToPath(new URL('../dist/revisions/index.js', import.meta.url))).catch(() => {
  console.error('dist/ not found: run `npm run build` first')
  process.exit(1)
})

/** Deterministic pseudo-random numbers, so runs compare. */
function random(seed) {
  let state = seed >>> 0
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0
    return state / 2 ** 32
  }
}

const idOf = (n) => (0x3a0000000000 + n * 7919).toString(16).padStart(12, '0')

function chain(count) {
  return Array.from({ length: count }, (_, n) => ({ id: idOf(n), down: n === 0 ? null : idOf(n - 1), labels: null, deps: null }))
}

/**
 * Many branches and merges: a branch starts from a random earlier revision now and then, open tips are merged in
 * pairs, a few revisions start a new labeled root or depend on another branch; at most 40 tips stay open.
 */
function branchy(count) {
  const next = random(count)
  const revisions = []
  let tips = []
  let roots = 0
  const add = (revision) => {
    revisions.push(revision)
    const parents = [].concat(revision.down ?? [])
    tips = tips.filter((tip) => !parents.includes(tip))
    tips.push(revision.id)
  }
  for (let n = 0; revisions.length < count; n++) {
    const roll = next()
    const id = idOf(n)
    if (n === 0 || roll < 0.005) add({ id, down: null, labels: [`root${roots++}`], deps: null })
    else if (roll < 0.07) add({ id, down: revisions[Math.floor(next() * revisions.length)].id, labels: null, deps: null })
    else if (roll < 0.13 && tips.length >= 2) {
      const a = tips.splice(Math.floor(next() * tips.length), 1)[0]
      const b = tips.splice(Math.floor(next() * tips.length), 1)[0]
      add({ id, down: [a, b], labels: null, deps: null })
    } else {
      const deps = next() < 0.01 && n > 10 ? [revisions[Math.floor(next() * revisions.length)].id] : null
      add({ id, down: tips[Math.floor(next() * tips.length)], labels: null, deps })
    }
    if (tips.length > 40 && revisions.length < count) add({ id: idOf(count * 2 + n), down: tips.slice(0, 2), labels: null, deps: null })
  }
  return revisions
}

function fileText({ id, down, labels, deps }) {
  const literal = (value) => (value === null ? 'null' : Array.isArray(value) ? `[${value.map((v) => `'${v}'`).join(', ')}]` : `'${value}'`)
  return `/**
 * change ${id}
 *
 * Revision ID: ${id}
 * Revises: ${[].concat(down ?? []).join(', ')}
 * Create Date: 2026-11-24 10:15:02
 */
import { type Migration, integer, text } from 'strata-db'

export const revision = '${id}'
export const downRevision = ${literal(down)}
export const branchLabels = ${literal(labels)}
export const dependsOn = ${literal(deps)}

export async function upgrade({ op }: Migration) {
  await op.createTable('t_${id}', { id: integer().primaryKey(), description: text() })
}

export async function downgrade({ op }: Migration) {
  await op.dropTable('t_${id}')
}
`
}

/** Runs the CLI under /usr/bin/time: wall seconds, CPU seconds (user + sys) and peak RSS in MB (null without it). */
function runTimed(dir, args) {
  const started = performance.now()
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S %M', process.execPath, BIN, ...args], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 28 })
  const wall = (performance.now() - started) / 1000
  if (r.error) {
    const plain = runCli(dir, args)
    return { wall: plain.seconds, cpu: null, peakMb: null, status: plain.status, stdout: plain.stdout, stderr: plain.stderr }
  }
  const lines = r.stderr.trimEnd().split('\n')
  const [user, sys, peakKb] = (lines.pop() ?? '').split(' ').map(Number)
  return { wall, cpu: user + sys, peakMb: peakKb / 1024, status: r.status, stdout: r.stdout, stderr: lines.join('\n') }
}

function cli(dir, args) {
  const result = runTimed(dir, args)
  if (result.status !== 0) throw new Error(`strata ${args.join(' ')} failed: ${result.stderr || result.stdout}`)
  return result
}

/** Median wall and CPU seconds, and the median peak RSS. */
function measure(dir, args, check) {
  const runs = []
  for (let round = 0; round < ROUNDS; round++) {
    const result = cli(dir, args)
    if (round === 0 && check) check(result.stdout)
    runs.push(result)
  }
  const known = (values) => values.filter((value) => value !== null && Number.isFinite(value))
  const cpus = known(runs.map((r) => r.cpu))
  const peaks = known(runs.map((r) => r.peakMb))
  return { wall: median(runs.map((r) => r.wall)), cpu: cpus.length > 0 ? median(cpus) : null, peakMb: peaks.length > 0 ? median(peaks) : null }
}

/** Bare `node -e 0` under /usr/bin/time: what any Node CLI pays before its first line runs. */
function bareNode() {
  const runs = []
  for (let round = 0; round < ROUNDS; round++) {
    const started = performance.now()
    const r = spawnSync('/usr/bin/time', ['-f', '%U %S', process.execPath, '-e', '0'], { encoding: 'utf8' })
    const wall = (performance.now() - started) / 1000
    const [user, sys] = (r.stderr ?? '').trim().split('\n').pop().split(' ').map(Number)
    runs.push({ wall, cpu: r.error ? null : user + sys })
  }
  const cpus = runs.map((r) => r.cpu).filter((cpu) => cpu !== null)
  return { wall: median(runs.map((r) => r.wall)), cpu: cpus.length > 0 ? median(cpus) : null }
}

const rows = []
const ms = (seconds) => (seconds * 1000).toFixed(0)
const mb = (value) => (value === null || !Number.isFinite(value) ? '-' : value.toFixed(0))
const startup = { node: bareNode(), help: null }

for (const [shape, make] of [
  ['chain', chain],
  ['branchy', branchy],
]) {
  for (const count of SIZES) {
    const revisions = make(count)
    const project = makeProject(`graph-cli-${shape}-${count}`)
    try {
      const versions = join(project.dir, 'migrations', 'versions')
      for (const revision of revisions) writeFileSync(join(versions, `${revision.id}_change.ts`), fileText(revision))
      const graph = loadRevisionGraph(versions)
      const order = graph.topologicalOrder()
      const middle = order[Math.floor(order.length / 2)]
      if (startup.help === null) startup.help = measure(project.dir, ['--help'])

      const headsCount = graph.heads.length
      const results = {}
      results.heads = measure(project.dir, ['heads'], (out) => {
        if (out.trim().split('\n').length !== headsCount) throw new Error('heads: wrong count')
      })
      results.history = measure(project.dir, ['history'], (out) => {
        if (out.trim().split('\n').length !== count) throw new Error(`history: ${out.trim().split('\n').length} lines, expected ${count}`)
      })
      cli(project.dir, ['stamp', middle])
      results.current = measure(project.dir, ['current'], (out) => {
        if (!out.startsWith(middle)) throw new Error(`current: expected ${middle}, got ${out.slice(0, 40)}`)
      })
      results.range = measure(project.dir, ['history', '-r', 'current:heads'])
      // In-process: the complete plan of `upgrade heads` from the middle revision (steps and version-row moves).
      const planTimes = []
      let steps = 0
      for (let round = 0; round < ROUNDS; round++) {
        const started = performance.now()
        steps = planUpgrade(graph, [middle], 'heads').length
        planTimes.push((performance.now() - started) / 1000)
      }
      cli(project.dir, ['stamp', 'heads'])
      results.upgrade = measure(project.dir, ['upgrade', 'heads'], (out) => {
        if (!/nothing to upgrade/i.test(out)) throw new Error(`upgrade heads at heads ran something: ${out.slice(0, 200)}`)
      })
      const both = (result) => `${ms(result.wall)} / ${result.cpu === null ? '-' : ms(result.cpu)}`
      rows.push({
        shape,
        revisions: count,
        'head count': headsCount,
        merges: graph.mergePoints.length,
        heads: both(results.heads),
        history: both(results.history),
        current: both(results.current),
        'history -r current:heads': both(results.range),
        'upgrade heads (at heads)': both(results.upgrade),
        'plan from middle (in-process)': `${(median(planTimes) * 1000).toFixed(1)} ms, ${steps} steps`,
        'peak MB heads/history/upgrade': `${mb(results.heads.peakMb)}/${mb(results.history.peakMb)}/${mb(results.upgrade.peakMb)}`,
        raw: results,
      })
    } finally {
      project.remove()
    }
  }
}

console.log(`strata CLI on large revision graphs — median of ${ROUNDS} runs; each cell is wall ms / CPU ms (user + sys) of the whole process (${machine()})`)
console.log(`start-up: bare node ${ms(startup.node.wall)} ms wall / ${ms(startup.node.cpu ?? NaN)} ms CPU, strata --help ${ms(startup.help.wall)} / ${ms(startup.help.cpu ?? NaN)} ms (${BIN})`)
console.table(rows.map(({ raw: _raw, ...row }) => row))
for (const shape of ['chain', 'branchy']) {
  const [small, large] = SIZES.map((count) => rows.find((row) => row.shape === shape && row.revisions === count))
  if (!small || !large) continue
  // Growth of the work above start-up (CPU time: steadier than wall time on a busy machine).
  const above = (row, key) => (row.raw[key].cpu ?? row.raw[key].wall) - (startup.help.cpu ?? startup.help.wall)
  const growth = (key) => (above(small, key) > 0 ? (above(large, key) / above(small, key)).toFixed(1) : '-')
  console.log(
    `${shape}: ×${large.revisions / small.revisions} revisions → work above start-up grows heads ×${growth('heads')}, history ×${growth('history')}, current ×${growth('current')}, upgrade heads ×${growth('upgrade')}`,
  )
}
