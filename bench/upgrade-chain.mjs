// Issue 2 bench: `upgrade head` of a 5,000-revision chain on SQLite (each revision creates one small table),
// against the same DDL run as raw SQL in one transaction with better-sqlite3 (the physical limit here).
import Database from 'better-sqlite3'
import { rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { makeProject, median, revisionFile, runCli } from './lib.mjs'

const N = Number(process.env.BENCH_REVISIONS ?? 5000)
const RUNS = Number(process.env.BENCH_RUNS ?? 3)
const id = (i) => i.toString(16).padStart(12, '0')

const project = makeProject('chain')
try {
  for (let i = 1; i <= N; i++) {
    writeFileSync(
      join(project.dir, 'migrations', 'versions', `${id(i)}_step.ts`),
      revisionFile(
        id(i),
        i > 1 ? id(i - 1) : null,
        `  await op.createTable('t_${i}', { id: integer().primaryKey(), name: varchar({ length: 50 }), created: timestamp() })`,
        `  await op.dropTable('t_${i}')`,
      ),
    )
  }
  // The exact DDL strata runs, from its own offline script.
  const script = runCli(project.dir, ['upgrade', 'head', '--sql'])
  if (script.status !== 0) throw new Error(script.stderr)
  const ddl = script.stdout.split(';\n').map((s) => s.replace(/^\s*--.*$/gm, '').trim()).filter((s) => /^CREATE TABLE "t_/.test(s))
  if (ddl.length !== N) throw new Error(`expected ${N} CREATE TABLE statements, got ${ddl.length}`)

  // Warm: the compiled-revision cache (node_modules/.cache/strata-db) holds every file, as on any run after the
  // first on a machine (the `--sql` run above filled it). Cold: the cache is deleted first, as on a fresh checkout.
  const cacheDir = join(project.dir, 'node_modules', '.cache')
  const raw = []
  const warm = []
  const cold = []
  const peak = []
  for (let r = 0; r < RUNS; r++) {
    const rawFile = join(project.dir, `raw${r}.sqlite`)
    const t0 = performance.now()
    const db = new Database(rawFile)
    db.exec('BEGIN')
    for (const s of ddl) db.exec(s)
    db.exec('COMMIT')
    db.close()
    raw.push((performance.now() - t0) / 1000)
    rmSync(rawFile, { force: true })

    for (const [times, clear] of [[cold, true], [warm, false]]) {
      rmSync(join(project.dir, 'bench.sqlite'), { force: true })
      if (clear) rmSync(cacheDir, { recursive: true, force: true })
      const run = runCli(project.dir, ['upgrade', 'head'])
      if (run.status !== 0) throw new Error(run.stderr)
      times.push(run.seconds)
      if (!clear) peak.push(run.peakMb)
    }
    if (process.env.BENCH_VERBOSE) console.log(`  run ${r}: raw ${raw[r].toFixed(3)} s, strata cold ${cold[r].toFixed(3)} s, warm ${warm[r].toFixed(3)} s`)
  }
  const rawS = median(raw)
  const line = (label, times) => `  ${label.padEnd(36)} : ${median(times).toFixed(3)} s  (${(median(times) / rawS).toFixed(2)}× raw)`
  console.log(`upgrade head, ${N}-revision chain, SQLite (median of ${RUNS}; strata includes process start)`)
  console.log(`  ${'raw SQL, one transaction'.padEnd(36)} : ${rawS.toFixed(3)} s`)
  console.log(`${line('strata upgrade head (warm cache)', warm)}, peak ${median(peak)?.toFixed(0)} MB`)
  console.log(line('strata upgrade head (cold, no cache)', cold))
} finally {
  project.remove()
}
