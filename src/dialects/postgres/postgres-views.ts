/**
 * Views on PostgreSQL. The server keeps a view as a parse tree and prints it back (pg_get_viewdef) in its own
 * words, so strata records the declared text in the view's comment: `strata:<md5 of pg_get_viewdef>:<json>`.
 */
import type { Connection } from '../dialect.js'
import type { ViewOperation } from '../../operations/object-kinds.js'
import type { CompilersFor } from '../shared/compiler-table.js'
import type { ViewModel } from '../../schema/model.js'
import { reflectedView, viewRecordJson } from '../shared/view-record.js'
import { parseRecordComment, recordCommentSql } from './postgres-records.js'
import { qualify, quoteIdentifier, quoteLiteral } from './postgres-quote.js'

function createViewSql(view: ViewModel): string {
  const columns = view.columns?.length ? ` (${view.columns.map(quoteIdentifier).join(', ')})` : ''
  const check = view.checkOption ? `\nWITH ${view.checkOption.toUpperCase()} CHECK OPTION` : ''
  return `CREATE VIEW ${qualify(view.name, view.schema)}${columns} AS\n${view.definition}${check}`
}

function recordSql(view: ViewModel): string {
  const name = qualify(view.name, view.schema)
  return recordCommentSql(`VIEW ${name}`, `pg_get_viewdef(${quoteLiteral(name)}::regclass)`, viewRecordJson(view))
}

export const postgresViewCompilers = {
  createView: (op) => [createViewSql(op.view), recordSql(op.view)],
  dropView: (op) => [`DROP VIEW ${qualify(op.name, op.schema)}`],
  // CREATE OR REPLACE VIEW cannot drop, rename or retype columns: drop and create (dependent views are
  // re-created around it by the plan).
  replaceView: (op) => [`DROP VIEW ${qualify(op.view.name, op.schema)}`, createViewSql(op.view), recordSql(op.view)],
} satisfies CompilersFor<ViewOperation>

const VIEWS_SQL = `
SELECT c.relname AS name, c.relnamespace AS nsp, pg_get_viewdef(c.oid) AS definition, md5(pg_get_viewdef(c.oid)) AS fingerprint,
  d.description AS comment,
  (SELECT substring(o FROM 'check_option=(.*)') FROM unnest(c.reloptions) AS o WHERE o LIKE 'check_option=%') AS check_option
FROM pg_class c
LEFT JOIN pg_description d ON d.objoid = c.oid AND d.classoid = 'pg_class'::regclass AND d.objsubid = 0
WHERE c.relnamespace = ANY($1::oid[]) AND c.relkind = 'v'
ORDER BY c.relname`

interface ViewRow {
  name: string
  nsp: number
  definition: string
  fingerprint: string
  comment: string | null
  check_option: string | null
}

/** The views of the given namespaces (one query). */
export async function introspectPostgresViews(connection: Connection, oids: number[], schemaOf: (nsp: number) => string | null): Promise<ViewModel[]> {
  const rows = await connection.query<ViewRow>(VIEWS_SQL, [oids])
  return rows.map((row) => {
    const checkOption = row.check_option === 'local' || row.check_option === 'cascaded' ? row.check_option : null
    return reflectedView(
      { name: row.name, schema: schemaOf(Number(row.nsp)), serverDefinition: row.definition, fingerprint: row.fingerprint, checkOption },
      parseRecordComment(row.comment),
    )
  })
}
