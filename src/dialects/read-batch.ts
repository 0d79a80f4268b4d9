import type { Connection, ReadStatement } from './dialect.js'

/** `connection.queryBatch` where the connection has it, else one statement after another: the rows of each, in order. */
export async function queryAll(connection: Connection, statements: ReadStatement[]): Promise<unknown[][]> {
  if (connection.queryBatch && statements.length > 1) return connection.queryBatch(statements)
  const results: unknown[][] = []
  for (const { sql, params } of statements) results.push(await connection.query(sql, params))
  return results
}
