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

const UNMODELLED_SQL = `
SELECT 'domain ' || t.typname AS line FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
 WHERE t.typtype = 'd' AND n.nspname = ANY(${SCHEMAS}) AND ${NOT_FROM_EXTENSION('pg_type', 't.oid')}
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
