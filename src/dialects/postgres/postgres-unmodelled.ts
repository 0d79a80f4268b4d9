/** What a PostgreSQL schema holds that strata's model does not (yet): listed by `pull`, never dropped silently. */
import type { ColumnModel } from '../../schema/model.js'
import type { Connection, IntrospectOptions } from '../dialect.js'

const SERIAL_TYPES: Record<string, string> = { smallint: 'smallserial', integer: 'serial', bigint: 'bigserial' }

/** A serial column (an owned sequence's default) is declared `customType('serial')`: `autoincrement()` is an identity. */
export function declaredPostgresColumn(column: ColumnModel): ColumnModel {
  const serial = column.autoincrement === true ? SERIAL_TYPES[column.type.kind] : undefined
  if (!serial) return column
  const { autoincrement: _serial, ...rest } = column
  return { ...rest, type: { kind: 'raw', sql: serial } }
}

const SCHEMAS = `COALESCE($1::text[], ARRAY[current_schema()]::text[])`

// Objects an extension owns (pg_depend deptype 'e') belong to the extension, not to the schema file.
const NOT_FROM_EXTENSION = (classid: string, oid: string) =>
  `NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = '${classid}'::regclass AND d.objid = ${oid} AND d.deptype = 'e')`

// A domain is listed with its definition: a database built from the schema file needs it (an op.execute in the
// baseline) before the tables whose columns use it.
const UNMODELLED_SQL = `
SELECT 'domain ' || t.typname || ' (create it in the baseline: CREATE DOMAIN ' || quote_ident(t.typname) || ' AS '
  || format_type(t.typbasetype, t.typtypmod) || CASE WHEN t.typnotnull THEN ' NOT NULL' ELSE '' END
  || COALESCE(' DEFAULT ' || t.typdefault, '')
  || COALESCE((SELECT string_agg(' CONSTRAINT ' || quote_ident(con.conname) || ' ' || pg_get_constraintdef(con.oid), '' ORDER BY con.conname)
       FROM pg_constraint con WHERE con.contypid = t.oid), '') || ')' AS line
  FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
 WHERE t.typtype = 'd' AND n.nspname = ANY(${SCHEMAS}) AND ${NOT_FROM_EXTENSION('pg_type', 't.oid')}
UNION ALL
SELECT 'aggregate ' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')' FROM pg_proc p
  JOIN pg_namespace n ON n.oid = p.pronamespace WHERE p.prokind = 'a' AND n.nspname = ANY(${SCHEMAS}) AND ${NOT_FROM_EXTENSION('pg_proc', 'p.oid')}
UNION ALL
SELECT CASE t.typtype WHEN 'r' THEN 'range type ' ELSE 'composite type ' END || t.typname FROM pg_type t
  JOIN pg_namespace n ON n.oid = t.typnamespace LEFT JOIN pg_class c ON c.oid = t.typrelid
 WHERE (t.typtype = 'r' OR (t.typtype = 'c' AND c.relkind = 'c')) AND n.nspname = ANY(${SCHEMAS}) AND ${NOT_FROM_EXTENSION('pg_type', 't.oid')}
UNION ALL
SELECT 'operator ' || o.oprname || ' (' || format_type(o.oprleft, NULL) || ', ' || format_type(o.oprright, NULL) || ')' FROM pg_operator o
  JOIN pg_namespace n ON n.oid = o.oprnamespace WHERE n.nspname = ANY(${SCHEMAS}) AND ${NOT_FROM_EXTENSION('pg_operator', 'o.oid')}
UNION ALL
SELECT 'exclusion constraint ' || con.conname || ' on ' || c.relname FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace WHERE con.contype = 'x' AND n.nspname = ANY(${SCHEMAS})
UNION ALL
SELECT 'partition ' || c.relname || ' of partition ' || pc.relname || ' (sub-partitioning)' FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_inherits i ON i.inhrelid = c.oid JOIN pg_class pc ON pc.oid = i.inhparent
 WHERE c.relispartition AND pc.relispartition AND n.nspname = ANY(${SCHEMAS})
`

export async function describePostgresUnmodelled(connection: Connection, options: IntrospectOptions = {}): Promise<string[]> {
  const schemas = options.schemas && options.schemas.length > 0 ? options.schemas : null
  const rows = await connection.query<{ line: string }>(UNMODELLED_SQL, [schemas])
  return rows.map((r) => r.line).sort()
}
