/** What a MySQL/MariaDB database holds that strata's model does not (yet): listed by `pull`, never dropped silently. */
import type { Connection } from '../dialect.js'

const UNMODELLED_SQL = `
SELECT CONCAT('event ', EVENT_NAME) AS line FROM information_schema.EVENTS WHERE EVENT_SCHEMA = DATABASE()
UNION ALL
SELECT DISTINCT CONCAT('index ', INDEX_NAME, ' on ', TABLE_NAME, ': ', INDEX_TYPE) FROM information_schema.STATISTICS
 WHERE TABLE_SCHEMA = DATABASE() AND INDEX_TYPE IN ('FULLTEXT', 'SPATIAL')`

export async function describeMysqlUnmodelled(connection: Connection): Promise<string[]> {
  const rows = await connection.query<{ line: string }>(UNMODELLED_SQL)
  return rows.map((r) => String(r.line)).sort()
}
