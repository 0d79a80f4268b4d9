/**
 * Reflection of a PostgreSQL database into the SchemaModel with a fixed number of catalog queries (eleven, whatever
 * the number of tables): namespaces, tables, columns, enums, constraints, indexes, views, routines, triggers, and
 * one for extensions, row-level security and policies. pg_catalog is read directly
 * (information_schema is far slower and hides details such as index expressions).
 *
 * Schemas: `options.schemas` (default: `current_schema()`). Tables, enums and references in the connection's
 * current schema are reported with `schema: null` (the model's "default schema"); objects in any other schema
 * carry its name.
 */
import type { Connection, IntrospectOptions } from '../dialect.js'
import { queryAll } from '../read-batch.js'
import { StrataError } from '../../errors.js'
import type {
  CheckModel,
  ColumnModel,
  ColumnType,
  EnumModel,
  ForeignKeyModel,
  IndexElement,
  IndexModel,
  ReferentialAction,
  SchemaModel,
  TableModel,
  UniqueModel,
} from '../../schema/model.js'
import { cloneColumnType, emptyTable } from '../../schema/model.js'
import { canonicalElement } from '../../schema/index-elements.js'
import { compareTables, reflectDefault } from './postgres-canonical.js'
import { sortByName } from '../shared/canonical.js'
import { parseNativeType } from './postgres-types.js'
import { introspectPostgresViews } from './postgres-views.js'
import { SERIAL_SEQUENCE } from './postgres-sequences.js'
import { introspectPostgresRoutines } from './postgres-routines.js'
import { introspectPostgresObjects } from './postgres-objects.js'
import { introspectPostgresPartitions } from './postgres-partitions.js'

// Arrays come back as JSON (to_json): the driver parses JSON natively, while its array parser took ≈20 % of
// introspecting 1,000 tables.
const TABLE_FILTER = `c.relnamespace = ANY($1::oid[]) AND c.relkind IN ('r', 'p') AND NOT c.relispartition`

const NAMESPACES_SQL = `
SELECT current_schema() AS current,
  COALESCE((SELECT json_agg(json_build_object('oid', n.oid, 'name', n.nspname))
            FROM pg_namespace n
            WHERE n.nspname = ANY(COALESCE($1::text[], ARRAY[current_schema()]::text[]))), '[]'::json) AS schemas`

// The table's comment and its columns' comments, keyed by attnum (0: the table): one index probe per table, not
// one per column (12,000 probes cost ≈20 ms at 1,000 tables).
const TABLES_SQL = `
SELECT c.oid, c.relname AS name, c.relnamespace AS nsp,
  (SELECT json_object_agg(d.objsubid, d.description) FROM pg_description d
   WHERE d.objoid = c.oid AND d.classoid = 'pg_class'::regclass) AS comments
FROM pg_class c
WHERE ${TABLE_FILTER}`

// Defaults and collations are looked up only for the columns that have one (atthasdef, a collatable type): as
// joins, a fresh database's catalogs (no statistics) got a nested loop probing every column (≈45 ms at 12,000).
// A default is deparsed without its table (relid 0): a default cannot name a column, and with the table named
// PostgreSQL opens it to learn its column names, building a relation cache entry per table in a new session
// (3,000 defaults: 39 ms less). A generated column's expression names columns, so it keeps its table.
const COLUMNS_SQL = `
SELECT a.attrelid AS table_oid, a.attnum, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type_sql,
  a.atttypid AS type_oid, a.attnotnull AS not_null, a.attidentity AS identity, a.attgenerated AS generated,
  CASE WHEN a.atthasdef THEN (SELECT pg_get_expr(ad.adbin, CASE WHEN a.attgenerated = '' THEN 0 ELSE ad.adrelid END) FROM pg_attrdef ad
                              WHERE ad.adrelid = a.attrelid AND ad.adnum = a.attnum) END AS default_sql,
  CASE WHEN a.attcollation <> 0 THEN (SELECT coll.collname FROM pg_collation coll JOIN pg_type ty ON ty.oid = a.atttypid
                                      WHERE coll.oid = a.attcollation AND a.attcollation <> ty.typcollation) END AS collation,
  (a.atthasdef AND EXISTS (
    SELECT 1 FROM pg_depend dep JOIN pg_class s ON s.oid = dep.objid AND s.relkind = 'S' JOIN pg_sequence sq ON sq.seqrelid = s.oid
    WHERE dep.classid = 'pg_class'::regclass AND dep.refclassid = 'pg_class'::regclass
      AND dep.refobjid = a.attrelid AND dep.refobjsubid = a.attnum AND dep.deptype = 'a' AND ${SERIAL_SEQUENCE('s', 'sq', 'c.relname', 'a.attname')})) AS owns_sequence
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
WHERE ${TABLE_FILTER} AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attrelid, a.attnum`

// Every enum of the database: a column may use an enum from a schema that is not being reflected.
const ENUMS_SQL = `
SELECT t.oid, t.typname AS name, n.nspname AS schema,
  to_json(array_agg(e.enumlabel::text ORDER BY e.enumsortorder)) AS labels
FROM pg_type t
JOIN pg_namespace n ON n.oid = t.typnamespace
JOIN pg_enum e ON e.enumtypid = t.oid
GROUP BY t.oid, t.typname, n.nspname`

const CONSTRAINTS_SQL = `
SELECT con.conrelid AS table_oid, con.conname AS name, con.contype AS type, to_json(con.conkey::int[]) AS keys, con.conindid AS index_oid,
  rc.relname AS ref_table, rn.nspname AS ref_schema,
  CASE WHEN con.contype = 'f' THEN to_json(ARRAY(SELECT (SELECT ra.attname::text FROM pg_attribute ra WHERE ra.attrelid = con.confrelid AND ra.attnum = k.num)
        FROM unnest(con.confkey) WITH ORDINALITY AS k(num, ord) ORDER BY k.ord)) END AS ref_columns,
  con.confupdtype AS on_update, con.confdeltype AS on_delete, con.condeferrable AS deferrable, con.condeferred AS deferred,
  CASE WHEN con.contype = 'c' THEN pg_get_expr(con.conbin, con.conrelid, true) END AS check_sql
FROM pg_constraint con
JOIN pg_class c ON c.oid = con.conrelid
LEFT JOIN pg_class rc ON rc.oid = con.confrelid
LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace
WHERE ${TABLE_FILTER} AND con.contype IN ('p', 'u', 'f', 'c', 'x')`
// A foreign key's referenced columns are looked up one by one (an index probe each), not joined: the join read
// every column of the referenced table and hashed them, per key (2,700 keys: 34 → 21 ms).

// Indexes that back a primary key, unique or exclusion constraint are the constraint's business, not reported.
const INDEXES_SQL = `
SELECT i.indrelid AS table_oid, i.indexrelid AS index_oid, ic.relname AS name, i.indisunique AS is_unique,
  to_json(string_to_array(i.indkey::text, ' ')::int[]) AS keys,
  CASE WHEN i.indexprs IS NOT NULL THEN to_json(ARRAY(SELECT CASE WHEN i.indkey[k - 1] = 0 THEN pg_get_indexdef(i.indexrelid, k, true) END
        FROM generate_series(1, i.indnkeyatts) AS k ORDER BY k)) END AS expressions,
  i.indnkeyatts AS key_count,
  pg_get_expr(i.indpred, i.indrelid, true) AS where_sql,
  am.amname AS method,
  to_json(string_to_array(i.indoption::text, ' ')::int[]) AS options,
  to_json(ARRAY(SELECT CASE WHEN u.oid = ANY(ARRAY(SELECT opc.oid FROM pg_opclass opc WHERE opc.opcdefault)) THEN NULL
                ELSE (SELECT CASE WHEN opc.opcdefault THEN NULL ELSE opc.opcname::text END FROM pg_opclass opc WHERE opc.oid = u.oid) END
        FROM unnest(i.indclass::oid[]) WITH ORDINALITY AS u(oid, n) ORDER BY u.n)) AS opclasses,
  to_json(ARRAY(SELECT CASE WHEN u.oid = 0 OR i.indkey[u.n - 1] = 0
                  OR u.oid = (SELECT a.attcollation FROM pg_attribute a WHERE a.attrelid = i.indrelid AND a.attnum = i.indkey[u.n - 1])
                THEN NULL ELSE (SELECT coll.collname::text FROM pg_collation coll WHERE coll.oid = u.oid) END
        FROM unnest(i.indcollation::oid[]) WITH ORDINALITY AS u(oid, n) ORDER BY u.n)) AS collations
FROM pg_index i
JOIN pg_class c ON c.oid = i.indrelid
JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_am am ON am.oid = ic.relam
WHERE ${TABLE_FILTER} AND NOT i.indisprimary`
// Opclass and collation names are looked up by oid in scalar subqueries: as joins inside the per-index subqueries,
// the planner scanned pg_collation (hundreds of ICU rows) once per index (240 ms at 4,000 indexes; 22 ms now).
// The default opclasses are one array computed once (an InitPlan): the lookup by oid was a sequential scan of
// pg_opclass per key column (≈70 ms at 5,000 keys); only a non-default opclass is looked up now.
// Indexes backing constraints are filtered out in JS with the constraint rows' index oids: pg_constraint has no
// index on conindid, and fresh catalogs lack statistics, so any join with it became a nested loop (0.5 s at
// 3,000 indexes). A primary key's index says so itself (indisprimary), and is left out here: one row in four of a
// usual schema. Expressions are asked for only for an index that has some: a plain index skips the per-key
// series (together 38 → 24 ms at 1,000 tables).

/** The number of catalog queries one introspection runs, whatever the schema size. */
export const INTROSPECTION_QUERY_COUNT = 11

interface TableRow {
  oid: number
  name: string
  nsp: number
  /** Comments by attnum: "0" is the table's own. */
  comments: Record<string, string> | null
}
interface ColumnRow {
  table_oid: number
  attnum: number
  name: string
  type_sql: string
  type_oid: number
  not_null: boolean
  identity: '' | 'a' | 'd'
  generated: '' | 's'
  default_sql: string | null
  owns_sequence: boolean
  /** The column's collation when it is not its type's default. */
  collation: string | null
}
interface EnumRow {
  oid: number
  name: string
  schema: string
  labels: string[]
}
interface ConstraintRow {
  table_oid: number
  name: string
  type: 'p' | 'u' | 'f' | 'c' | 'x'
  keys: number[] | null
  index_oid: number
  ref_table: string | null
  ref_schema: string | null
  /** Foreign keys only. */
  ref_columns: string[] | null
  on_update: string
  on_delete: string
  deferrable: boolean
  deferred: boolean
  check_sql: string | null
}
interface IndexRow {
  table_oid: number
  index_oid: number
  name: string
  is_unique: boolean
  keys: number[]
  /** Null for an index of plain columns. */
  expressions: Array<string | null> | null
  key_count: number
  where_sql: string | null
  method: string
  /** Per key column: bit 1 DESC, bit 2 NULLS FIRST. */
  options: number[]
  /** Per key column: the operator class when not the type's default. */
  opclasses: Array<string | null>
  /** Per key column: the collation when not the column's own (none for an expression: its own collation is unknown here). */
  collations: Array<string | null>
}

const ACTIONS: Record<string, ReferentialAction | undefined> = { r: 'restrict', c: 'cascade', n: 'set null', d: 'set default' }

/** `'{1,2}'::oid[]`: oids are integers, checked, so the literal needs no quoting beyond its own. */
function oidArrayLiteral(oids: number[]): string {
  if (!oids.every((oid) => Number.isSafeInteger(oid) && oid >= 0)) throw new StrataError(`the catalog returned namespace oids that are not integers: ${oids.join(', ')}`, { code: 'database' })
  return `'{${oids.join(',')}}'::oid[]`
}

export async function introspectPostgres(connection: Connection, options: IntrospectOptions = {}): Promise<SchemaModel> {
  const explicit = options.schemas && options.schemas.length > 0 ? options.schemas : null
  const [ns] = await connection.query<{ current: string | null; schemas: Array<{ oid: number; name: string }> }>(NAMESPACES_SQL, [explicit])
  const current = ns?.current ?? null
  const namespaces = new Map((ns?.schemas ?? []).map((s) => [Number(s.oid), s.name]))
  const oids = [...namespaces.keys()]
  const modelSchema = (name: string | null): string | null => (name === null || name === current ? null : name)

  // One batch where the connection offers it (the oids written in, as the simple protocol takes no parameters):
  // the server runs the five heaviest queries back to back while the caller loads the schema files.
  const literal = oidArrayLiteral(oids)
  const withOids = (sql: string) => sql.replaceAll('$1::oid[]', () => literal)
  const pending = queryAll(connection, [
    { sql: withOids(TABLES_SQL) },
    { sql: withOids(COLUMNS_SQL) },
    { sql: ENUMS_SQL },
    { sql: withOids(CONSTRAINTS_SQL) },
    { sql: withOids(INDEXES_SQL) },
  ])
  options.onQueriesSent?.()
  const [tableRows, columnRows, enumRows, constraintRows, indexRows] = (await pending) as [TableRow[], ColumnRow[], EnumRow[], ConstraintRow[], IndexRow[]]

  const enumsByOid = new Map<number, EnumRow>(enumRows.map((e) => [Number(e.oid), e]))
  const tables = new Map<number, TableModel>()
  const comments = new Map<number, Record<string, string>>()
  for (const row of tableRows) {
    const schema = modelSchema(namespaces.get(Number(row.nsp)) ?? null)
    if (options.excludeTables?.(row.name, schema)) continue
    tables.set(Number(row.oid), { ...emptyTable(row.name, schema), comment: row.comments?.['0'] ?? null })
    if (row.comments) comments.set(Number(row.oid), row.comments)
  }

  const columnNames = new Map<number, Map<number, string>>()
  const parsing = new ColumnParsing()
  for (const row of columnRows) {
    const table = tables.get(Number(row.table_oid))
    if (!table) continue
    let names = columnNames.get(Number(row.table_oid))
    if (!names) columnNames.set(Number(row.table_oid), (names = new Map()))
    names.set(row.attnum, row.name)
    const comment = comments.get(Number(row.table_oid))?.[String(row.attnum)] ?? null
    table.columns.push(reflectColumn(row, comment, enumsByOid, modelSchema, parsing))
  }
  const nameOf = (tableOid: number, attnum: number): string => columnNames.get(tableOid)?.get(attnum) ?? `#${attnum}`

  const backingIndexes = new Set<number>()
  for (const row of constraintRows) {
    if (row.type === 'p' || row.type === 'u' || row.type === 'x') backingIndexes.add(Number(row.index_oid))
    if (row.type === 'x') continue
    const tableOid = Number(row.table_oid)
    const table = tables.get(tableOid)
    if (!table) continue
    const columns = (row.keys ?? []).map((k) => nameOf(tableOid, k))
    if (row.type === 'p') table.primaryKey = { name: row.name, columns }
    else if (row.type === 'u') table.uniques.push({ name: row.name, columns } satisfies UniqueModel)
    else if (row.type === 'c') table.checks.push({ name: row.name, expression: row.check_sql ?? '' } satisfies CheckModel)
    else table.foreignKeys.push(reflectForeignKey(row, columns, modelSchema))
  }

  for (const row of indexRows) {
    if (backingIndexes.has(Number(row.index_oid))) continue
    const tableOid = Number(row.table_oid)
    const table = tables.get(tableOid)
    if (!table) continue
    const elements = row.keys.slice(0, row.key_count).map((attnum, i) =>
      reflectIndexElement(attnum === 0 ? { expression: row.expressions?.[i] ?? '' } : { column: nameOf(tableOid, attnum) }, row, i),
    )
    const index: IndexModel = { name: row.name, elements, unique: row.is_unique }
    if (row.where_sql) index.where = row.where_sql
    if (row.method !== 'btree') index.using = row.method
    const included = row.keys.slice(row.key_count).map((attnum) => nameOf(tableOid, attnum))
    if (included.length) index.include = included
    table.indexes.push(index)
  }

  const schemaOf = (nsp: number) => modelSchema(namespaces.get(nsp) ?? null)
  const partitioning = await introspectPostgresPartitions(connection, oids, schemaOf)
  for (const [oid, by] of partitioning.keys) {
    const table = tables.get(oid)
    if (table) table.partitionBy = by
  }
  const result = [...tables.values()]
  for (const table of result) {
    sortByName(table.indexes)
    sortByName(table.uniques)
    sortByName(table.foreignKeys)
    sortByName(table.checks)
  }
  result.sort(compareTables)

  const schemaNames = new Set(namespaces.values())
  const enums: EnumModel[] = enumRows
    .filter((e) => schemaNames.has(e.schema))
    .map((e) => ({ name: e.name, schema: modelSchema(e.schema), values: [...e.labels] }))
    .sort(compareTables)

  const schemas = explicit ? [...schemaNames].filter((s) => s !== current).sort() : []
  const views = (await introspectPostgresViews(connection, oids, schemaOf)).filter((v) => !options.excludeTables?.(v.name, v.schema ?? null))
  const { routines, triggers: allTriggers } = await introspectPostgresRoutines(connection, oids, schemaOf)
  const triggers = allTriggers.filter((t) => !options.excludeTables?.(t.table, t.schema ?? null))
  const objects = await introspectPostgresObjects(connection, oids, schemaOf, modelSchema)
  const sequences = objects.sequences.filter((s) => !options.excludeTables?.(s.name, s.schema ?? null))
  const policies = objects.policies.filter((p) => !options.excludeTables?.(p.table, p.schema ?? null))
  const rowSecurity = objects.rowSecurity.filter((r) => !options.excludeTables?.(r.table, r.schema ?? null))
  const partitions = partitioning.partitions.filter((p) => !options.excludeTables?.(p.parent, p.schema ?? null))
  return {
    tables: result,
    enums,
    schemas,
    ...(views.length > 0 ? { views } : {}),
    ...(routines.length > 0 ? { routines } : {}),
    ...(triggers.length > 0 ? { triggers } : {}),
    ...(objects.extensions.length > 0 ? { extensions: objects.extensions } : {}),
    ...(sequences.length > 0 ? { sequences } : {}),
    ...(policies.length > 0 ? { policies } : {}),
    ...(rowSecurity.length > 0 ? { rowSecurity } : {}),
    ...(partitions.length > 0 ? { partitions } : {}),
  }
}

/**
 * Column types and defaults parsed once per distinct spelling: 12,000 columns have a handful of types and defaults
 * (parsing each took ≈30 % of introspecting 1,000 tables). Every column gets its own copy: models are edited later.
 */
class ColumnParsing {
  private readonly types = new Map<string, ColumnType>()
  private readonly defaults = new Map<string, ReturnType<typeof reflectDefault>>()

  type(typeSql: string): ColumnType {
    let type = this.types.get(typeSql)
    if (!type) this.types.set(typeSql, (type = parseNativeType(typeSql).type))
    return cloneColumnType(type)
  }

  default(defaultSql: string, typeSql: string, type: ColumnType): ReturnType<typeof reflectDefault> {
    const key = `${typeSql}\n${defaultSql}`
    let value = this.defaults.get(key)
    if (value === undefined) this.defaults.set(key, (value = reflectDefault(defaultSql, type)))
    return value && { ...value }
  }
}

function reflectColumn(row: ColumnRow, comment: string | null, enumsByOid: Map<number, EnumRow>, modelSchema: (s: string | null) => string | null, parsing: ColumnParsing): ColumnModel {
  const enumRow = enumsByOid.get(Number(row.type_oid))
  let type: ColumnType
  if (enumRow) {
    const schema = modelSchema(enumRow.schema)
    type = { kind: 'enum', name: enumRow.name, values: [...enumRow.labels], ...(schema ? { schema } : {}) }
  } else {
    type = parsing.type(row.type_sql)
  }
  const column: ColumnModel = { name: row.name, type, nullable: !row.not_null, default: null, comment }
  if (row.identity === 'a') column.autoincrement = 'always'
  else if (row.identity === 'd') column.autoincrement = 'by-default'
  else if (row.owns_sequence && row.default_sql?.startsWith('nextval(')) column.autoincrement = true
  else if (row.default_sql !== null && row.generated !== 's')
    column.default = enumRow ? reflectDefault(row.default_sql, type) : parsing.default(row.default_sql, row.type_sql, type)
  if (row.generated === 's' && row.default_sql !== null) column.generated = { expression: row.default_sql, stored: true }
  if (row.collation) column.collation = row.collation
  return column
}

/** An index key column with its options, in canonical form (`canonicalElement`: defaults left out). */
function reflectIndexElement(target: { column: string } | { expression: string }, row: IndexRow, at: number): IndexElement {
  const flags = row.options[at] ?? 0
  const desc = (flags & 1) !== 0
  const element: IndexElement = { ...target, desc, nulls: (flags & 2) !== 0 ? 'first' : 'last' }
  const opclass = row.opclasses[at]
  const collate = row.collations[at]
  if (opclass) element.opclass = opclass
  if (collate) element.collate = collate
  return canonicalElement(element)
}

function reflectForeignKey(row: ConstraintRow, columns: string[], modelSchema: (s: string | null) => string | null): ForeignKeyModel {
  const fk: ForeignKeyModel = { name: row.name, columns, referencedTable: row.ref_table ?? '', referencedColumns: row.ref_columns ?? [] }
  const refSchema = modelSchema(row.ref_schema)
  if (refSchema) fk.referencedSchema = refSchema
  const onDelete = ACTIONS[row.on_delete]
  const onUpdate = ACTIONS[row.on_update]
  if (onDelete) fk.onDelete = onDelete
  if (onUpdate) fk.onUpdate = onUpdate
  if (row.deferrable) fk.deferrable = row.deferred ? 'initially deferred' : true
  return fk
}
