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

function cli(dir, args) {
  const result = runCli(dir, args)
  if (result.status !== 0) throw new Error(`strata ${args.join(' ')} failed: ${result.stderr || result.stdout}`)
  return result
}

/** Median wall seconds and the peak RSS of that median run. */
function measure(dir, args, check) {
  const runs = []
  for (let round = 0; round < ROUNDS; round++) {
    const result = cli(dir, args)
    if (round === 0 && check) check(result.stdout)
    runs.push(result)
  }
  const wall = median(runs.map((r) => r.seconds))
  const peaks = runs.map((r) => r.peakMb).filter((mb) => mb !== null)
  return { wall, peakMb: peaks.length > 0 ? median(peaks) : null }
}

function bareNode() {
  const times = []
  for (let round = 0; round < ROUNDS; round++) {
    const started = performance.now()
    spawnSync(process.execPath, ['-e', '0'])
    times.push((performance.now() - started) / 1000)
  }
  return median(times)
}

const rows = []
const ms = (seconds) => (seconds * 1000).toFixed(0)
const mb = (value) => (value === null ? '-' : value.toFixed(0))
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
      if (startup.help === null) startup.help = measure(project.dir, ['--help']).wall

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
      rows.push({
        shape,
        revisions: count,
        heads: headsCount,
        merges: graph.mergePoints.length,
        'heads ms': ms(results.heads.wall),
        'history ms': ms(results.history.wall),
        'current ms': ms(results.current.wall),
        'history -r current:heads ms': ms(results.range.wall),
        'upgrade heads (at heads) ms': ms(results.upgrade.wall),
        'plan from middle ms (in-process)': `${(median(planTimes) * 1000).toFixed(1)} (${steps} steps)`,
        'peak MB heads/history/upgrade': `${mb(results.heads.peakMb)}/${mb(results.history.peakMb)}/${mb(results.upgrade.peakMb)}`,
      })
    } finally {
      project.remove()
    }
  }
}

console.log(`strata CLI on large revision graphs — median of ${ROUNDS} runs, wall time of the whole process (${machine()})`)
console.log(`start-up: bare node ${ms(startup.node)} ms, strata --help ${ms(startup.help)} ms (${BIN})`)
console.table(rows)
for (const shape of ['chain', 'branchy']) {
  const [small, large] = SIZES.map((count) => rows.find((row) => row.shape === shape && row.revisions === count))
  if (!small || !large) continue
  const growth = (key) => {
    const base = startup.help * 1000
    const a = Number(small[key]) - base
    const b = Number(large[key]) - base
    return a > 0 ? (b / a).toFixed(1) : '-'
  }
  console.log(
    `${shape}: ×${large.revisions / small.revisions} revisions → above start-up, heads ×${growth('heads ms')}, history ×${growth('history ms')}, current ×${growth('current ms')}, upgrade heads ×${growth('upgrade heads (at heads) ms')}`,
  )
}
