import pg from 'pg'
import { loadDialect } from '/work/main/dist/runtime/dialects.js'
import { parseDatabaseUrl } from '/work/main/dist/runtime/url.js'
import { writeFileSync } from 'node:fs'
const admin = new pg.Client({ connectionString: 'postgresql://postgres@127.0.0.1:5432/test' }); await admin.connect()
await admin.query('DROP DATABASE IF EXISTS strata_pgprof WITH (FORCE)'); await admin.query('CREATE DATABASE strata_pgprof'); await admin.end()
const c = new pg.Client({ connectionString: 'postgresql://postgres@127.0.0.1:5432/strata_pgprof' }); await c.connect()
let ddl = ''
for (let i = 0; i < 1000; i++) ddl += `CREATE TABLE bench_${i} (id integer NOT NULL PRIMARY KEY, parent_id integer ${i % 10 ? `REFERENCES bench_${i-1}(id)` : ''}, name varchar(100) NOT NULL, code varchar(20) UNIQUE, body text, active boolean NOT NULL DEFAULT true, price numeric(10,2), total bigint, created timestamp NOT NULL, day date, rank smallint, score real); CREATE INDEX ix_${i}_a ON bench_${i}(name); CREATE INDEX ix_${i}_b ON bench_${i}(created, rank);\n`
await c.query(ddl); await c.end()
const d = await loadDialect('postgres')
const conn = await d.connect(parseDatabaseUrl('postgresql://postgres@127.0.0.1:5432/strata_pgprof', '/'))
const orig = conn.query.bind(conn)
conn.query = async (sql, p) => { const t = performance.now(); const r = await orig(sql, p); console.log((performance.now() - t).toFixed(0), 'ms', r.length, 'rows', sql.replace(/\s+/g, ' ').slice(0, 90)); return r }
for (let k = 0; k < 2; k++) { const t = performance.now(); await d.introspect(conn, {}); console.log('total', (performance.now() - t).toFixed(0)) }
await conn.close()
