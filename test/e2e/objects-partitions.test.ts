/**
 * Partitioned tables (PostgreSQL): a range table (two partitions and a default), a list one and a hash one (modulus
 * 4) from an empty database, down to base and up again; rows inserted through a parent land in the right partition
 * (`tableoid::regclass`) and survive migrations that add a partition, an index or a column on the parent; a
 * dropped partition is a destructive finding; new bounds keep the rows (DETACH + ATTACH); turning a plain table
 * into a partitioned one is refused in one line; `pull` writes partitions. MySQL and SQLite refuse the schema when
 * it loads, naming the table.
 */
import assert from 'node:assert/strict'
import { after, before, it } from 'node:test'
import { checkSchema, downgrade, downgradeSql, pull, upgrade, upgradeSql } from '../../src/index.js'
import { CycleRunner, linkedProject, rows } from '../support/autogen-cycle.js'
import { type TestDatabase, createTestDatabase, describeDialect, describeEachDialect } from '../support/databases.js'
import { rawQuery } from '../support/inspect.js'
import { type UserProject, typeCheck } from '../support/project.js'

const IMPORTS = `import { table, bigint, integer, varchar, text, timestamp, partition, primaryKey, index, minValue } from 'strata-db'\n`

interface EventsShape {
  /** Extra column on the parent. */
  note?: boolean
  /** Index on the parent. */
  index?: boolean
}

function events(shape: EventsShape = {}): string {
  const note = shape.note ? ', note: text()' : ''
  const extras = shape.index ? '(t) => [primaryKey({ columns: [t.id, t.createdAt] }), index().on(t.body)]' : '(t) => [primaryKey({ columns: [t.id, t.createdAt] })]'
  return `export const events = table('events', { id: bigint().notNull(), createdAt: timestamp('created_at').notNull(), body: text()${note} }, ${extras}, { partitionBy: { kind: 'range', columns: ['createdAt'] } })\n`
}

const range = (name: string, from: string, to: string) => `export const ${name} = partition('${name}', { of: events, values: { from: '${from}', to: '${to}' } })\n`
const EVENTS_2025 = range('events_2025', '2025-01-01', '2026-01-01')
const EVENTS_2026 = range('events_2026', '2026-01-01', '2027-01-01')
const EVENTS_DEFAULT = "export const events_other = partition('events_other', { of: events, values: 'default' })\n"

function sales(values: { eu: string; us: string } = { eu: "['de', 'fr']", us: "['us']" }): string {
  return (
    "export const sales = table('sales', { id: integer().notNull(), region: varchar({ length: 10 }).notNull() }, { partitionBy: { kind: 'list', columns: ['region'] } })\n" +
    `export const sales_eu = partition('sales_eu', { of: sales, values: { in: ${values.eu} } })\n` +
    `export const sales_us = partition('sales_us', { of: sales, values: { in: ${values.us} } })\n`
  )
}

const ACCOUNTS =
  "export const accounts = table('accounts', { id: integer().primaryKey() }, { partitionBy: { kind: 'hash', columns: ['id'] } })\n" +
  [0, 1, 2, 3].map((r) => `export const accounts_${r} = partition('accounts_${r}', { of: accounts, values: { modulus: 4, remainder: ${r} } })\n`).join('')

const ALL = IMPORTS + events() + EVENTS_2025 + EVENTS_2026 + EVENTS_DEFAULT + sales() + ACCOUNTS

const SEED = [
  "INSERT INTO events (id, created_at, body) VALUES (1, '2025-06-01', 'a'), (2, '2026-02-01', 'b'), (3, '2026-03-01', 'c'), (4, '2030-01-01', 'd')",
  "INSERT INTO sales (id, region) VALUES (1, 'de'), (2, 'fr'), (3, 'us')",
  'INSERT INTO accounts (id) SELECT generate_series(1, 40)',
]

describeDialect('postgres', 'partitioned tables', ({ dialect, db }) => {
  let runner: CycleRunner
  before(() => {
    runner = new CycleRunner(dialect, db(), 'partitions')
  })
  after(() => runner?.remove())

  /** Partition of each events row, by id. */
  async function eventPartitions(): Promise<Record<string, string | null>> {
    const found = await rows(runner.db, 'SELECT id, tableoid::regclass::text AS part FROM events ORDER BY id')
    return Object.fromEntries(found.map((r) => [r.id!, r.part]))
  }

  it('from empty: range (2 + default), list and hash; check clean; down to base leaves nothing; up again', async () => {
    const config = runner.writeConfig()
    runner.project.write('./schemas/all.ts', ALL)
    const api = runner.configFor('./schemas/all.ts')
    try {
      const out = runner.autogenerate('./schemas/all.ts', 'all')
      const kinds = out.changes.map((c) => c.kind)
      assert.equal(kinds.filter((k) => k === 'createTable').length, 3)
      assert.equal(kinds.filter((k) => k === 'createPartition').length, 9)
      // Every partition after every parent.
      assert.ok(kinds.lastIndexOf('createTable') < kinds.indexOf('createPartition'), kinds.join(' '))
      // Offline SQL, before anything runs.
      const script = await upgradeSql(api, 'head')
      assert.match(script, /CREATE TABLE "events" \([\s\S]*?\) PARTITION BY RANGE \("created_at"\);/)
      assert.match(script, /CREATE TABLE "events_2025" PARTITION OF "events" FOR VALUES FROM \('2025-01-01'\) TO \('2026-01-01'\);/)
      assert.match(script, /CREATE TABLE "events_other" PARTITION OF "events" DEFAULT;/)
      assert.match(script, /CREATE TABLE "sales_eu" PARTITION OF "sales" FOR VALUES IN \('de', 'fr'\);/)
      assert.match(script, /CREATE TABLE "accounts_3" PARTITION OF "accounts" FOR VALUES WITH \(MODULUS 4, REMAINDER 3\);/)
      const down = await downgradeSql(api, 'all:base')
      assert.ok(down.indexOf('DROP TABLE "events_2025"') < down.indexOf('DROP TABLE "events";'), down)
      await upgrade(api, 'head')
      assert.deepEqual(await runner.differences('./schemas/all.ts'), [])
      for (const s of SEED) await rawQuery(runner.db, s)
      assert.deepEqual(await eventPartitions(), { '1': 'events_2025', '2': 'events_2026', '3': 'events_2026', '4': 'events_other' })
      assert.deepEqual(await rows(runner.db, 'SELECT region, tableoid::regclass::text AS part FROM sales ORDER BY id'), [
        { region: 'de', part: 'sales_eu' },
        { region: 'fr', part: 'sales_eu' },
        { region: 'us', part: 'sales_us' },
      ])
      const hashed = await rows(runner.db, 'SELECT tableoid::regclass::text AS part, count(*) AS n FROM accounts GROUP BY 1 ORDER BY 1')
      assert.deepEqual(hashed.map((r) => r.part), ['accounts_0', 'accounts_1', 'accounts_2', 'accounts_3'])
      assert.equal(hashed.reduce((sum, r) => sum + Number(r.n), 0), 40)

      await downgrade(api, 'base')
      assert.deepEqual(await runner.userTables(), [])
      await upgrade(api, 'head')
      assert.deepEqual(await runner.differences('./schemas/all.ts'), [])
      assert.equal((await runner.userTables()).length, 12)
    } finally {
      await runner.reset(config)
    }
  })

  it('the same bounds spelled another way: nothing detected', async () => {
    await runner.run({
      name: 'spelled',
      a: IMPORTS + events() + EVENTS_2026 + sales(),
      b: IMPORTS + events() + range('events_2026', '2026-01-01T00:00:00', '2027-01-01 00:00:00.000') + sales({ eu: "['fr', 'de']", us: "['us']" }),
      detected: [],
    })
  })

  it('adds a partition, an index and a column on the parent: rows stay where they were; children inherit both', async () => {
    await runner.run({
      name: 'grow',
      a: IMPORTS + events() + EVENTS_2025 + EVENTS_DEFAULT,
      b: IMPORTS + events({ note: true, index: true }) + EVENTS_2025 + EVENTS_2026 + EVENTS_DEFAULT,
      seed: ["INSERT INTO events (id, created_at, body) VALUES (1, '2025-06-01', 'a'), (4, '2030-01-01', 'd')"],
      detected: ["added partition 'events_2026' of 'events'", "added column 'events.note'", "added index 'ix_events_body' on 'events'"],
      atB: async () => {
        assert.deepEqual(await eventPartitions(), { '1': 'events_2025', '4': 'events_other' })
        await rawQuery(runner.db, "INSERT INTO events (id, created_at, body, note) VALUES (2, '2026-05-01', 'b', 'n')")
        assert.deepEqual(await eventPartitions(), { '1': 'events_2025', '2': 'events_2026', '4': 'events_other' })
        const columns = await rows(runner.db, "SELECT table_name AS t FROM information_schema.columns WHERE column_name = 'note' ORDER BY 1")
        assert.deepEqual(columns.map((c) => c.t), ['events', 'events_2025', 'events_2026', 'events_other'])
        const indexed = await rows(runner.db, "SELECT tablename AS t FROM pg_indexes WHERE indexdef LIKE '%(body)%' ORDER BY 1")
        assert.deepEqual(indexed.map((c) => c.t), ['events', 'events_2025', 'events_2026', 'events_other'])
      },
      atA: async () => {
        assert.deepEqual(await eventPartitions(), { '1': 'events_2025', '4': 'events_other' })
        assert.deepEqual(await rows(runner.db, "SELECT 1 FROM information_schema.columns WHERE column_name = 'note'"), [])
      },
    })
  })

  it('drops a partition: a destructive finding; its rows go with it; downgrade brings it back empty', async () => {
    await runner.run({
      name: 'shrink',
      a: IMPORTS + events() + EVENTS_2025 + EVENTS_2026,
      b: IMPORTS + events() + EVENTS_2025,
      seed: ["INSERT INTO events (id, created_at, body) VALUES (1, '2025-06-01', 'a'), (2, '2026-02-01', 'b')"],
      detected: ["removed partition 'events_2026' of 'events'"],
      warnings: ["drops partition 'events_2026' of 'events' with its rows (data loss)"],
      atB: async () => assert.deepEqual(await eventPartitions(), { '1': 'events_2025' }),
      atA: async () => {
        assert.deepEqual(await eventPartitions(), { '1': 'events_2025' })
        assert.deepEqual(await rows(runner.db, "SELECT relname FROM pg_class WHERE relname = 'events_2026' AND relispartition"), [{ relname: 'events_2026' }])
      },
    })
  })

  it('new bounds: detach and attach again, rows kept (and the old bounds back on downgrade)', async () => {
    const result = await runner.run({
      name: 'rebound',
      a: IMPORTS + events() + EVENTS_2026 + sales(),
      b: IMPORTS + events() + range('events_2026', '2026-01-01', '2028-01-01') + sales({ eu: "['de', 'fr', 'it']", us: "['us']" }),
      seed: ["INSERT INTO events (id, created_at, body) VALUES (2, '2026-02-01', 'b')", "INSERT INTO sales (id, region) VALUES (1, 'de'), (3, 'us')"],
      detected: ["changed the bounds of partition 'events_2026' of 'events'", "changed the bounds of partition 'sales_eu' of 'sales'"],
      atB: async () => {
        await rawQuery(runner.db, "INSERT INTO events (id, created_at, body) VALUES (3, '2027-06-01', 'c')")
        await rawQuery(runner.db, "INSERT INTO sales (id, region) VALUES (2, 'it')")
        assert.deepEqual(await eventPartitions(), { '2': 'events_2026', '3': 'events_2026' })
        // Downgrade puts the old bound back: the row of 2027 no longer fits, so it goes first.
        await rawQuery(runner.db, 'DELETE FROM events WHERE id = 3')
        await rawQuery(runner.db, 'DELETE FROM sales WHERE id = 2')
      },
      atA: async () => {
        assert.deepEqual(await eventPartitions(), { '2': 'events_2026' })
        assert.deepEqual(await rows(runner.db, 'SELECT region, tableoid::regclass::text AS part FROM sales ORDER BY id'), [
          { region: 'de', part: 'sales_eu' },
          { region: 'us', part: 'sales_us' },
        ])
        const [bound] = await rows(runner.db, "SELECT pg_get_expr(relpartbound, oid) AS b FROM pg_class WHERE relname = 'events_2026'")
        assert.match(bound!.b!, /TO \('2027-01-01/)
      },
    })
    assert.match(result.source, /op\.alterPartitionBound\('events_2026', \{\s+of: 'events',\s+values: \{ from: '2026-01-01', to: '2028-01-01' \},\s+existing: /)
  })

  it('a range with MINVALUE, and a multi-column key: created, compared clean, and dropped', async () => {
    const multi =
      "export const readings = table('readings', { site: integer().notNull(), day: integer().notNull() }, { partitionBy: { kind: 'range', columns: ['site', 'day'] } })\n" +
      "export const readings_low = partition('readings_low', { of: readings, values: { from: [minValue, minValue], to: [10, 100] } })\n"
    await runner.run({
      name: 'multi',
      a: IMPORTS + events(),
      b: IMPORTS + events() + multi,
      detected: ["added table 'readings'", "added partition 'readings_low' of 'readings'"],
      atB: async () => {
        await rawQuery(runner.db, 'INSERT INTO readings (site, day) VALUES (-5, 3), (10, 99)')
        assert.deepEqual(await rows(runner.db, 'SELECT count(*) AS n FROM readings_low'), [{ n: '2' }])
        await rawQuery(runner.db, 'DELETE FROM readings')
      },
    })
  })

  it('refuses to partition an existing plain table, in one line naming it', async () => {
    runner.writeConfig()
    const plain = IMPORTS + "export const logs = table('logs', { id: integer().notNull(), at: integer().notNull() })\n"
    const parted =
      IMPORTS +
      "export const logs = table('logs', { id: integer().notNull(), at: integer().notNull() }, { partitionBy: { kind: 'range', columns: ['at'] } })\n" +
      "export const logs_all = partition('logs_all', { of: logs, values: 'default' })\n"
    runner.project.write('./schemas/plain.ts', plain)
    runner.project.write('./schemas/parted.ts', parted)
    try {
      runner.autogenerate('./schemas/plain.ts', 'plain')
      await upgrade(runner.configFor('./schemas/plain.ts'), 'head')
      const result = runner.project.strata(['revision', '--autogenerate', '-m', 'parted'], { STRATA_TEST_SCHEMA: './schemas/parted.ts' })
      assert.equal(result.code, 2, result.stdout + result.stderr)
      const lines = result.stderr.trim().split('\n')
      assert.equal(lines.length, 1, result.stderr)
      assert.match(lines[0]!, /table 'logs' is a plain table in the database: PostgreSQL cannot change that in place: declare a new table/)
    } finally {
      await runner.reset()
    }
  })
})

describeDialect('postgres', 'strata pull writes partitioned tables', ({ dialect }) => {
  let db: TestDatabase
  let project: UserProject
  before(async () => {
    db = await createTestDatabase(dialect, 'pull partitions')
    project = linkedProject('pull-partitions')
    project.write('strata.config.ts', `import { defineConfig } from 'strata-db'\n\nexport default defineConfig({ url: '${db.url}', schema: './db/schema.ts' })\n`)
    for (const statement of [
      'CREATE TABLE metrics (id integer NOT NULL, at date NOT NULL, v text) PARTITION BY RANGE (at)',
      "CREATE TABLE metrics_2026 PARTITION OF metrics FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')",
      'CREATE TABLE metrics_rest PARTITION OF metrics DEFAULT',
      'CREATE INDEX ix_metrics_at ON metrics (at)',
      'CREATE TABLE tags (name text NOT NULL) PARTITION BY LIST (name)',
      "CREATE TABLE tags_ab PARTITION OF tags FOR VALUES IN ('a', 'b', 'it''s')",
      'CREATE TABLE buckets (id bigint NOT NULL) PARTITION BY HASH (id)',
      'CREATE TABLE buckets_0 PARTITION OF buckets FOR VALUES WITH (MODULUS 2, REMAINDER 0)',
      'CREATE TABLE buckets_1 PARTITION OF buckets FOR VALUES WITH (MODULUS 2, REMAINDER 1)',
    ])
      await rawQuery(db, statement)
  })
  after(async () => {
    project?.remove()
    await db?.drop()
  })

  it('declares parents with partitionBy and each partition; check is then clean and the file type-checks', async () => {
    const configFile = project.path('strata.config.ts')
    const { source, unmodelled } = await pull(configFile)
    assert.match(source, /table\(\s*'metrics',[\s\S]*partitionBy: \{ kind: 'range', columns: \['at'\] \}/)
    assert.match(source, /export const metrics2026 = partition\('metrics_2026', \{ of: metrics, values: \{ from: '2026-01-01', to: '2027-01-01' \} \}\)/)
    assert.match(source, /partition\('metrics_rest', \{ of: metrics, values: 'default' \}\)/)
    assert.match(source, /partition\('tags_ab', \{ of: tags, values: \{ in: \['a', 'b', "it's"\] \} \}\)/)
    assert.match(source, /partition\('buckets_1', \{ of: buckets, values: \{ modulus: 2, remainder: 1 \} \}\)/)
    assert.equal((source.match(/= table\(/g) ?? []).length, 3, source)
    assert.deepEqual(unmodelled, [])
    const changes = await checkSchema(configFile)
    assert.deepEqual(changes.map((c) => c.message), [], source)
    const result = typeCheck(project, [project.path('db/schema.ts')])
    assert.equal(result.code, 0, result.stdout + result.stderr)
  })
})

describeEachDialect('partitioned tables elsewhere', ({ dialect, db }) => {
  if (dialect === 'postgres') return
  let runner: CycleRunner
  before(() => {
    runner = new CycleRunner(dialect, db(), 'partitions-refused')
  })
  after(() => runner?.remove())

  it('refuses the schema when it loads, in one line naming the table', () => {
    runner.writeConfig()
    runner.project.write('./schemas/all.ts', ALL)
    const result = runner.project.strata(['revision', '--autogenerate', '-m', 'all'], { STRATA_TEST_SCHEMA: './schemas/all.ts' })
    assert.notEqual(result.code, 0)
    const lines = result.stderr.trim().split('\n')
    assert.equal(lines.length, 1, result.stderr)
    assert.match(lines[0]!, /table '(accounts|events|sales)': partitioned tables are supported on PostgreSQL only, not (SQLite|MySQL)/)
  })
})
