// Issue 4 bench: a 1,000-table schema (12 columns of assorted types, 2 indexes, 1 unique constraint, a foreign key
// to the previous table in chains of 10) created in PostgreSQL and in MariaDB; times `strata check` (a no-change
// compare) and its peak memory, and counts the catalog queries of one introspection (they must not grow with
// the number of tables).
import pg from 'pg'
import mysql from 'mysql2/promise'
import { writeFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { makeProject, median, runCli, REPO } from './lib.mjs'

const TABLES = Number(process.env.BENCH_TABLES ?? 1000)
const RUNS = Number(process.env.BENCH_RUNS ?? 3)

function schemaSource(n) {
  const out = [`import { table, integer, bigint, varchar, text, boolean, numeric, timestamp, date, json, uuid, smallint, real, index, unique } from 'strata-db'`, '']
  for (let i = 0; i < n; i++) {
    const ref = i % 10 === 0 ? '' : `.references(() => t${i - 1}.id)`
    out.push(`export const t${i} = table('bench_${i}', {
  id: integer().primaryKey(),
  parentId: integer('parent_id')${ref},
  name: varchar({ length: 100 }).notNull(),
  code: varchar({ length: 20 }),
  body: text(),
  active: boolean().notNull().default(true),
  price: numeric({ precision: 10, scale: 2 }),
  total: bigint(),
  created: timestamp().notNull(),
  day: date(),
  rank: smallint(),
  score: real(),
}, (t) => [index().on(t.name), index().on(t.created, t.rank), unique().on(t.code)])`)
  }
  return out.join('\n') + '\n'
}

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
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
  const t0 = performance.now()
  const model = await dialect.introspect(counting, { excludeTables: (name) => name.startsWith('strata_') })
  const ms = performance.now() - t0
  await conn.close()
  return { queries, ms, tables: model.tables.length }
}

async function bench(label, dialectName, adminUrl, createDb, dropDb, dbUrl) {
  await createDb()
  const project = makeProject(`introspect-${dialectName}`, { url: dbUrl, schema: schemaSource(TABLES) })
  try {
    let r = runCli(project.dir, ['revision', '--autogenerate', '-m', 'bench schema'])
    if (r.status !== 0) throw new Error(r.stderr)
    r = runCli(project.dir, ['upgrade', 'head'])
    if (r.status !== 0) throw new Error(r.stderr)
    const times = []
    const peaks = []
    for (let i = 0; i < RUNS; i++) {
      const c = runCli(project.dir, ['check'])
      if (c.status !== 0) throw new Error(`check found differences:\n${c.stdout}${c.stderr}`)
      times.push(c.seconds)
      peaks.push(c.peakMb)
    }
    const small = await countingIntrospect(dialectName, dbUrl)
    console.log(`${label}: ${TABLES} tables`)
    console.log(`  strata check (no changes) : ${median(times).toFixed(3)} s wall, peak ${median(peaks)?.toFixed(0)} MB (median of ${RUNS})`)
    console.log(`  introspection alone       : ${small.ms.toFixed(0)} ms, ${small.queries} catalog queries for ${small.tables} tables`)
  } finally {
    project.remove()
    await dropDb()
  }
}

async function queriesFor(dialectName, tables, url, createDb, dropDb) {
  // The catalog query count for a tiny schema, to show it does not grow with the table count.
  await createDb()
  const project = makeProject(`introspect-small-${dialectName}`, { url, schema: schemaSource(tables) })
  try {
    runCli(project.dir, ['revision', '--autogenerate', '-m', 'small'])
    runCli(project.dir, ['upgrade', 'head'])
    return (await countingIntrospect(dialectName, url)).queries
  } finally {
    project.remove()
    await dropDb()
  }
}

const pgAdmin = process.env.STRATA_TEST_PG ?? 'postgresql://postgres@127.0.0.1:5432/test'
const myAdmin = process.env.STRATA_TEST_MYSQL ?? 'mysql://root@127.0.0.1:3306/test'

async function pgDb(name) {
  const run = async (sql) => {
    const c = new pg.Client({ connectionString: pgAdmin })
    await c.connect()
    await c.query(sql)
    await c.end()
  }
  return {
    url: pgAdmin.replace(/\/[^/]*$/, `/${name}`),
    create: () => run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).then(() => run(`CREATE DATABASE ${name}`)),
    drop: () => run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  }
}
async function myDb(name) {
  const run = async (sql) => {
    const c = await mysql.createConnection({ uri: myAdmin })
    await c.query(sql)
    await c.end()
  }
  return {
    url: myAdmin.replace(/\/[^/]*$/, `/${name}`),
    create: () => run(`DROP DATABASE IF EXISTS ${name}`).then(() => run(`CREATE DATABASE ${name}`)),
    drop: () => run(`DROP DATABASE IF EXISTS ${name}`),
  }
}

for (const [label, dialectName, make] of [
  ['PostgreSQL', 'postgres', pgDb],
  ['MariaDB', 'mysql', myDb],
]) {
  try {
    const big = await make('strata_bench_big')
    const tiny = await make('strata_bench_tiny')
    const tinyQueries = await queriesFor(dialectName, 2, tiny.url, tiny.create, tiny.drop)
    await bench(label, dialectName, null, big.create, big.drop, big.url)
    console.log(`  catalog queries for 2 tables: ${tinyQueries}`)
  } catch (error) {
    console.log(`${label}: skipped (${error.message.split('\n')[0]})`)
  }
}
