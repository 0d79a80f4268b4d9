import type { Connection, Dialect, DialectFamily } from '../dialects/dialect.js'
import { familyOf } from '../dialects/registry.js'
import { formatCount } from './subjects.js'
import type { DataQuestion, ServerVersion } from './types.js'

/** What a count adds to a finding: the words, and the number for `--json`. */
export interface DataAnswer {
  text: string
  data: Record<string, number>
}

const VERSION_SQL: Record<DialectFamily, string> = {
  postgres: `SELECT current_setting('server_version') AS version`,
  mysql: 'SELECT VERSION() AS version',
  sqlite: 'SELECT sqlite_version() AS version',
}

/** Triggers on a table: only asked for SQLite rebuilds, where a rebuild drops and re-creates them. */
const TRIGGER_COUNT_SQL: Record<DialectFamily, string> = {
  sqlite: `SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?`,
  postgres: `SELECT COUNT(*) AS n FROM pg_trigger WHERE NOT tgisinternal AND tgrelid = to_regclass($1)`,
  mysql: 'SELECT COUNT(*) AS n FROM information_schema.TRIGGERS WHERE EVENT_OBJECT_SCHEMA = DATABASE() AND EVENT_OBJECT_TABLE = ?',
}

function plural(n: number, word: string): string {
  return `${formatCount(n)} ${word}${n === 1 ? '' : 's'}`
}

/** Reads counts for findings from a live database (`strata lint --database`). Never writes. */
export class DataProbe {
  constructor(private readonly dialect: Dialect, private readonly connection: Connection) {}

  async serverVersion(): Promise<ServerVersion | null> {
    const rows = await this.connection.query<{ version: string }>(VERSION_SQL[familyOf(this.dialect.name)]).catch(() => [])
    const text = String(rows[0]?.version ?? '')
    const match = /^(\d+)(?:\.(\d+))?/.exec(text)
    if (!match) return null
    return { major: Number(match[1]), minor: Number(match[2] ?? 0), ...(/mariadb/i.test(text) ? { mariadb: true } : {}) }
  }

  /** The count for a question, or null when it cannot be read (the table does not exist yet). */
  async answer(question: DataQuestion): Promise<DataAnswer | null> {
    try {
      return await this.ask(question)
    } catch {
      return null
    }
  }

  private from(question: DataQuestion): string {
    const q = (name: string) => this.dialect.quoteIdentifier(name)
    return question.schema ? `${q(question.schema)}.${q(question.table)}` : q(question.table)
  }

  private async count(sql: string, params: unknown[] = []): Promise<number> {
    const rows = await this.connection.query<{ n: number | string | bigint | null }>(sql, params)
    return Number(rows[0]?.n ?? 0)
  }

  private async ask(question: DataQuestion): Promise<DataAnswer> {
    const q = (name: string) => this.dialect.quoteIdentifier(name)
    switch (question.kind) {
      case 'rows': {
        const rows = await this.count(`SELECT COUNT(*) AS n FROM ${this.from(question)}`)
        return { text: `table holds ${plural(rows, 'row')}`, data: { rows } }
      }
      case 'nulls': {
        const nulls = await this.count(`SELECT COUNT(*) AS n FROM ${this.from(question)} WHERE ${q(question.column)} IS NULL`)
        return { text: `column holds ${formatCount(nulls)} NULL${nulls === 1 ? '' : 's'}`, data: { nulls } }
      }
      case 'duplicates': {
        const columns = question.columns.map(q).join(', ')
        // Rows beyond the first of each duplicated key: what must change before the constraint can hold.
        const duplicates = await this.count(
          `SELECT COALESCE(SUM(c - 1), 0) AS n FROM (SELECT COUNT(*) AS c FROM ${this.from(question)} GROUP BY ${columns} HAVING COUNT(*) > 1) AS d`,
        )
        return { text: `${plural(duplicates, 'duplicate value')}`, data: { duplicates } }
      }
      case 'triggers': {
        const triggers = await this.count(TRIGGER_COUNT_SQL[familyOf(this.dialect.name)], [question.table])
        return { text: `${plural(triggers, 'trigger')} on it, re-created after the copy`, data: { triggers } }
      }
    }
  }
}
