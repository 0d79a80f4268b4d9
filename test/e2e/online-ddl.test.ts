/**
 * Online DDL on real servers. PostgreSQL: `CREATE INDEX CONCURRENTLY` (op.createIndex online, in op.autocommit)
 * interrupted by pg_terminate_backend leaves an INVALID index, and the next run drops and rebuilds it; NOT VALID
 * constraints validate later without failing on the rows. MySQL/MariaDB: an `online` ALTER that would copy the
 * table fails fast with the server's reason, and the table is untouched.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import pg from 'pg'
import { dialectsUnderTest } from '../support/databases.js'
import { rawQuery } from '../support/inspect.js'
import type { UserProject } from '../support/project.js'
import { type Scenario, createScenario, errorLine, linkUserProject, revId } from '../support/safe-project.js'

let project: UserProject | undefined
before(() => {
  project = linkUserProject('online-ddl')
})
after(() => project?.remove())

const scenarios: Scenario[] = []
after(async () => {
  for (const s of scenarios) await s.db.drop()
})

async function scenario(dialect: 'postgres' | 'mysql', label: string): Promise<Scenario> {
  const s = await createScenario(project!, dialect, label)
  scenarios.push(s)
  return s
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('online DDL [postgres]', { skip: !dialectsUnderTest().includes('postgres') && 'postgres not under test' }, () => {
  it('an interrupted CREATE INDEX CONCURRENTLY leaves an INVALID index; the next run drops and rebuilds it', async () => {
    const s = await scenario('postgres', 'cic')
    s.revision({ id: revId(1), down: null, message: 'big', imports: ['bigint', 'integer'], up: `  await op.createTable('big', { id: bigint().primaryKey(), v: integer() })` })
    assert.equal((await s.strata(['upgrade', 'head'])).code, 0)
    await rawQuery(s.db, 'INSERT INTO big (id, v) SELECT g, g % 97 FROM generate_series(1, 20000) AS g')
    s.revision({
      id: revId(2),
      down: revId(1),
      message: 'index',
      up: `  await op.autocommit(() => op.createIndex('ix_big_v', 'big', ['v'], { online: true }))`,
    })
    // A writer's open transaction: CREATE INDEX CONCURRENTLY registers the index, then waits for it.
    const writer = new pg.Client({ connectionString: s.db.url })
    await writer.connect()
    await writer.query('BEGIN')
    await writer.query('UPDATE big SET v = v WHERE id = 1')
    const run = s.spawn(['upgrade', 'head'])
    const admin = new pg.Client({ connectionString: s.db.url })
    await admin.connect()
    admin.on('error', () => undefined)
    let terminated = false
    for (let i = 0; i < 600 && !terminated; i++) {
      // Waiting on the writer's lock: the INVALID index is registered (committed) by then.
      const rows = await admin.query(
        `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'CREATE INDEX CONCURRENTLY%' AND state = 'active' AND wait_event_type = 'Lock'`,
      )
      if (rows.rows.length > 0) {
        await admin.query('SELECT pg_terminate_backend($1)', [rows.rows[0].pid])
        terminated = true
      } else await wait(50)
    }
    assert.ok(terminated, 'the concurrent build was seen and terminated')
    const failed = await run.done
    await writer.query('ROLLBACK')
    await writer.end()
    assert.notEqual(failed.code, 0)
    const invalid = await admin.query(`SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = 'ix_big_v'`)
    assert.deepEqual(invalid.rows, [{ indisvalid: false }], 'the interrupted build left an INVALID index')

    const rerun = await s.strata(['upgrade', 'head'])
    assert.equal(rerun.code, 0, rerun.stderr)
    const valid = await admin.query(`SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = 'ix_big_v'`)
    assert.deepEqual(valid.rows, [{ indisvalid: true }], 'rebuilt, valid, one index of that name')
    const used = await admin.query(`SELECT count(*)::int AS n FROM big WHERE v = 5`)
    assert.equal(used.rows[0].n, 207)
    await admin.end()
  })

  it('a foreign key and a check added NOT VALID do not read the rows; VALIDATE later does', async () => {
    const s = await scenario('postgres', 'notvalid')
    s.revision({
      id: revId(1),
      down: null,
      message: 'tables',
      imports: ['bigint', 'integer'],
      up: `  await op.createTable('parents', { id: bigint().primaryKey() })\n  await op.createTable('kids', { id: bigint().primaryKey(), parent_id: bigint(), n: integer() })`,
    })
    assert.equal((await s.strata(['upgrade', 'head'])).code, 0)
    await rawQuery(s.db, 'INSERT INTO parents (id) VALUES (1)')
    await rawQuery(s.db, 'INSERT INTO kids (id, parent_id, n) VALUES (1, 1, 1), (2, 99, -1)')
    s.revision({
      id: revId(2),
      down: revId(1),
      message: 'constraints',
      up: [
        `  await op.createForeignKey('fk_kids_parent', 'kids', ['parent_id'], 'parents', ['id'], { validate: false })`,
        `  await op.createCheck('ck_kids_n', 'kids', 'n >= 0', { validate: false })`,
      ].join('\n'),
    })
    const up = await s.strata(['upgrade', 'head'])
    assert.equal(up.code, 0, up.stderr)
    const state = await rawQuery<{ conname: string; convalidated: boolean }>(s.db, `SELECT conname, convalidated FROM pg_constraint WHERE conname IN ('fk_kids_parent', 'ck_kids_n') ORDER BY conname`)
    assert.deepEqual(state, [
      { conname: 'ck_kids_n', convalidated: false },
      { conname: 'fk_kids_parent', convalidated: false },
    ])
    // New rows are checked at once; the old bad row is found by VALIDATE.
    await assert.rejects(rawQuery(s.db, 'INSERT INTO kids (id, parent_id, n) VALUES (3, 98, 1)'))
    await assert.rejects(rawQuery(s.db, 'ALTER TABLE kids VALIDATE CONSTRAINT fk_kids_parent'), /violates foreign key constraint/)
    await rawQuery(s.db, 'DELETE FROM kids WHERE id = 2')
    await rawQuery(s.db, 'ALTER TABLE kids VALIDATE CONSTRAINT fk_kids_parent')
    await rawQuery(s.db, 'ALTER TABLE kids VALIDATE CONSTRAINT ck_kids_n')
  })
})

describe('online DDL [mysql]', { skip: !dialectsUnderTest().includes('mysql') && 'mysql not under test' }, () => {
  it('an online ALTER that would copy the table fails fast with the reason; the table is untouched', async () => {
    const s = await scenario('mysql', 'copy')
    s.revision({ id: revId(1), down: null, message: 'accounts', imports: ['bigint', 'integer'], up: `  await op.createTable('accounts', { id: bigint().primaryKey(), balance: integer() })` })
    assert.equal((await s.strata(['upgrade', 'head'])).code, 0)
    await rawQuery(s.db, 'INSERT INTO accounts (id, balance) VALUES (1, 10), (2, 20)')
    s.revision({
      id: revId(2),
      down: revId(1),
      message: 'widen',
      imports: ['bigint', 'integer'],
      up: `  await op.alterColumn('accounts', 'balance', { type: bigint(), existingType: integer(), online: true })`,
    })
    const started = Date.now()
    const result = await s.strata(['upgrade', 'head'])
    assert.equal(result.code, 1)
    assert.match(errorLine(result), /ALGORITHM=INPLACE is not supported/)
    assert.match(errorLine(result), /ALGORITHM=COPY/)
    assert.ok(Date.now() - started < 60_000)
    const [column] = await rawQuery<{ t: string }>(s.db, `SELECT DATA_TYPE AS t FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'accounts' AND COLUMN_NAME = 'balance'`)
    assert.equal(column!.t, 'int')
    assert.deepEqual(await rawQuery(s.db, 'SELECT id, balance FROM accounts ORDER BY id'), [{ id: 1, balance: 10 }, { id: 2, balance: 20 }])
  })

  it('an online index build states ALGORITHM=INPLACE LOCK=NONE and succeeds where the server can', async () => {
    const s = await scenario('mysql', 'index')
    s.revision({ id: revId(1), down: null, message: 'accounts', imports: ['bigint', 'integer'], up: `  await op.createTable('accounts', { id: bigint().primaryKey(), balance: integer() })` })
    s.revision({ id: revId(2), down: revId(1), message: 'index', up: `  await op.createIndex('ix_accounts_balance', 'accounts', ['balance'], { online: true })` })
    const sql = await s.strata(['upgrade', `${revId(1)}:${revId(2)}`, '--sql'])
    assert.match(sql.stdout, /CREATE INDEX `ix_accounts_balance` ON `accounts` \(`balance`\) ALGORITHM=INPLACE LOCK=NONE;/)
    const up = await s.strata(['upgrade', 'head'])
    assert.equal(up.code, 0, up.stderr)
    const index = await rawQuery(s.db, `SELECT INDEX_NAME FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'accounts' AND INDEX_NAME = 'ix_accounts_balance'`)
    assert.equal(index.length, 1)
  })
})
