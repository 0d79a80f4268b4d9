/**
 * Mutation matrix, tables and columns: tables added and removed; columns added and removed; type with its
 * arguments (length, precision, scale, time zone, fractional seconds), a type change that needs a cast; nullability;
 * server defaults (and spellings that mean the same default); comments; autoincrement. A → B → A on each dialect.
 *
 * Not applicable, asserted as nothing detected: comments on SQLite (it has none, docs/dialects/sqlite.md), a time
 * zone on MySQL (DATETIME has none, docs/dialects/mysql.md).
 */
import assert from 'node:assert/strict'
import { after, before, it } from 'node:test'
import { CycleRunner, rows } from '../support/autogen-cycle.js'
import { describeEachDialect } from '../support/databases.js'
import { rawQuery } from '../support/inspect.js'

const IMPORTS = `import { table, integer, text, varchar, numeric, timestamp, sql } from 'strata-db'\n`

/** The same default, spelled the way the schema author wrote it first, then another way. */
const SPELLINGS = {
  sqlite: { now: ['CURRENT_TIMESTAMP', 'current_timestamp'], zero: ['0', '(0)'] },
  postgres: { now: ['CURRENT_TIMESTAMP', 'now()'], zero: ['0', "'0'::integer"] },
  mysql: { now: ['CURRENT_TIMESTAMP', 'now()'], zero: ['0', '(0)'] },
} as const

function schemaA(dialect: keyof typeof SPELLINGS): string {
  const s = SPELLINGS[dialect]
  return `${IMPORTS}
export const stay = table('t_stay', { id: integer().primaryKey(), name: text() })
export const gone = table('t_gone', { id: integer().primaryKey(), note: text() })

export const cols = table('cols', {
  id: integer().primaryKey(),
  keep: text(),
  dropped: text(),
  lengthy: varchar({ length: 10 }),
  money: numeric({ precision: 5, scale: 2 }),
  scaled: numeric({ precision: 8, scale: 2 }),
  moment: timestamp(),
  precise: timestamp(),
  code: text(),
  optional: text(),
  required: text().notNull(),
  defAdd: integer('def_add'),
  defChange: integer('def_change').default(1),
  defDrop: integer('def_drop').default(2),
  defSpelled: timestamp('def_spelled').default(sql\`${s.now[0]}\`),
  defCast: integer('def_cast').default(sql\`${s.zero[0]}\`),
  described: text().comment('old'),
  undescribed: text().comment('gone'),
  uncommented: text(),
})

export const counters = table('counters', { id: integer().primaryKey(), label: text() })
`
}

function schemaB(dialect: keyof typeof SPELLINGS): string {
  const s = SPELLINGS[dialect]
  return `${IMPORTS}
export const stay = table('t_stay', { id: integer().primaryKey(), name: text() })
export const added = table('t_new', { id: integer().primaryKey(), label: varchar({ length: 20 }).notNull().default('x') })

export const cols = table('cols', {
  id: integer().primaryKey(),
  keep: text(),
  lengthy: varchar({ length: 50 }),
  money: numeric({ precision: 7, scale: 2 }),
  scaled: numeric({ precision: 8, scale: 3 }),
  moment: timestamp({ withTimezone: true }),
  precise: timestamp({ precision: 3 }),
  code: integer(),
  optional: text().notNull(),
  required: text(),
  defAdd: integer('def_add').default(5),
  defChange: integer('def_change').default(10),
  defDrop: integer('def_drop'),
  defSpelled: timestamp('def_spelled').default(sql\`${s.now[1]}\`),
  defCast: integer('def_cast').default(sql\`${s.zero[1]}\`),
  described: text().comment('new'),
  undescribed: text(),
  uncommented: text().comment('added'),
  added: text(),
  addedNn: integer('added_nn').notNull().default(0),
})

export const counters = table('counters', { id: integer().primaryKey().autoincrement(), label: text() })
`
}

/** Narrowings and casts are marked; widenings (lengthy 10 → 50, money 5 → 7 digits) are not. */
const TYPE_CHANGES: Record<string, string> = {
  scaled: 'numeric(8, 2) to numeric(8, 3)',
  moment: 'timestamp to timestamp with time zone',
  precise: 'timestamp to timestamp(3)',
  code: 'text to integer',
}
const typeWarning = (column: string) => `changes type of column 'cols.${column}' from ${TYPE_CHANGES[column]} (may fail or truncate data)`

describeEachDialect('autogenerate matrix: tables and columns', ({ dialect, db }) => {
  let runner: CycleRunner
  before(() => {
    runner = new CycleRunner(dialect, db(), 'ag-columns')
  })
  after(() => runner?.remove())

  it('detects tables, columns, types with arguments, nullability, defaults, comments and autoincrement; rows survive', async () => {
    const comments = dialect === 'sqlite' ? [] : ['described', 'undescribed', 'uncommented'].map((c) => `changed comment of column 'cols.${c}'`)
    const timezone = dialect === 'mysql' ? [] : ['moment']
    const typed = ['lengthy', 'money', 'scaled', ...timezone, 'precise', 'code']
    let offlineSql = ''
    await runner.run({
      name: 'cols',
      a: schemaA(dialect),
      b: schemaB(dialect),
      seed: [
        "INSERT INTO t_stay (id, name) VALUES (1, 'stays')",
        "INSERT INTO t_gone (id, note) VALUES (1, 'goes')",
        `INSERT INTO cols (id, keep, dropped, lengthy, money, scaled, moment, precise, code, optional, required)
         VALUES (1, 'kept', 'lost', 'short', 123.45, 1.25, '2024-01-02 03:04:05', '2024-01-02 03:04:05', '42', 'o', 'r')`,
        "INSERT INTO counters (id, label) VALUES (1, 'one')",
        "INSERT INTO counters (id, label) VALUES (2, 'two')",
      ],
      detected: [
        "added table 't_new'",
        "removed table 't_gone'",
        "added column 'cols.added'",
        "added column 'cols.added_nn'",
        "removed column 'cols.dropped'",
        ...typed.map((c) => `changed type of column 'cols.${c}'`),
        "changed nullability of column 'cols.optional'",
        "changed nullability of column 'cols.required'",
        "changed default of column 'cols.def_add'",
        "changed default of column 'cols.def_change'",
        "changed default of column 'cols.def_drop'",
        ...comments,
        "changed autoincrement of column 'counters.id'",
      ],
      warnings: [
        "drops table 't_gone' (data loss)",
        "drops column 'cols.dropped' (data loss)",
        ...typed.filter((c) => c in TYPE_CHANGES).map(typeWarning),
        "makes column 'cols.optional' NOT NULL (fails if it holds NULLs)",
      ],
      file: (source) => {
        assert.match(source, /\/\/ ! drops column 'cols\.dropped' \(data loss\) \[drop-column\]\n(?:\s+\/\/ lock: .*\n)*\s+await op\.dropColumn\('cols', 'dropped'\)/)
        assert.match(source, /await op\.alterColumn\('cols', 'lengthy', \{\s+type: varchar\(\{ length: 50 \}\),\s+existingType: varchar\(\{ length: 10 \}\),\s+existingNullable: true,\s+\}\)/)
        offlineSql = runner.project.strata(['upgrade', 'cols_a:cols_b', '--sql']).stdout
      },
      atB: async () => {
        assert.deepEqual(await rows(db(), 'SELECT id, name FROM t_stay'), [{ id: '1', name: 'stays' }])
        const [row] = await rows(db(), 'SELECT keep, lengthy, money, code, optional, required, def_add, added_nn FROM cols')
        assert.deepEqual({ ...row, money: Number(row!.money) }, {
          keep: 'kept', lengthy: 'short', money: 123.45, code: '42', optional: 'o', required: 'r', def_add: null, added_nn: '0',
        })
        await rawQuery(db(), "INSERT INTO counters (label) VALUES ('three')")
        assert.deepEqual(await rows(db(), 'SELECT id, label FROM counters ORDER BY id'), [
          { id: '1', label: 'one' },
          { id: '2', label: 'two' },
          { id: '3', label: 'three' },
        ])
      },
      atA: async () => {
        assert.deepEqual(await rows(db(), 'SELECT id, name FROM t_stay'), [{ id: '1', name: 'stays' }])
        assert.deepEqual(await rows(db(), 'SELECT keep, lengthy, code, optional, required FROM cols'), [
          { keep: 'kept', lengthy: 'short', code: '42', optional: 'o', required: 'r' },
        ])
        assert.deepEqual(await rawQuery(db(), 'SELECT id FROM counters ORDER BY id').then((r) => r.length), 3)
      },
    })
    if (dialect === 'postgres') {
      // The type change text → integer has no assignment cast: PostgreSQL needs USING.
      assert.match(offlineSql, /ALTER COLUMN "code" TYPE integer USING "code"::integer/)
    }
  })
})
