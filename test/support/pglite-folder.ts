/**
 * Raw access to a PGlite folder database (`pglite:/absolute/folder`, the PostgreSQL stand-in of databases.ts), opened for one script and
 * closed again so that the strata processes a test runs can open it next. Numbers come back as node-postgres gives
 * them (int8 and numeric as strings), so a test reads the same values on the stand-in as on the server.
 */
import { PGlite } from '@electric-sql/pglite'
import type { TestDatabase } from './databases.js'

const INT8_OID = 20
const NUMERIC_OID = 1700

/** True for a database the raw pg driver cannot reach: the PGlite stand-in. */
export const onPglite = (db: TestDatabase) => db.variant === 'pglite'

/** Runs `sql` (one statement or several) on the folder database; the last statement's rows. */
export async function pgliteScript<T>(db: TestDatabase, sql: string): Promise<T[]> {
  if (!db.url.startsWith('pglite:/')) throw new Error(`raw queries need a pglite:/absolute/folder database, not ${db.url}`)
  const pglite = await PGlite.create(db.url.slice('pglite:'.length), {
    parsers: { [INT8_OID]: (value: string) => value, [NUMERIC_OID]: (value: string) => value },
  })
  try {
    const results = await pglite.exec(sql)
    return (results.at(-1)?.rows ?? []) as T[]
  } finally {
    await pglite.close()
  }
}
