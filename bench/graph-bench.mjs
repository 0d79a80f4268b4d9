// Times the revision graph on generated versions folders of 1,000 and 10,000 revisions: a chain, and a graph with
// many branches, merges and dependencies. Measures (in-process, on the built dist/) reading the headers and building
// the graph, heads, a full history (range + formatted lines), and planning `upgrade heads` from an empty database.
// Run `npm run build` (or `npx tsc -p tsconfig.build.json`) first. Target: each under 300 ms at 10,000 revisions.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'

const dist = new URL('../dist/revisions/index.js', import.meta.url)
const { loadRevisionGraph, historyRange, formatHistoryLine, planUpgrade } = await import(fileURLToPath(dist)).catch(() => {
  console.error('dist/revisions/index.js not found: run `npm run build` first')
  process.exit(1)
})

/** Deterministic pseudo-random numbers, so runs are comparable. */
function random(seed) {
  let state = seed >>> 0
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0
    return state / 2 ** 32
  }
}

const idOf = (n) => (0x2fe1a3b40000 + n * 7919).toString(16).padStart(12, '0')

function fileText({ id, down, labels, deps, message }) {
  const literal = (value) => (value === null ? 'null' : Array.isArray(value) ? `[${value.map((v) => `'${v}'`).join(', ')}]` : `'${value}'`)
  return `/**
 * ${message}
 *
 * Revision ID: ${id}
 * Revises: ${down === null ? '' : [].concat(down).join(', ')}
 * Create Date: 2026-11-24 10:15:02
 */
import { type Migration, integer, text } from 'strata-db'

export const revision = '${id}'
export const downRevision = ${literal(down)}
export const branchLabels = ${literal(labels)}
export const dependsOn = ${literal(deps)}

export async function upgrade({ op }: Migration) {
  await op.createTable('table_${id}', {
    id: integer().primaryKey(),
    description: text(),
  })
}

export async function downgrade({ op }: Migration) {
  await op.dropTable('table_${id}')
}
`
}

function chain(count) {
  const revisions = []
  for (let n = 0; n < count; n++) {
    revisions.push({ id: idOf(n), down: n === 0 ? null : idOf(n - 1), labels: null, deps: null, message: `step ${n}` })
  }
  return revisions
}

/** Branches start from random earlier revisions, open tips get merged in pairs, 1% depend on another branch. */
function branchy(count) {
  const next = random(count)
  const revisions = []
  let tips = []
  let labels = 0
  for (let n = 0; n < count; n++) {
    const id = idOf(n)
    let down = null
    let branchLabels = null
    const roll = next()
    if (n === 0 || (roll < 0.01 && n > 0)) {
      down = null // a new root now and then
      branchLabels = [`root${labels++}`]
    } else if (roll < 0.08 && revisions.length > 1) {
      down = revisions[Math.floor(next() * revisions.length)].id // a branch from anywhere
    } else if (roll < 0.14 && tips.length >= 2) {
      const a = tips.splice(Math.floor(next() * tips.length), 1)[0]
      const b = tips.splice(Math.floor(next() * tips.length), 1)[0]
      down = [a, b] // a merge
    } else {
      down = tips.length > 0 ? tips.splice(Math.floor(next() * tips.length), 1)[0] : revisions[n - 1].id
    }
    const deps = next() < 0.01 && n > 10 ? [revisions[Math.floor(next() * (n - 1))].id] : null
    revisions.push({ id, down, labels: branchLabels, deps, message: `change ${n}` })
    tips = tips.filter((tip) => ![].concat(down ?? []).includes(tip))
    tips.push(id)
    if (tips.length > 40) {
      // Keep the number of heads realistic: merge the two oldest tips.
      const [a, b] = tips.splice(0, 2)
      const merge = idOf(count + n)
      revisions.push({ id: merge, down: [a, b], labels: null, deps: null, message: `merge ${a} ${b}` })
      tips.push(merge)
    }
  }
  return revisions.slice(0, count)
}

function writeVersions(revisions) {
  const root = mkdtempSync(join(tmpdir(), 'strata-graph-bench-'))
  for (const revision of revisions) writeFileSync(join(root, `${revision.id}_${revision.message.replace(/\W+/g, '_')}.ts`), fileText(revision))
  return root
}

function time(run) {
  const started = performance.now()
  const result = run()
  return [performance.now() - started, result]
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
const ROUNDS = 3

const rows = []
for (const [shape, make] of [
  ['chain', chain],
  ['branchy', branchy],
]) {
  for (const count of [1000, 10000]) {
    const dir = writeVersions(make(count))
    try {
      const timings = { load: [], heads: [], history: [], plan: [], total: [] }
      let graph
      for (let round = 0; round < ROUNDS; round++) {
        const [loadMs, loaded] = time(() => loadRevisionGraph(dir))
        graph = loaded
        const [headsMs] = time(() => graph.heads)
        const [historyMs, lines] = time(() => historyRange(graph, undefined, []).map((header) => formatHistoryLine(graph, header)))
        const [planMs, steps] = time(() => planUpgrade(graph, [], 'heads'))
        if (lines.length !== graph.size || steps.length !== graph.size) throw new Error(`${shape} ${count}: incomplete history or plan`)
        timings.load.push(loadMs)
        timings.heads.push(headsMs)
        timings.history.push(historyMs)
        timings.plan.push(planMs)
        timings.total.push(loadMs + headsMs + historyMs + planMs)
      }
      rows.push({
        shape,
        revisions: graph.size,
        heads: graph.heads.length,
        merges: graph.mergePoints.length,
        'load+build ms': median(timings.load).toFixed(1),
        'heads ms': median(timings.heads).toFixed(2),
        'history ms': median(timings.history).toFixed(1),
        'plan upgrade heads ms': median(timings.plan).toFixed(1),
        'all four ms': median(timings.total).toFixed(1),
      })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }
}
console.log(`median of ${ROUNDS} rounds, in-process, on dist/revisions (Node ${process.version})`)
console.table(rows)
