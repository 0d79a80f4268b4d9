// Issues 4 and 16 bench: the `check` schema (bench/check-schema.mjs: 12 columns of assorted types, 2 indexes,
// 1 unique constraint, a foreign key to the previous table in chains of 10) created in PostgreSQL and in MariaDB;
// times `strata check` (a no-change compare) and its peak memory at each size, and counts the catalog queries of
// one introspection (they must not grow with the number of tables). Targets (issue 16): ≤ 0.4 s at 1,000 tables
// on a quiet machine, ≤ 150 MB at 1,000 and ≤ 250 MB at 3,000, linear growth. BENCH_SIZES (PostgreSQL, default
// 1000,2000,3000), BENCH_MYSQL_SIZES (default 1000), BENCH_RUNS (default 5).
import { join } from 'node:path'
import { DATABASES, withSchema } from './check-schema.mjs'
import { median, runCli, REPO } from './lib.mjs'

const sizes = (value, fallback) => (value ?? fallback).split(',').map(Number)
const SIZES = { postgres: sizes(process.env.BENCH_SIZES, '1000,2000,3000'), mysql: sizes(process.env.BENCH_MYSQL_SIZES, '1000') }
const RUNS = Number(process.env.BENCH_RUNS ?? 5)
const SECONDS_AT_1000 = 0.4
const MB_LIMITS = { 1000: 150, 3000: 250 }

async function countingIntrospect(dialectName, url) {
  const { loadDialect } = await import(join(REPO, 'dist/runtime/dialects.js'))
  const { parseDatabaseUrl } = await import(join(REPO, 'dist/runtime/url.js'))
  const dialect = await loadDialect(dialectName)
  const conn = await dialect.connect(parseDatabaseUrl(url, process.cwd()))
  let queries = 0
  const counting = new Proxy(conn, {
    get(target, prop) {
      const value = target[prop]
      if (prop === 'query' || prop === 'execute') return (...args) => (queries++, value.apply(target, args))
      // A batch is several catalog statements in one round trip: each counts.
      if (prop === 'queryBatch' && value) return (statements) => ((queries += statements.length), value.call(target, statements))
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
  const t0 = performance.now()
  const model = await dialect.introspect(counting, { excludeTables: (name) => name.startsWith('strata_') })
  const ms = performance.now() - t0
  await conn.close()
  return { queries, ms, tables: model.tables.length }
}

/**
 * `strata check` in each project, RUNS rounds, the projects interleaved within a round: the sizes are compared with
 * one another (linear growth), and a machine whose speed drifts over minutes would move sizes timed one after the
 * other apart.
 */
function timeChecks(dirs) {
  for (const dir of dirs) runCli(dir, ['check']) // warm-up: fills the transform cache, as any second run finds it
  const times = dirs.map(() => [])
  const peaks = dirs.map(() => [])
  for (let i = 0; i < RUNS; i++)
    dirs.forEach((dir, k) => {
      const c = runCli(dir, ['check'])
      if (c.status !== 0) throw new Error(`check found differences:\n${c.stdout}${c.stderr}`)
      times[k].push(c.seconds)
      peaks[k].push(c.peakMb)
    })
  return dirs.map((_, k) => ({ seconds: median(times[k]), mb: median(peaks[k]) }))
}

/** Every size's database and project at once (nested: each is dropped when the body is done). */
async function withSchemas(dialectName, make, sizes, use, made = []) {
  if (made.length === sizes.length) return use(made)
  return withSchema(`introspect-${dialectName}`, make, sizes[made.length], (project, url) => withSchemas(dialectName, make, sizes, use, [...made, { project, url }]))
}

const verdict = (ok) => (ok ? 'meets' : 'misses')

async function benchDialect(label, dialectName, make) {
  const tinyQueries = await withSchema(`introspect-${dialectName}`, make, 2, (_, url) => countingIntrospect(dialectName, url))
  const bySize = new Map()
  // Each size has its own database (named after it): a size given twice would drop the one in use.
  const sizes = [...new Set(SIZES[dialectName])]
  await withSchemas(dialectName, make, sizes, async (made) => {
    const checks = timeChecks(made.map((m) => m.project.dir))
    for (const [k, tables] of sizes.entries()) bySize.set(tables, { ...checks[k], introspection: await countingIntrospect(dialectName, made[k].url) })
  })
  for (const tables of sizes) {
    const { seconds, mb, introspection } = bySize.get(tables)
    console.log(`${label}, ${tables} tables: strata check (no changes) ${seconds.toFixed(3)} s wall, peak ${mb.toFixed(0)} MB (median of ${RUNS}, the sizes interleaved); introspection alone ${introspection.ms.toFixed(0)} ms`)
    if (tables === 1000)
      console.log(`check ≤ ${SECONDS_AT_1000} s, ${label}, 1000 tables: ${seconds.toFixed(3)} s, ${(seconds / SECONDS_AT_1000).toFixed(2)}× the target (quiet machine only): ${verdict(seconds <= SECONDS_AT_1000)}`)
    if (MB_LIMITS[tables]) console.log(`check ≤ ${MB_LIMITS[tables]} MB, ${label}, ${tables} tables: ${mb.toFixed(0)} MB, ${(mb / MB_LIMITS[tables]).toFixed(2)}× the limit: ${verdict(mb <= MB_LIMITS[tables])}`)
    const queries = introspection.queries
    console.log(`check catalog queries constant, ${label}: ${queries} for ${tables} tables, ${tinyQueries.queries} for 2 (ratio ${(queries / tinyQueries.queries).toFixed(2)}): ${verdict(queries === tinyQueries.queries)}`)
  }
  const [a, b, c] = [1000, 2000, 3000].map((n) => bySize.get(n))
  if (a && b && c) {
    // Linear: the second thousand tables cost about what the first did (within 25 %), in time and in memory.
    const step = (key) => [b[key] - a[key], c[key] - b[key]]
    const [t1, t2] = step('seconds')
    const [m1, m2] = step('mb')
    const linear = t2 <= t1 * 1.25 && m2 <= m1 * 1.25
    console.log(
      `check linear growth, ${label}: +${t1.toFixed(3)} s / +${m1.toFixed(0)} MB for 1000→2000, +${t2.toFixed(3)} s / +${m2.toFixed(0)} MB for 2000→3000 ` +
        `(ratio ${(t2 / t1).toFixed(2)} / ${(m2 / m1).toFixed(2)}): ${verdict(linear)}`,
    )
  }
}

for (const [label, dialectName, make] of DATABASES) {
  try {
    await benchDialect(label, dialectName, make)
  } catch (error) {
    console.log(`${label}: skipped (${error.message.split('\n')[0]})`)
  }
}
