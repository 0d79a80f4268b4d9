/** strata's own reading of a test database (its introspector), for comparing two databases' schemas. */
import { loadDialect } from '../../src/runtime/dialects.js'
import { parseDatabaseUrl } from '../../src/runtime/url.js'
import type { SchemaModel } from '../../src/schema/model.js'

/** The schema model at a strata URL as the dialect reflects it, strata's own tables left out. */
export async function reflectUserSchema(url: string): Promise<SchemaModel> {
  const parsed = parseDatabaseUrl(url, '/')
  const dialect = await loadDialect(parsed.dialect)
  const connection = await dialect.connect(parsed)
  try {
    return await dialect.introspect(connection, { excludeTables: (name) => name.startsWith('strata_') })
  } finally {
    await connection.close()
  }
}
