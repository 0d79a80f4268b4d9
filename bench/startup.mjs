// Issue 2 and 16 bench: CLI start-up, `strata --help` and `strata current` on an untouched SQLite database, against
// `node -e 0` (see startup-measure.mjs).
import { makeProject } from './lib.mjs'
import { measureStartup } from './startup-measure.mjs'

const ROUNDS = Number(process.env.BENCH_RUNS ?? 15)
const project = makeProject('startup')
try {
  for (const line of measureStartup(project.dir, ROUNDS)) console.log(line)
} finally {
  project.remove()
}
