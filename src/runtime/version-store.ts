import type { Connection, Dialect } from '../dialects/dialect.js'
import { DatabaseError, StrataError } from '../errors.js'
import { CreateTableOp } from '../operations/index.js'
import type { TableModel } from '../schema/model.js'
import type { VersionChange } from '../revisions/index.js'

/** strata_version: one row per current head, the same layout as Alembic's alembic_version. */
export function versionTableModel(name: string): TableModel {
  return {
    name,
    schema: null,
    columns: [{ name: 'version_num', type: { kind: 'varchar', length: 32 }, nullable: false }],
    primaryKey: { name: `${name}_pkc`, columns: ['version_num'] },
    indexes: [],
    uniques: [],
    foreignKeys: [],
    checks: [],
    comment: null,
  }
}

/** strata_history: one row per step, the audit trail behind `history --applied`, `verify` and MySQL resumes. */
export function historyTableModel(name: string): TableModel {
  const v = (length: number) => ({ kind: 'varchar' as const, length })
  return {
    name,
    schema: null,
    columns: [
      { name: 'id', type: { kind: 'integer' }, nullable: false, autoincrement: true },
      { name: 'revision', type: v(32), nullable: false },
      { name: 'direction', type: v(10), nullable: false },
      { name: 'checksum', type: v(64), nullable: true },
      { name: 'message', type: v(255), nullable: true },
      { name: 'started_at', type: v(32), nullable: false },
      { name: 'finished_at', type: v(32), nullable: true },
      { name: 'duration_ms', type: { kind: 'integer' }, nullable: true },
      { name: 'status', type: v(16), nullable: false },
      { name: 'statements_done', type: { kind: 'integer' }, nullable: false },
      { name: 'error', type: { kind: 'text' }, nullable: true },
    ],
    primaryKey: { name: `${name}_pkc`, columns: ['id'] },
    indexes: [],
    uniques: [],
    foreignKeys: [],
    checks: [],
    comment: null,
  }
}

export interface HistoryRow {
  id: number
  revision: string
  direction: 'up' | 'down'
  checksum: string | null
  message: string | null
  started_at: string
  finished_at: string | null
  duration_ms: number | null
  /**
   * 'interrupted': a later run found it still 'running' (the process died); 'accepted': not a run, the record that
   * a changed file was accepted with --allow-changed (its checksum is the new one).
   */
  status: 'running' | 'done' | 'failed' | 'interrupted' | 'accepted'
  statements_done: number
  error: string | null
}

export class VersionStoreError extends StrataError {
  constructor(message: string) {
    super(message, { code: 'version-table' })
    this.name = 'VersionStoreError'
  }
}

/** Reads and writes strata's own tables through a dialect: plain SQL built from its quoting rules. */
export class VersionStore {
  constructor(
    readonly dialect: Dialect,
    readonly versionTable: string,
    readonly historyTable: string,
  ) {}

  private q(name: string): string {
    return this.dialect.quoteIdentifier(name)
  }
  private lit(value: unknown): string {
    return this.dialect.quoteLiteral(value)
  }

  /** The current heads; null when the version table does not exist. Reading never creates anything. */
  async readVersions(connection: Connection): Promise<string[] | null> {
    try {
      const rows = await connection.query<{ version_num: string }>(`SELECT version_num FROM ${this.q(this.versionTable)}`)
      return rows.map((r) => String(r.version_num))
    } catch (error) {
      if (isMissingTable(error, this.dialect)) return null
      throw error
    }
  }

  async readHistory(connection: Connection): Promise<HistoryRow[] | null> {
    try {
      const rows = await connection.query<HistoryRow>(`SELECT * FROM ${this.q(this.historyTable)} ORDER BY id`)
      return rows.map((r) => ({ ...r, id: Number(r.id), duration_ms: r.duration_ms === null ? null : Number(r.duration_ms), statements_done: Number(r.statements_done) }))
    } catch (error) {
      if (isMissingTable(error, this.dialect)) return null
      throw error
    }
  }

  /** SQL creating the version table (and the history table). */
  async createStatements(which: { version: boolean; history: boolean }): Promise<string[]> {
    const context = { offline: true, table: async () => undefined }
    const out: string[] = []
    if (which.version) out.push(...(await this.dialect.compile(new CreateTableOp(versionTableModel(this.versionTable)), context)))
    if (which.history) out.push(...(await this.dialect.compile(new CreateTableOp(historyTableModel(this.historyTable)), context)))
    return out
  }

  /** One version change as SQL; `expectOne` tells the runner to assert that exactly one row changed. */
  changeStatement(change: VersionChange): { sql: string; expectOne: boolean } {
    // eslint-disable-next-line default-case
    const t = this.q(this.versionTable)
    switch (change.kind) {
      case 'insert':
        return { sql: `INSERT INTO ${t} (version_num) VALUES (${this.lit(change.revision)})`, expectOne: false }
      case 'delete':
        return { sql: `DELETE FROM ${t} WHERE version_num = ${this.lit(change.revision)}`, expectOne: true }
      case 'update':
        return { sql: `UPDATE ${t} SET version_num = ${this.lit(change.to)} WHERE version_num = ${this.lit(change.from)}`, expectOne: true }
    }
    throw new Error(`unknown version change ${JSON.stringify(change)}`)
  }

  async applyChange(connection: Connection, change: VersionChange): Promise<void> {
    const { sql, expectOne } = this.changeStatement(change)
    const { rowCount } = await connection.execute(sql)
    if (expectOne && rowCount !== 1)
      throw new VersionStoreError(
        `version table ${this.versionTable}: expected to change exactly one row with '${sql}', changed ${rowCount}; another process may have changed it`,
      )
  }

  historyInsert(row: Omit<HistoryRow, 'id'>): string {
    const cols = ['revision', 'direction', 'checksum', 'message', 'started_at', 'finished_at', 'duration_ms', 'status', 'statements_done', 'error'] as const
    return `INSERT INTO ${this.q(this.historyTable)} (${cols.join(', ')}) VALUES (${cols.map((c) => this.lit(row[c])).join(', ')})`
  }

  /** Several history rows, a hundred to a statement. */
  historyInsertMany(rows: Array<Omit<HistoryRow, 'id'>>): string[] {
    const cols = ['revision', 'direction', 'checksum', 'message', 'started_at', 'finished_at', 'duration_ms', 'status', 'statements_done', 'error'] as const
    const out: string[] = []
    for (let i = 0; i < rows.length; i += 100) {
      const values = rows.slice(i, i + 100).map((row) => `(${cols.map((c) => this.lit(row[c])).join(', ')})`)
      out.push(`INSERT INTO ${this.q(this.historyTable)} (${cols.join(', ')}) VALUES ${values.join(', ')}`)
    }
    return out
  }

  historyUpdate(id: number, fields: Partial<Omit<HistoryRow, 'id'>>): string {
    const sets = Object.entries(fields).map(([k, v]) => `${k} = ${this.lit(v)}`)
    return `UPDATE ${this.q(this.historyTable)} SET ${sets.join(', ')} WHERE id = ${id}`
  }

  /** The newest history row (null when there is none, or no history table): what `current` reads for a step left half-done. */
  async readLastStep(connection: Connection): Promise<Pick<HistoryRow, 'revision' | 'direction' | 'status' | 'statements_done'> | null> {
    try {
      const rows = await connection.query<HistoryRow>(`SELECT revision, direction, status, statements_done FROM ${this.q(this.historyTable)} ORDER BY id DESC LIMIT 1`)
      const row = rows[0]
      return row ? { revision: String(row.revision), direction: row.direction, status: row.status, statements_done: Number(row.statements_done) } : null
    } catch (error) {
      if (isMissingTable(error, this.dialect)) return null
      throw error
    }
  }

  async lastHistoryId(connection: Connection): Promise<number> {
    const rows = await connection.query<{ id: number | string | null }>(`SELECT MAX(id) AS id FROM ${this.q(this.historyTable)}`)
    return Number(rows[0]?.id ?? 0)
  }
}

/**
 * A history row of a step a run left part-way with its statements kept: failed after some, or the process died
 * ('running', or 'interrupted' once a later run saw it). What resumes, refuses (step-failure.ts) and `current` read.
 */
export function leftPartWay(row: Pick<HistoryRow, 'status' | 'statements_done'>): boolean {
  return row.status === 'running' || row.status === 'interrupted' || (row.status === 'failed' && row.statements_done > 0)
}

/**
 * "No such table", decided on the database's codes: SQLSTATE 42P01 (PostgreSQL undefined_table), 3F000 (its
 * schema is missing too), 42S02 or errno 1146 (MySQL); a dialect without such a code answers for itself.
 */
export function isMissingTable(error: unknown, dialect?: Pick<Dialect, 'isMissingTable'>): boolean {
  if (!(error instanceof DatabaseError)) return false
  if (error.sqlState === '42P01' || error.sqlState === '3F000' || error.sqlState === '42S02' || error.errno === 1146) return true
  return dialect?.isMissingTable?.(error) ?? false
}
