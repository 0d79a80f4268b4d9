/**
 * Index details, collations and MySQL's ON UPDATE, A → B → A on each dialect through the CLI's autogenerate: every
 * detail the dialect keeps, from an empty database and as one mutation at a time on a table holding rows. Each
 * cycle checks that `check` is clean at A and at B, that the rows survive, and what the server now does with them
 * (ordering by a collation, a NOCASE unique index, an ON UPDATE timestamp).
 */
import assert from 'node:assert/strict'
import { after, before, it } from 'node:test'
import { checkSchema, pull } from '../../src/index.js'
import { CycleRunner, linkedProject, rows } from '../support/autogen-cycle.js'
import { describeDialect } from '../support/databases.js'
import { rawQuery } from '../support/inspect.js'
import { type UserProject, typeCheck } from '../support/project.js'
import { runScript } from '../support/sql-script.js'

const IMPORTS = `import { table, integer, text, varchar, jsonb, timestamp, index, uniqueIndex, indexColumn, sql } from 'strata-db'\n`

function docs(columns: string, extras: string): string {
  return `${IMPORTS}export const docs = table('docs', {
  id: integer().primaryKey(),
  title: text(),
  data: jsonb(),${columns}
}, (t) => [${extras}])
`
}

const PG_SEED = [`INSERT INTO docs (id, title, data) VALUES (1, 'a', '{"k": 1}'), (2, 'B', '{"k": 2}'), (3, NULL, NULL)`]
const titles = (db: CycleRunner['db'], order: string) => rows(db, `SELECT title FROM docs WHERE title IS NOT NULL ORDER BY ${order}`)

describeDialect('postgres', 'index details', ({ dialect, db }) => {
  let runner: CycleRunner
  before(() => {
    runner = new CycleRunner(dialect, db(), 'index-details')
  })
  after(() => runner?.remove())

  it('every detail from an empty table: using, opclass, desc, nulls, element collation, include, column collation', async () => {
    const result = await runner.run({
      name: 'kitchen',
      a: docs('', ''),
      b: docs(
        "\n  code: varchar({ length: 20 }).collate('en-x-icu'),",
        `
  index('ix_docs_data').using('gin').on(t.data.opclass('jsonb_path_ops')),
  index('ix_docs_title').on(t.title.desc().nullsLast(), t.code.collate('C'), indexColumn(sql\`lower(title)\`).desc()).include(t.id),
`,
      ),
      seed: PG_SEED,
      detected: ["added column 'docs.code'", "added index 'ix_docs_data' on 'docs'", "added index 'ix_docs_title' on 'docs'"],
      file: (source) => {
        assert.match(source, /op\.createIndex\('ix_docs_data', 'docs', \[\{ column: 'data', opclass: 'jsonb_path_ops' \}\], \{ using: 'gin' \}\)/)
        assert.match(source, /\{ column: 'title', desc: true, nulls: 'last' \}/)
        assert.match(source, /include: \['id'\]/)
        assert.match(source, /\.collate\('en-x-icu'\)/)
      },
      atB: async () => {
        const defs = await rows(runner.db, "SELECT indexdef FROM pg_indexes WHERE tablename = 'docs' AND indexname LIKE 'ix_%' ORDER BY indexname")
        assert.deepEqual(defs.map((r) => r.indexdef), [
          'CREATE INDEX ix_docs_data ON public.docs USING gin (data jsonb_path_ops)',
          'CREATE INDEX ix_docs_title ON public.docs USING btree (title DESC NULLS LAST, code COLLATE "C", lower(title) DESC) INCLUDE (id)',
        ])
        assert.deepEqual(await rows(runner.db, 'SELECT count(*) AS n FROM docs'), [{ n: '3' }])
      },
    })
    assert.equal(result.detected.length, 3)
  })

  it('a column collation changes the order the server sorts in; the rows are kept both ways', async () => {
    await runner.run({
      name: 'collation',
      a: docs('', ''),
      b: docs('', '').replace('title: text(),', "title: text().collate('en-x-icu'),"),
      seed: PG_SEED,
      detected: ["changed collation of column 'docs.title'"],
      file: (source) => {
        assert.match(source, /op\.alterColumn\('docs', 'title', \{\n\s+collation: 'en-x-icu',/)
        assert.match(source, /existingCollation: null,/)
      },
      // C.UTF-8 (the database's default) sorts 'B' before 'a'; ICU English sorts 'a' first.
      atB: async () => assert.deepEqual(await titles(runner.db, 'title'), [{ title: 'a' }, { title: 'B' }]),
      atA: async () => assert.deepEqual(await titles(runner.db, 'title COLLATE "C"'), [{ title: 'B' }, { title: 'a' }]),
    })
  })

  for (const [name, a, b] of [
    ['desc', "index('ix_t').on(t.title.desc())", "index('ix_t').on(t.title)"],
    ['nulls', "index('ix_t').on(t.title)", "index('ix_t').on(t.title.nullsFirst())"],
    ['method', "index('ix_t').on(t.data)", "index('ix_t').using('gin').on(t.data)"],
    ['opclass', "index('ix_t').using('gin').on(t.data)", "index('ix_t').using('gin').on(t.data.opclass('jsonb_path_ops'))"],
    ['include', "index('ix_t').on(t.title)", "index('ix_t').on(t.title).include(t.id)"],
    ['elementcollate', "index('ix_t').on(t.title)", "index('ix_t').on(t.title.collate('C'))"],
  ] as const) {
    it(`a changed ${name} re-creates the index exactly, and back`, async () => {
      await runner.run({
        name,
        a: docs('', a),
        b: docs('', b),
        seed: PG_SEED,
        detected: ["removed index 'ix_t' on 'docs'", "added index 'ix_t' on 'docs'"],
        atB: async () => assert.deepEqual(await rows(runner.db, 'SELECT count(*) AS n FROM docs'), [{ n: '3' }]),
      })
    })
  }

  it('.concurrently() builds the index CONCURRENTLY in an autocommit block, and is not itself a difference', async () => {
    await runner.run({
      name: 'concurrently',
      a: docs('', ''),
      b: docs('', "index('ix_c').on(t.title).concurrently()"),
      seed: PG_SEED,
      detected: ["added index 'ix_c' on 'docs'"],
      file: (source) => {
        assert.match(source, /op\.autocommit\(/)
        assert.match(source, /op\.createIndex\('ix_c', 'docs', \['title'\], \{ online: true \}\)/)
      },
    })
  })
})

describeDialect('sqlite', 'index details', ({ dialect, db }) => {
  let runner: CycleRunner
  before(() => {
    runner = new CycleRunner(dialect, db(), 'index-details')
  })
  after(() => runner?.remove())
  const people = (name: string, extras: string) => `${IMPORTS}export const people = table('people', {
  id: integer().primaryKey(),
  name: ${name},
  note: text(),
}, (t) => [${extras}])
`

  it('desc, element collation and a NOCASE column from empty; the NOCASE unique index refuses A after a', async () => {
    await runner.run({
      name: 'kitchen',
      a: people('text()', ''),
      b: people("text().collate('NOCASE')", "uniqueIndex('ux_people_name').on(t.name), index('ix_people_note').on(t.note.desc().collate('RTRIM'), t.id.desc())"),
      seed: ["INSERT INTO people (id, name, note) VALUES (1, 'a', 'x'), (2, 'b', NULL)"],
      detected: ["changed collation of column 'people.name'", "added index 'ux_people_name' on 'people'", "added index 'ix_people_note' on 'people'"],
      warnings: null,
      atB: async () => {
        await assert.rejects(rawQuery(runner.db, "INSERT INTO people (id, name) VALUES (3, 'A')"), /UNIQUE/)
        const sql = await rows(runner.db, "SELECT sql FROM sqlite_master WHERE name = 'ix_people_note'")
        assert.match(sql[0]!.sql!, /"note" COLLATE "RTRIM" DESC, "id" DESC/)
      },
      atA: async () => {
        await rawQuery(runner.db, "INSERT INTO people (id, name) VALUES (3, 'A')")
        assert.deepEqual(await rows(runner.db, 'SELECT id, name FROM people ORDER BY id'), [{ id: '1', name: 'a' }, { id: '2', name: 'b' }, { id: '3', name: 'A' }])
      },
    })
  })

  it('desc → asc re-creates the index; an expression written `name DESC` compares equal to .desc()', async () => {
    await runner.run({
      name: 'desc',
      a: people('text()', "index('ix_n').on(t.name.desc())"),
      b: people('text()', "index('ix_n').on(t.name)"),
      detected: ["removed index 'ix_n' on 'people'", "added index 'ix_n' on 'people'"],
    })
    await runner.run({ name: 'spelled', a: people('text()', "index('ix_n').on(sql`\"name\" DESC`)"), b: people('text()', "index('ix_n').on(t.name.desc())"), detected: [] })
  })
})

describeDialect('mysql', 'index details', ({ dialect, db }) => {
  let runner: CycleRunner
  before(() => {
    runner = new CycleRunner(dialect, db(), 'index-details')
  })
  after(() => runner?.remove())
  const events = (columns: string, extras: string) => `${IMPORTS}export const events = table('events', {
  id: integer().primaryKey(),
  name: varchar({ length: 40 }),${columns}
}, (t) => [${extras}])
`
  const SEED = ["INSERT INTO events (id, name) VALUES (1, 'a'), (2, 'b')"]

  it('desc, a binary collation and ON UPDATE from empty; updating a row moves its timestamp', async () => {
    await runner.run({
      name: 'kitchen',
      a: events('', ''),
      b: events(
        "\n  code: varchar({ length: 10 }).collate('utf8mb4_bin'),\n  touched: timestamp({ mysqlType: 'timestamp' }).default(sql`CURRENT_TIMESTAMP`).onUpdateNow(),",
        "index('ix_events_name').on(t.name.desc(), t.id), uniqueIndex('ux_events_code').on(t.code)",
      ),
      seed: SEED,
      detected: ["added column 'events.code'", "added column 'events.touched'", "added index 'ix_events_name' on 'events'", "added unique constraint 'ux_events_code' on 'events'"].filter(Boolean),
      warnings: null,
      file: (source) => assert.match(source, /\.onUpdateNow\(\)|onUpdateNow: true/),
      atB: async () => {
        // utf8mb4_bin tells 'x' from 'X' (the default _ci collation would call them duplicates).
        await rawQuery(runner.db, "UPDATE events SET code = 'x' WHERE id = 1")
        await rawQuery(runner.db, "UPDATE events SET code = 'X' WHERE id = 2")
        await rawQuery(runner.db, "UPDATE events SET touched = '2001-01-01 00:00:00' WHERE id = 1")
        await rawQuery(runner.db, "UPDATE events SET name = 'renamed' WHERE id = 1")
        const [row] = await rows(runner.db, 'SELECT YEAR(touched) AS y FROM events WHERE id = 1')
        assert.notEqual(row!.y, '2001', 'ON UPDATE set the timestamp to now')
      },
      atA: async () => assert.deepEqual(await rows(runner.db, 'SELECT id, name FROM events ORDER BY id'), [{ id: '1', name: 'renamed' }, { id: '2', name: 'b' }]),
    })
  })

  it('on-update added and removed, a collation changed, desc → asc: each detected exactly, rows kept', async () => {
    const touched = "\n  touched: timestamp({ mysqlType: 'timestamp' }).default(sql`CURRENT_TIMESTAMP`),"
    await runner.run({
      name: 'onupdate',
      a: events(touched, ''),
      b: events(touched.replace('),', ').onUpdateNow(),'), ''),
      seed: SEED,
      detected: ["changed onUpdateNow of column 'events.touched'"],
    })
    await runner.run({
      name: 'collation',
      a: events('', ''),
      b: events('', '').replace('varchar({ length: 40 })', "varchar({ length: 40 }).collate('utf8mb4_bin')"),
      seed: SEED,
      detected: ["changed collation of column 'events.name'"],
      atB: async () => assert.deepEqual(await rows(runner.db, "SELECT COLLATION_NAME AS c FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'events' AND COLUMN_NAME = 'name'"), [{ c: 'utf8mb4_bin' }]),
      atA: async () => assert.deepEqual(await rows(runner.db, 'SELECT id, name FROM events ORDER BY id'), [{ id: '1', name: 'a' }, { id: '2', name: 'b' }]),
    })
    await runner.run({
      name: 'desc',
      a: events('', "index('ix_n').on(t.name.desc())"),
      b: events('', "index('ix_n').on(t.name)"),
      seed: SEED,
      detected: ["removed index 'ix_n' on 'events'", "added index 'ix_n' on 'events'"],
    })
  })
})

describeDialect('sqlite', 'collation names written in lower case', ({ dialect, db }) => {
  let runner: CycleRunner
  before(() => {
    runner = new CycleRunner(dialect, db(), 'lower-collations')
  })
  after(() => runner?.remove())

  // SQLite names collations without regard to case: `collate nocase` is NOCASE, and stays spelled as written.
  it('a table made with `collate nocase` / `collate rtrim`: nothing detected, declared in either case or pulled', async () => {
    const config = runner.writeConfig()
    try {
      await runScript(
        runner.db,
        `CREATE TABLE decks (id INTEGER PRIMARY KEY, name text not null collate nocase, code text collate rtrim);
CREATE INDEX ix_decks_code ON decks (code collate nocase, name collate rtrim);`,
      )
      const decks = (nocase: string, rtrim: string) => `${IMPORTS}export const decks = table('decks', {
  id: integer().primaryKey(),
  name: text().notNull().collate('${nocase}'),
  code: text().collate('${rtrim}'),
}, (t) => [index('ix_decks_code').on(t.code.collate('${nocase}'), t.name.collate('${rtrim}'))])
`
      runner.project.write('schemas/lower.ts', decks('nocase', 'rtrim'))
      runner.project.write('schemas/upper.ts', decks('NOCASE', 'RTRIM'))
      assert.deepEqual(await runner.differences('./schemas/lower.ts'), [])
      assert.deepEqual(await runner.differences('./schemas/upper.ts'), [])
      assert.equal(runner.autogenerate('./schemas/lower.ts', 'lower_noop').path, null, 'no changes: no revision file')

      const pulled = await pull(runner.project.path('strata.config.ts'), { out: runner.project.path('schemas/pulled.ts') })
      assert.match(pulled.source, /name: text\(\)\.notNull\(\)\.collate\('NOCASE'\)/)
      assert.deepEqual(await runner.differences('./schemas/pulled.ts'), [], pulled.source)
    } finally {
      await runner.reset(config)
    }
  })
})

/** Tables made by plain SQL with the details, per dialect, and what `pull` must write for them. */
const PULLED: Record<'postgres' | 'sqlite' | 'mysql', { sql: string; written: RegExp[] }> = {
  postgres: {
    sql: `CREATE TABLE docs (id integer PRIMARY KEY, title text COLLATE "C", data jsonb, body text);
CREATE INDEX ix_docs_data ON docs USING gin (data jsonb_path_ops);
CREATE INDEX ix_docs_title ON docs (title DESC NULLS LAST, body COLLATE "C") INCLUDE (id);`,
    written: [/title: text\(\)\.collate\('C'\)/, /index\(\)\.on\(t\.data\.opclass\('jsonb_path_ops'\)\)\.using\('gin'\)/, /t\.title\.desc\(\)\.nullsLast\(\), t\.body\.collate\('C'\)\)\.include\(t\.id\)/],
  },
  sqlite: {
    sql: `CREATE TABLE docs (id INTEGER PRIMARY KEY, title TEXT COLLATE NOCASE, body TEXT);
CREATE INDEX ix_docs_title ON docs (title DESC, body COLLATE RTRIM);`,
    written: [/title: text\(\)\.collate\('NOCASE'\)/, /index\('ix_docs_title'\)\.on\(t\.title\.desc\(\), t\.body\.collate\('RTRIM'\)\)/],
  },
  mysql: {
    sql: `CREATE TABLE docs (id int PRIMARY KEY, title varchar(40) COLLATE utf8mb4_bin, touched timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP);
CREATE INDEX ix_docs_title ON docs (title DESC, id);`,
    written: [/\.collate\('utf8mb4_bin'\)/, /\.onUpdateNow\(\)/, /index\('ix_docs_title'\)\.on\(sql`title DESC`, t\.id\)/],
  },
}

for (const dialect of ['postgres', 'sqlite', 'mysql'] as const) {
  describeDialect(dialect, 'pull writes index details and collations', ({ db }) => {
    let project: UserProject
    before(async () => {
      await runScript(db(), PULLED[dialect].sql)
      project = linkedProject(`pull-details-${dialect}`)
      project.write('strata.config.ts', `import { defineConfig } from 'strata-db'\n\nexport default defineConfig({ url: '${db().url}', schema: './db/schema.ts' })\n`)
    })
    after(() => project?.remove())

    it('writes every detail; check is then clean and the file type-checks', async () => {
      const configFile = project.path('strata.config.ts')
      const result = await pull(configFile)
      for (const pattern of PULLED[dialect].written) assert.match(result.source, pattern)
      assert.deepEqual((await checkSchema(configFile)).map((c) => c.message), [], result.source)
      const typed = typeCheck(project, [project.path('db/schema.ts')])
      assert.equal(typed.code, 0, typed.stdout + typed.stderr)
    })
  })
}
