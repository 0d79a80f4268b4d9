/** What a SQLite database holds that strata's model does not (yet): listed by `pull`, never dropped silently. */
import type { Connection } from '../dialect.js'

const UNMODELLED_SQL = `
SELECT 'WITHOUT ROWID clause of table ' || name AS line FROM sqlite_schema WHERE type = 'table' AND sql LIKE '%WITHOUT ROWID%'
UNION ALL
SELECT 'STRICT option of table ' || name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND strict = 1 AND name NOT LIKE 'sqlite_%'`

export async function describeSqliteUnmodelled(connection: Connection): Promise<string[]> {
  const rows = await connection.query<{ line: string }>(UNMODELLED_SQL)
  return rows.map((r) => r.line).sort()
}
