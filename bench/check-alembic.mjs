// Issue 16 bench: `strata check` against Alembic's check on the same 1,000-table schema (bench/check-schema.mjs),
// on PostgreSQL and MariaDB. Alembic runs compare_metadata (what `alembic check` runs; Alembic 1.8.1, Debian's,
// has no `check` command) from bench/check-alembic.py. Both are timed as whole processes in interleaved rounds;
// the ratio is of the medians of wall time. Target: strata ≥ 10× faster.
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { DATABASES, withSchema } from './check-schema.mjs'
import { BIN, REPO, median } from './lib.mjs'

const TABLES = Number(process.env.BENCH_TABLES ?? 1000)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7)
const PYTHON = process.env.BENCH_PYTHON ?? '/usr/bin/python3'
const SCRIPT = join(REPO, 'bench', 'check-alembic.py')
const TARGET = 10

/** One whole process under /usr/bin/time: wall and CPU seconds, peak RSS in MB. */
function timed(command, args, cwd) {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', command, ...args], { cwd, encoding: 'utf8', maxBuffer: 1 << 28 })
  const lines = r.stderr.trim().split('\n')
  const [wall, user, sys, kb] = lines[lines.length - 1].split(' ').map(Number)
  return { wall, cpu: user + sys, peakMb: kb / 1024, status: r.status, stdout: r.stdout, stderr: lines.slice(0, -1).join('\n') }
}

function alembicVersion() {
  const r = spawnSync(PYTHON, ['-c', 'import alembic, sqlalchemy, psycopg2, pymysql; print(alembic.__version__)'], { encoding: 'utf8' })
  return r.status === 0 ? r.stdout.trim() : null
}

/** The SQLAlchemy URL of a strata test URL. */
function sqlalchemyUrl(url) {
  return url.replace(/^postgres(ql)?:/, 'postgresql+psycopg2:').replace(/^mysql:/, 'mysql+pymysql:')
}

function strataCheck(dir) {
  const r = timed(process.execPath, [BIN, 'check'], dir)
  if (r.status !== 0) throw new Error(`strata check found differences or failed:\n${r.stdout}${r.stderr}`)
  return r
}

function alembicCheck(dir, url) {
  const r = timed(PYTHON, [SCRIPT, sqlalchemyUrl(url), String(TABLES)], dir)
  if (r.status !== 0 || !/: 0 differences/.test(r.stdout)) throw new Error(`Alembic failed or found differences:\n${r.stdout}${r.stderr}`)
  return r
}

async function compare(label, dialectName, make, version) {
  await withSchema(`alembic-${dialectName}`, make, TABLES, (project, url) => {
    // Warm-up: both keep compiled code on disk (strata's transform cache, Python's __pycache__).
    strataCheck(project.dir)
    alembicCheck(project.dir, url)
    const strata = []
    const alembic = []
    for (let i = 0; i < ROUNDS; i++) {
      strata.push(strataCheck(project.dir))
      alembic.push(alembicCheck(project.dir, url))
    }
    const m = (runs, key) => median(runs.map((r) => r[key]))
    const ratio = m(alembic, 'wall') / m(strata, 'wall')
    console.log(
      `check vs Alembic ${version}, ${label}, ${TABLES} tables: strata ${m(strata, 'wall').toFixed(2)} s, Alembic ${m(alembic, 'wall').toFixed(2)} s ` +
        `(wall, median of ${ROUNDS}): ${ratio.toFixed(1)}× faster (target ≥ ${TARGET}×): ${ratio >= TARGET ? 'meets' : 'misses'}`,
    )
    console.log(
      `  CPU of the process: strata ${m(strata, 'cpu').toFixed(2)} s, Alembic ${m(alembic, 'cpu').toFixed(2)} s (${(m(alembic, 'cpu') / m(strata, 'cpu')).toFixed(1)}×); ` +
        `peak memory: strata ${m(strata, 'peakMb').toFixed(0)} MB, Alembic ${m(alembic, 'peakMb').toFixed(0)} MB`,
    )
  })
}

const version = alembicVersion()
if (!version) {
  console.log(`check vs Alembic: skipped, Alembic is not installed for ${PYTHON}: apt-get install -y python3-alembic python3-psycopg2 python3-pymysql (or BENCH_PYTHON=<a python with alembic, psycopg2 and pymysql>)`)
} else {
  for (const [label, dialectName, make] of DATABASES) {
    try {
      await compare(label, dialectName, make, version)
    } catch (error) {
      console.log(`check vs Alembic, ${label}: skipped (${error.message.split('\n')[0]})`)
    }
  }
}
