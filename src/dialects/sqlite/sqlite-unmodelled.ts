/** What a SQLite database holds that strata's model does not (yet): listed by `pull`, never dropped silently. */
import type { Connection } from '../dialect.js'

const UNMODELLED_SQL = `
SELECT 'generated column ' || t.name || '.' || c.name || ' (left out)' AS line
  FROM sqlite_schema t JOIN pragma_table_xinfo(t.name) c
 WHERE t.type = 'table' AND t.name NOT LIKE 'sqlite_%' AND c.hidden IN (2, 3)
UNION ALL
SELECT 'WITHOUT ROWID clause of table ' || name FROM sqlite_schema WHERE type = 'table' AND sql LIKE '%WITHOUT ROWID%'`

export async function describeSqliteUnmodelled(connection: Connection): Promise<string[]> {
  const rows = await connection.query<{ line: string }>(UNMODELLED_SQL)
  return rows.map((r) => r.line).sort()
}
