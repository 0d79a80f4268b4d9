// Issue 2 bench: CLI start-up: `strata --help` and `strata current` on an untouched SQLite database.
import { makeProject, median, runCli } from './lib.mjs'

const RUNS = Number(process.env.BENCH_RUNS ?? 10)
const project = makeProject('startup')
try {
  const measure = (args) => {
    const times = []
    for (let i = 0; i < RUNS; i++) {
      const r = runCli(project.dir, args)
      if (r.status !== 0) throw new Error(r.stderr)
      times.push(r.seconds)
    }
    return median(times)
  }
  console.log(`CLI start-up (median of ${RUNS})`)
  console.log(`  strata --help  : ${(measure(['--help']) * 1000).toFixed(0)} ms`)
  console.log(`  strata current : ${(measure(['current']) * 1000).toFixed(0)} ms`)
} finally {
  project.remove()
}
