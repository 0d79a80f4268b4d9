/**
 * Views on PostgreSQL. The server keeps a view as a parse tree and prints it back (pg_get_viewdef) in its own
 * words, so strata records the declared text in the view's comment: `strata:<md5 of pg_get_viewdef>:<json>`.
 */
import type { Connection } from '../dialect.js'
import type { ViewOperation } from '../../operations/object-kinds.js'
import type { CompilersFor } from '../shared/compiler-table.js'
import type { MaterializedViewIndex, ViewModel } from '../../schema/model.js'
import { reflectedView, viewRecordJson } from '../shared/view-record.js'
import { parseRecordComment, recordCommentSql } from './postgres-records.js'
import { qualify, quoteIdentifier, quoteLiteral } from './postgres-quote.js'

const keyword = (view: { materialized?: boolean }) => (view.materialized ? 'MATERIALIZED VIEW' : 'VIEW')

function createViewSql(view: ViewModel): string {
  const columns = view.columns?.length ? ` (${view.columns.map(quoteIdentifier).join(', ')})` : ''
  const check = view.checkOption ? `\nWITH ${view.checkOption.toUpperCase()} CHECK OPTION` : ''
  const data = view.materialized && view.withData === false ? '\nWITH NO DATA' : ''
  return `CREATE ${keyword(view)} ${qualify(view.name, view.schema)}${columns} AS\n${view.definition}${check}${data}`
}

function indexSql(view: ViewModel, index: MaterializedViewIndex): string {
  const columns = index.columns.map(quoteIdentifier).join(', ')
  return `CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX ${quoteIdentifier(index.name)} ON ${qualify(view.name, view.schema)} (${columns})`
}

/** The view, its indexes (a materialized view's), and strata's record of it. */
function createSql(view: ViewModel): string[] {
  const name = qualify(view.name, view.schema)
  const record = recordCommentSql(`${keyword(view)} ${name}`, `pg_get_viewdef(${quoteLiteral(name)}::regclass)`, viewRecordJson(view))
  return [createViewSql(view), ...(view.indexes ?? []).map((i) => indexSql(view, i)), record]
}

export const postgresViewCompilers = {
  createView: (op) => createSql(op.view),
  dropView: (op) => [`DROP ${keyword(op)} ${qualify(op.name, op.schema)}`],
  // CREATE OR REPLACE VIEW cannot drop, rename or retype columns: drop and create (dependent views are
  // re-created around it by the plan).
  replaceView: (op) => [`DROP ${keyword(op.existing ?? op.view)} ${qualify(op.view.name, op.schema)}`, ...createSql(op.view)],
} satisfies CompilersFor<ViewOperation>

const VIEWS_SQL = `
SELECT c.relname AS name, c.relnamespace AS nsp, pg_get_viewdef(c.oid) AS definition, md5(pg_get_viewdef(c.oid)) AS fingerprint,
  d.description AS comment,
  (SELECT substring(o FROM 'check_option=(.*)') FROM unnest(c.reloptions) AS o WHERE o LIKE 'check_option=%') AS check_option,
  c.relkind = 'm' AS materialized,
  (SELECT json_agg(json_build_object('name', ic.relname, 'unique', i.indisunique,
      'columns', ARRAY(SELECT a.attname FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS k(num, ord)
                       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.num ORDER BY k.ord)) ORDER BY ic.relname)
     FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid WHERE i.indrelid = c.oid) AS indexes
FROM pg_class c
LEFT JOIN pg_description d ON d.objoid = c.oid AND d.classoid = 'pg_class'::regclass AND d.objsubid = 0
WHERE c.relnamespace = ANY($1::oid[]) AND c.relkind IN ('v', 'm')
ORDER BY c.relname`

interface ViewRow {
  name: string
  nsp: number
  definition: string
  fingerprint: string
  comment: string | null
  check_option: string | null
  materialized: boolean
  indexes: Array<{ name: string; unique: boolean; columns: string[] }> | null
}

/** The views of the given namespaces (one query). */
export async function introspectPostgresViews(connection: Connection, oids: number[], schemaOf: (nsp: number) => string | null): Promise<ViewModel[]> {
  const rows = await connection.query<ViewRow>(VIEWS_SQL, [oids])
  return rows.map((row) => {
    const checkOption = row.check_option === 'local' || row.check_option === 'cascaded' ? row.check_option : null
    const view = reflectedView(
      { name: row.name, schema: schemaOf(Number(row.nsp)), serverDefinition: row.definition, fingerprint: row.fingerprint, checkOption },
      parseRecordComment(row.comment),
    )
    if (!row.materialized) return view
    view.materialized = true
    const indexes = (row.indexes ?? []).map((i) => ({ name: i.name, columns: i.columns, ...(i.unique ? { unique: true } : {}) }))
    if (indexes.length) view.indexes = indexes
    return view
  })
}
