// The issue 4 / issue 16 `check` schema: n tables of 12 columns of assorted types, 2 indexes, 1 unique constraint,
// and a foreign key to the previous table in chains of 10. Shared by introspect-bench and check-alembic, and the
// databases they build.
import pg from 'pg'
import mysql from 'mysql2/promise'
import { makeProject, runCli } from './lib.mjs'

export function schemaSource(n) {
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

const pgAdmin = process.env.STRATA_TEST_PG ?? 'postgresql://postgres@127.0.0.1:5432/test'
const myAdmin = process.env.STRATA_TEST_MYSQL ?? 'mysql://root@127.0.0.1:3306/test'

/** A throwaway PostgreSQL database: its URL, and create (drop first) / drop. */
export function pgDb(name) {
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

/** A throwaway MariaDB/MySQL database: its URL, and create (drop first) / drop. */
export function myDb(name) {
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

export const DATABASES = [
  ['PostgreSQL', 'postgres', pgDb],
  ['MariaDB', 'mysql', myDb],
]

/** A database of `tables` tables built by strata itself (autogenerate, upgrade); `use(project, url)` runs while it exists. */
export async function withSchema(label, make, tables, use) {
  const db = make(`strata_bench_${label.replace(/\W/g, '_')}_${tables}`)
  await db.create()
  const project = makeProject(label, { url: db.url, schema: schemaSource(tables) })
  try {
    // One transaction creating 2,000 tables outgrows stock PostgreSQL's lock table (max_locks_per_transaction).
    for (const args of [['revision', '--autogenerate', '-m', 'bench schema'], ['upgrade', 'head', '--transaction-mode', 'none']]) {
      const r = runCli(project.dir, args)
      if (r.status !== 0) throw new Error(r.stderr)
    }
    return await use(project, db.url)
  } finally {
    project.remove()
    await db.drop()
  }
}
