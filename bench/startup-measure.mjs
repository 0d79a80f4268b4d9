// The start-up targets of issue 16, shared by bench/startup.mjs and bench/targets.mjs: `strata --help` within 1.1×
// of `node -e 0`, and `strata current` on an untouched SQLite database in ≤ 100 ms on a quiet machine.
//
// Whole processes in interleaved rounds (node, help, current, node, help, current…), medians of wall and CPU time.
// CPU comes from `perf stat` (task-clock, microseconds) when it runs here, else from /usr/bin/time (user + sys in
// 10 ms steps: coarser than the 6 ms the --help target allows, so its ratio is then rough). Wall time is what the
// `current` target is about, and only a quiet machine gives it: the load average is printed alongside.
import { loadavg } from 'node:os'
import { join } from 'node:path'
import { CPU_SOURCE, REPO, machine, median, timed } from './lib.mjs'

/** The bin npm links as `strata` (package.json "bin"). */
export const STARTUP_BIN = join(REPO, 'dist', 'cli', 'bin.cjs')

const HELP_RATIO_TARGET = 1.1
const CURRENT_WALL_TARGET_MS = 100

/** One whole process: wall and CPU in ms (CPU null when neither perf nor /usr/bin/time runs here). */
function timeMs(argv, cwd) {
  const r = timed(argv, cwd)
  return { wall: r.wall * 1000, cpu: r.cpu === null ? null : r.cpu * 1000, status: r.status, stderr: r.stderr }
}

/**
 * Measures the two start-up targets in `projectDir` (a project from makeProject, its SQLite database never
 * created) and returns the lines to print, each with its figure, ratio and verdict.
 */
export function measureStartup(projectDir, rounds) {
  const node = process.execPath
  const commands = [[node, '-e', '0'], [node, STARTUP_BIN, '--help'], [node, STARTUP_BIN, 'current']]
  const runs = commands.map(() => [])
  const loadBefore = loadavg()[0]
  for (let round = 0; round < rounds; round++)
    commands.forEach((argv, k) => {
      const result = timeMs(argv, projectDir)
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
    `start-up, median of ${rounds} interleaved rounds, CPU from ${bare.cpu === null ? 'nowhere (wall only)' : CPU_SOURCE}, load average ${loadBefore.toFixed(1)} → ${loadavg()[0].toFixed(1)} — ${machine()}`,
    `  node -e 0                         ${ms(bare.wall)} wall / ${ms(bare.cpu)} CPU`,
    `  strata --help                     ${ms(help.wall)} wall / ${ms(help.cpu)} CPU = ${helpRatio.toFixed(2)}× node -e 0 (target ≤ ${HELP_RATIO_TARGET}×: ${verdict(helpRatio <= HELP_RATIO_TARGET)})`,
    `  strata current, untouched SQLite  ${ms(current.wall)} wall / ${ms(current.cpu)} CPU = ${(basis(current) / basis(bare)).toFixed(2)}× node -e 0 (target ≤ ${CURRENT_WALL_TARGET_MS} ms wall on a quiet machine: ${verdict(current.wall <= CURRENT_WALL_TARGET_MS)})`,
  ]
}
