/**
 * DDL that is safe to run again whether or not it took effect (`DROP … IF EXISTS`, `CREATE … IF NOT EXISTS`): an
 * interrupted one is simply run again. PostgreSQL's resumed CREATE INDEX CONCURRENTLY starts with such a drop.
 */
export function isIdempotentDdl(sql: string): boolean {
  return /^\s*(DROP\s+[A-Z ]*?\bIF\s+EXISTS\b|CREATE\s+[A-Z ]*?\bIF\s+NOT\s+EXISTS\b)/i.test(sql)
}
