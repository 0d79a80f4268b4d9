// The start-up targets of issue 16, shared by bench/startup.mjs and bench/targets.mjs: `strata --help` within 1.1×
// of `node -e 0`, and `strata current` on an untouched SQLite database in ≤ 100 ms on a quiet machine.
//
// Whole processes in interleaved rounds (node, help, current, node, help, current…), medians of wall and CPU time.
// CPU comes from `perf stat` (task-clock, microseconds) when it runs here, else from /usr/bin/time (user + sys in
// 10 ms steps: coarser than the 6 ms the --help target allows, so its ratio is then rough). Wall time is what the
// `current` target is about, and only a quiet machine gives it: the load average is printed alongside.
import { spawnSync } from 'node:child_process'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import { REPO, machine, median } from './lib.mjs'

/** The bin npm links as `strata` (package.json "bin"). */
export const STARTUP_BIN = join(REPO, 'dist', 'cli', 'bin.cjs')

const HELP_RATIO_TARGET = 1.1
const CURRENT_WALL_TARGET_MS = 100

/** perf's own figures: task-clock (CPU ms) and the elapsed time it measured (without perf's own start-up). */
function timeWithPerf(argv, cwd) {
  const r = spawnSync('perf', ['stat', '-e', 'task-clock', ...argv], { cwd, encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } })
  const cpu = Number(/([\d.]+)\s+msec\s+task-clock/.exec(r.stderr)?.[1])
  const wall = Number(/([\d.]+)\s+seconds time elapsed/.exec(r.stderr)?.[1]) * 1000
  return { wall, cpu, status: r.status, stderr: r.stderr }
}

function perfWorks() {
  const r = timeWithPerf([process.execPath, '-e', '0'])
  return r.status === 0 && Number.isFinite(r.cpu) && Number.isFinite(r.wall)
}

function timeWithTime(argv, cwd) {
  const started = performance.now()
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S', ...argv], { cwd, encoding: 'utf8' })
  const wall = performance.now() - started
  if (r.error) {
    const t = performance.now()
    const plain = spawnSync(argv[0], argv.slice(1), { cwd, encoding: 'utf8' })
    return { wall: performance.now() - t, cpu: null, status: plain.status, stderr: plain.stderr }
  }
  const [user, sys] = r.stderr.trimEnd().split('\n').pop().split(' ').map(Number)
  return { wall, cpu: (user + sys) * 1000, status: r.status, stderr: r.stderr }
}

/** `run` times one process: wall ms, CPU ms (null when neither perf nor /usr/bin/time is there), status, stderr. */
function makeTimer() {
  return perfWorks() ? { source: 'perf stat', run: timeWithPerf } : { source: '/usr/bin/time', run: timeWithTime }
}

/**
 * Measures the two start-up targets in `projectDir` (a project from makeProject, its SQLite database never
 * created) and returns the lines to print, each with its figure, ratio and verdict.
 */
export function measureStartup(projectDir, rounds) {
  const timer = makeTimer()
  const node = process.execPath
  const commands = [[node, '-e', '0'], [node, STARTUP_BIN, '--help'], [node, STARTUP_BIN, 'current']]
  const runs = commands.map(() => [])
  const loadBefore = loadavg()[0]
  for (let round = 0; round < rounds; round++)
    commands.forEach((argv, k) => {
      const result = timer.run(argv, projectDir)
      if (result.status !== 0) throw new Error(`${argv.join(' ')} failed: ${result.stderr}`)
      runs[k].push(result)
    })
  const [bare, help, current] = runs.map((list) => ({
    wall: median(list.map((r) => r.wall)),
    cpu: list[0].cpu === null ? null : median(list.map((r) => r.cpu)),
  }))
  const ms = (value) => (value === null ? '-' : `${value.toFixed(0)} ms`)
  const basis = (m) => m.cpu ?? m.wall
  const helpRatio = basis(help) / basis(bare)
  const verdict = (ok) => (ok ? 'meets' : 'misses')
  return [
    `start-up, median of ${rounds} interleaved rounds, CPU from ${bare.cpu === null ? 'nowhere (wall only)' : timer.source}, load average ${loadBefore.toFixed(1)} → ${loadavg()[0].toFixed(1)} — ${machine()}`,
    `  node -e 0                         ${ms(bare.wall)} wall / ${ms(bare.cpu)} CPU`,
    `  strata --help                     ${ms(help.wall)} wall / ${ms(help.cpu)} CPU = ${helpRatio.toFixed(2)}× node -e 0 (target ≤ ${HELP_RATIO_TARGET}×: ${verdict(helpRatio <= HELP_RATIO_TARGET)})`,
    `  strata current, untouched SQLite  ${ms(current.wall)} wall / ${ms(current.cpu)} CPU = ${(basis(current) / basis(bare)).toFixed(2)}× node -e 0 (target ≤ ${CURRENT_WALL_TARGET_MS} ms wall on a quiet machine: ${verdict(current.wall <= CURRENT_WALL_TARGET_MS)})`,
  ]
}
