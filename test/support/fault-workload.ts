/**
 * A long run for fault injection (issue 10): revisions that mix DDL, DML that follows DDL, an index and then a type
 * change of its column (a SQLite table rebuild), DML-only steps, `transaction = false` migrations and op.autocommit
 * blocks, with effects that can be counted. A run is killed with SIGKILL at a random
 * moment, a second run must reach head, and then every effect must be present exactly once: the balance of every
 * account, one ledger row per revision, every column, index and table.
 *
 * Shared by test/e2e/faults-kill.test.ts (≥ 20 trials per dialect in `npm test`) and scripts/fault-soak.ts (the
 * long soak, ≥ 100 per dialect).
 */
import assert from 'node:assert/strict'
import type { TestDialect } from './databases.js'
import { columnNames, rawQuery, tableNames, validIndexNames, versionRows } from './inspect.js'
import { type Scenario, revId } from './safe-project.js'

export const ACCOUNTS = 400
export const START_BALANCE = 100

export interface Workload {
  head: string
  revisions: string[]
  /** What every account's balance must be at head. */
  balance: number
  columns: string[]
  /** Indexes on accounts that must exist (and be valid) at head. */
  indexes: string[]
  sideTables: Array<{ name: string; rows: number }>
}

type Kind = 'ddl-then-dml' | 'index-then-dml' | 'rebuild-then-dml' | 'no-transaction' | 'autocommit-then-dml' | 'dml-only'
// In this order from the first revision on: a column, an index on it, a type change of that column (SQLite rebuilds
// the table, and must keep the index), a migration without a transaction, an op.autocommit block, data alone.
const KINDS: Kind[] = ['dml-only', 'ddl-then-dml', 'index-then-dml', 'rebuild-then-dml', 'no-transaction', 'autocommit-then-dml']

/** Writes `count` revisions into the scenario; returns what the database must hold at head. */
export function writeWorkload(s: Scenario, count: number, prefix = 'f'): Workload {
  const ids = Array.from({ length: count }, (_, i) => revId(i, prefix))
  const rows = `Array.from({ length: ${ACCOUNTS} }, (_, i) => ({ id: i + 1, balance: ${START_BALANCE} }))`
  s.revision({
    id: ids[0]!,
    down: null,
    message: 'accounts and ledger',
    imports: ['integer', 'varchar'],
    up: [
      `  await op.createTable('accounts', { id: integer().primaryKey(), balance: integer().notNull().default(0) })`,
      `  await op.createTable('ledger', { id: integer().primaryKey().autoincrement(), rev: varchar({ length: 20 }).notNull() })`,
      `  await op.bulkInsert('accounts', ${rows})`,
      `  await op.execute("INSERT INTO ledger (rev) VALUES ('${ids[0]}')")`,
    ].join('\n'),
    down_: `  await op.dropTable('ledger')\n  await op.dropTable('accounts')`,
  })
  let balance = START_BALANCE
  const columns: string[] = []
  const indexes: string[] = []
  const sideTables: Workload['sideTables'] = []
  for (let i = 1; i < count; i++) {
    const kind = KINDS[i % KINDS.length]!
    const ledger = `  await op.execute("INSERT INTO ledger (rev) VALUES ('${ids[i]}')")`
    const lines: string[] = []
    let extra = ''
    if (kind === 'ddl-then-dml') {
      const column = `c${i}`
      columns.push(column)
      lines.push(`  await op.addColumn('accounts', '${column}', integer())`, `  await op.execute('UPDATE accounts SET balance = balance + 50, ${column} = id')`)
      balance += 50
    } else if (kind === 'index-then-dml') {
      const column = columns.at(-1) ?? 'balance'
      lines.push(`  await op.createIndex('ix_accounts_${i}', 'accounts', ['${column}'])`, `  await op.execute('UPDATE accounts SET balance = balance - 20')`, `  await op.execute('UPDATE accounts SET balance = balance + 30')`)
      indexes.push(`ix_accounts_${i}`)
      balance += 10
    } else if (kind === 'rebuild-then-dml' && columns.length > 0) {
      const column = columns.at(-1)!
      lines.push(`  await op.alterColumn('accounts', '${column}', { type: bigint(), existingType: integer() })`, `  await op.execute('UPDATE accounts SET balance = balance + 3')`)
      balance += 3
    } else if (kind === 'autocommit-then-dml') {
      lines.push(
        `  await op.execute('UPDATE accounts SET balance = balance + 11')`,
        `  await op.autocommit(async () => {\n    await op.createIndex('ix_auto_${i}', 'accounts', ['balance'])\n  })`,
        `  await op.execute('UPDATE accounts SET balance = balance - 1')`,
      )
      indexes.push(`ix_auto_${i}`)
      balance += 10
    } else if (kind === 'no-transaction') {
      const table = `side${i}`
      sideTables.push({ name: table, rows: ACCOUNTS })
      extra = 'export const transaction = false\n'
      lines.push(
        `  await op.createTable('${table}', { id: integer().primaryKey(), amount: integer() })`,
        `  await op.execute('INSERT INTO ${table} (id, amount) SELECT id, balance FROM accounts')`,
        `  await op.execute('UPDATE accounts SET balance = balance + 7')`,
      )
      balance += 7
    } else {
      lines.push(`  await op.execute('UPDATE accounts SET balance = balance * 2')`, `  await op.execute('UPDATE accounts SET balance = balance - ${balance}')`)
      // balance * 2 - balance: unchanged if both ran once; any repeat or skip shows.
    }
    lines.push(ledger)
    s.revision({ id: ids[i]!, down: ids[i - 1]!, message: `${kind} ${i}`, imports: ['bigint', 'integer'], up: lines.join('\n'), extra })
  }
  return { head: ids.at(-1)!, revisions: ids, balance, columns, indexes, sideTables }
}

/** Asserts that every effect of the workload is present exactly once. */
export async function checkWorkload(s: Scenario, w: Workload, label: string): Promise<void> {
  const db = s.db
  assert.deepEqual(await versionRows(db), [w.head], `${label}: the version row is head`)
  const [accounts] = await rawQuery<{ n: number | string; lo: number | string; hi: number | string }>(db, 'SELECT COUNT(*) AS n, MIN(balance) AS lo, MAX(balance) AS hi FROM accounts')
  assert.deepEqual([Number(accounts!.n), Number(accounts!.lo), Number(accounts!.hi)], [ACCOUNTS, w.balance, w.balance], `${label}: every account's balance is exact (no update lost or applied twice)`)
  const ledger = await rawQuery<{ rev: string; n: number | string }>(db, 'SELECT rev, COUNT(*) AS n FROM ledger GROUP BY rev ORDER BY rev')
  assert.deepEqual(
    ledger.map((r) => [r.rev, Number(r.n)]),
    w.revisions.map((id) => [id, 1]),
    `${label}: one ledger row per revision`,
  )
  const cols = await columnNames(db, 'accounts')
  for (const column of w.columns) assert.ok(cols.includes(column), `${label}: column ${column} exists`)
  const indexes = await validIndexNames(db, 'accounts')
  for (const index of w.indexes) assert.ok(indexes.includes(index), `${label}: index ${index} exists and is valid (has: ${indexes.join(', ')})`)
  const tables = await tableNames(db)
  for (const side of w.sideTables) {
    assert.ok(tables.includes(side.name), `${label}: table ${side.name} exists`)
    const [count] = await rawQuery<{ n: number | string }>(db, `SELECT COUNT(*) AS n FROM ${side.name}`)
    assert.equal(Number(count!.n), side.rows, `${label}: ${side.name} holds its rows once`)
  }
  const done = await rawQuery<{ revision: string; n: number | string }>(db, `SELECT revision, COUNT(*) AS n FROM strata_history WHERE status = 'done' AND direction = 'up' GROUP BY revision`)
  assert.equal(done.length, w.revisions.length, `${label}: every revision has a done history row`)
  for (const row of done) assert.equal(Number(row.n), 1, `${label}: ${row.revision} is recorded done once`)
}

export const MODES: Record<TestDialect, Array<string | null>> = {
  sqlite: [null, 'each', 'none'],
  postgres: [null, 'each', 'none'],
  mysql: [null, 'all', 'none'],
}

export interface TrialResult {
  killedAt: number
  /** The killed run finished before the signal (no fault injected). */
  finished: boolean
  /** How long the first run lasted, process start included (its whole length when it finished). */
  ranMs: number
  mode: string
  rerun: { code: number; stderr: string }
}

/**
 * One trial: start `upgrade head`, SIGKILL it after `delayMs`, rerun to head (same transaction mode). The caller
 * checks the data.
 */
export async function killTrial(s: Scenario, delayMs: number, mode: string | null): Promise<TrialResult> {
  const args = ['upgrade', 'head', ...(mode ? ['--transaction-mode', mode] : [])]
  const t0 = performance.now()
  const victim = s.spawn(args)
  const timer = setTimeout(() => victim.child.kill('SIGKILL'), delayMs)
  const first = await victim.done
  const ranMs = performance.now() - t0
  clearTimeout(timer)
  const rerun = await s.strata([...args, '--lock-timeout', '30'])
  return { killedAt: delayMs, finished: first.code === 0, ranMs, mode: mode ?? 'default', rerun: { code: rerun.code, stderr: rerun.stderr } }
}
