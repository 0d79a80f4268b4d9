import type { Connection, IntrospectOptions } from '../dialect.js'
import type { CheckModel, ColumnModel, ForeignKeyModel, IndexElement, IndexModel, ReferentialAction, SchemaModel, TableModel, UniqueModel } from '../../schema/model.js'
import { type NamingConvention, applyConvention, defaultNamingConvention } from '../../schema/naming.js'
import { enumsUsedBy, foldCollation, parseDefaultText, sortTable } from './sqlite-canonical.js'
import { type ParsedColumn, type ParsedTable, parseCreateIndex, parseCreateTable, splitTopLevel, tokenize } from './sqlite-parser.js'
import { fromDeclaredType } from './sqlite-types.js'
import { reflectSqliteViews, sqliteObjectRows } from './sqlite-views.js'
import { reflectSqliteTriggers } from './sqlite-triggers.js'

/**
 * Reflects the main database with five catalog queries, whatever the number of tables: the table-valued pragmas
 * joined over sqlite_master. Constraint names, CHECK expressions, AUTOINCREMENT, deferrability, index expressions
 * and partial predicates are read from the CREATE text SQLite keeps.
 */

// Ordinary tables of the main database: no virtual or shadow tables, no sqlite_* internals.
const TABLES = `
  SELECT l.name AS name, m.sql AS sql
  FROM pragma_table_list AS l JOIN sqlite_master AS m ON m.type = 'table' AND m.name = l.name
  WHERE l.schema = 'main' AND l.type = 'table' AND l.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'`

const COLUMNS = `
  SELECT t.name AS tbl, c.cid, c.name, c.type, c."notnull" AS "notnull", c.dflt_value, c.pk, c.hidden
  FROM (${TABLES}) AS t JOIN pragma_table_xinfo(t.name) AS c
  ORDER BY t.name, c.cid`

const INDEXES = `
  SELECT t.name AS tbl, i.name, i."unique" AS isUnique, i.origin, i.partial, m.sql
  FROM (${TABLES}) AS t JOIN pragma_index_list(t.name) AS i
  LEFT JOIN sqlite_master AS m ON m.type = 'index' AND m.name = i.name
  ORDER BY t.name, i.name`

const INDEX_COLUMNS = `
  SELECT t.name AS tbl, i.name AS idx, x.seqno, x.cid, x.name, x."desc" AS descending, x.coll
  FROM (${TABLES}) AS t JOIN pragma_index_list(t.name) AS i JOIN pragma_index_xinfo(i.name) AS x
  WHERE x.key = 1
  ORDER BY t.name, i.name, x.seqno`

const FOREIGN_KEYS = `
  SELECT t.name AS tbl, f.id, f.seq, f."table" AS ref, f."from" AS fromCol, f."to" AS toCol, f.on_update, f.on_delete
  FROM (${TABLES}) AS t JOIN pragma_foreign_key_list(t.name) AS f
  ORDER BY t.name, f.id, f.seq`

interface ColumnRow {
  tbl: string
  cid: number
  name: string
  type: string
  notnull: number
  dflt_value: string | null
  pk: number
  hidden: number
}
interface IndexRow {
  tbl: string
  name: string
  isUnique: number
  origin: string
  partial: number
  sql: string | null
}
interface IndexColumnRow {
  tbl: string
  idx: string
  seqno: number
  cid: number
  name: string | null
  descending: number
  coll: string | null
}
interface ForeignKeyRow {
  tbl: string
  id: number
  seq: number
  ref: string
  fromCol: string
  toCol: string | null
  on_update: string
  on_delete: string
}

function groupBy<T, K>(rows: T[], key: (row: T) => K): Map<K, T[]> {
  const map = new Map<K, T[]>()
  for (const row of rows) {
    const k = key(row)
    const list = map.get(k)
    if (list) list.push(row)
    else map.set(k, [row])
  }
  return map
}

const sameName = (a: string, b: string) => a.toLowerCase() === b.toLowerCase()
const sameNames = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => sameName(x, b[i]!))

/** The values of an enum CHECK (`"col" IN ('a', 'b')`) on `column`, or null when the check is something else. */
export function enumValuesOf(expression: string, column: string): string[] | null {
  const tokens = tokenize(expression)
  const [name, keyword, open] = tokens
  if (!name || (name.kind !== 'word' && name.kind !== 'quoted') || !sameName(name.value, column)) return null
  if (!keyword || keyword.kind !== 'word' || keyword.value.toUpperCase() !== 'IN') return null
  if (!open || open.text !== '(' || tokens[tokens.length - 1]?.text !== ')') return null
  const items = splitTopLevel(tokens.slice(3, -1))
  if (!items.every((item) => item.length === 1 && item[0]!.kind === 'string')) return null
  return items.map((item) => item[0]!.value)
}

function action(value: string): ReferentialAction | null {
  const lower = value.toLowerCase() as ReferentialAction
  return lower === 'no action' ? null : lower
}

function safeParse(sql: string | null): ParsedTable | null {
  if (!sql) return null
  try {
    return parseCreateTable(sql)
  } catch {
    return null // unreadable text: names fall back to the naming convention
  }
}

/** `INTEGER PRIMARY KEY` is the rowid: never NULL, though table_info reports no NOT NULL for it. */
function isRowidAlias(row: ColumnRow, rows: ColumnRow[]): boolean {
  return row.pk === 1 && (row.type ?? '').trim().toUpperCase() === 'INTEGER' && rows.every((r) => r === row || r.pk === 0)
}

function buildColumns(rows: ColumnRow[], parsed: ParsedTable | null, checks: CheckModel[]): ColumnModel[] {
  const columns: ColumnModel[] = []
  for (const row of rows) {
    const source: ParsedColumn | undefined = parsed?.columns.find((c) => sameName(c.name, row.name))
    // hidden 2 / 3: a generated column (virtual / stored); 1: a virtual table's hidden column, not in the model.
    if (row.hidden !== 0 && !((row.hidden === 2 || row.hidden === 3) && source?.generation)) continue
    const type = fromDeclaredType(row.type ?? '')
    for (const check of source?.checks ?? []) {
      const values = type.kind === 'enum' ? enumValuesOf(check.expression, row.name) : null
      if (values && type.kind === 'enum' && type.values.length === 0) type.values = values
      else checks.push({ name: check.name ?? '', expression: check.expression })
    }
    const column: ColumnModel = { name: row.name, type, nullable: row.notnull === 0 && !isRowidAlias(row, rows), default: parseDefaultText(row.dflt_value, type) }
    if (source?.primaryKey?.autoincrement) column.autoincrement = true
    if (row.hidden !== 0 && source?.generation) column.generated = { ...source.generation }
    // `collate nocase` is NOCASE: reflected in canonicalize's spelling, so check and pull agree with the schema.
    if (source?.collation) column.collation = foldCollation(source.collation)
    columns.push(column)
  }
  return columns
}

function buildUniques(indexes: IndexRow[], indexColumns: Map<string, IndexColumnRow[]>, parsed: ParsedTable | null, table: string, naming: NamingConvention): UniqueModel[] {
  const declared = [
    ...(parsed?.uniques ?? []),
    ...(parsed?.columns.flatMap((c) => c.uniques.map((u) => ({ name: u.name, columns: [c.name] }))) ?? []),
  ]
  const used = new Set<number>()
  return indexes
    .filter((i) => i.origin === 'u')
    .map((i) => {
      const columns = (indexColumns.get(i.name) ?? []).map((c) => c.name ?? '')
      const at = declared.findIndex((d, n) => !used.has(n) && sameNames(d.columns, columns))
      if (at >= 0) used.add(at)
      const name = declared[at]?.name ?? applyConvention(naming.unique, { table, columns })
      return { name, columns }
    })
}

/**
 * A column element with the direction and collation SQLite reports (pragma_index_xinfo); the collation only when it
 * is not the column's own.
 */
function columnElement(row: IndexColumnRow, name: string, columns: ColumnModel[]): IndexElement {
  const own = columns.find((c) => sameName(c.name, name))?.collation ?? 'BINARY'
  const element: IndexElement = { column: name }
  if (row.descending === 1) element.desc = true
  if (row.coll && foldCollation(row.coll) !== foldCollation(own)) element.collate = foldCollation(row.coll)
  return element.desc || element.collate ? element : name
}

function buildIndexes(indexes: IndexRow[], indexColumns: Map<string, IndexColumnRow[]>, columns: ColumnModel[]): IndexModel[] {
  return indexes
    .filter((i) => i.origin === 'c')
    .map((i) => {
      const parsed = i.sql ? parseCreateIndex(i.sql) : null
      const elements: IndexElement[] = (indexColumns.get(i.name) ?? []).map((c, n) => {
        const text = parsed?.elements[n]
        if (c.cid >= 0 && c.name !== null) return columnElement(c, c.name, columns)
        return { expression: text?.text ?? c.name ?? '' }
      })
      const index: IndexModel = { name: i.name, elements, unique: i.isUnique === 1 }
      if (i.partial === 1 && parsed?.where) index.where = parsed.where
      return index
    })
}

function buildForeignKeys(rows: ForeignKeyRow[], parsed: ParsedTable | null, table: string, primaryKeys: Map<string, string[]>, naming: NamingConvention): ForeignKeyModel[] {
  const declared = [...(parsed?.foreignKeys ?? []), ...(parsed?.columns.flatMap((c) => (c.references ? [c.references] : [])) ?? [])]
  const used = new Set<number>()
  let unnamed = 0
  return [...groupBy(rows, (r) => r.id).values()].map((group) => {
    const first = group[0]!
    const columns = group.map((r) => r.fromCol)
    const implicit = group.some((r) => r.toCol === null)
    const referencedColumns = implicit ? (primaryKeys.get(first.ref.toLowerCase()) ?? []) : group.map((r) => r.toCol!)
    const at = declared.findIndex((d, n) => !used.has(n) && sameNames(d.columns, columns) && sameName(d.referencedTable, first.ref))
    if (at >= 0) used.add(at)
    const source = declared[at]
    const fk: ForeignKeyModel = {
      name: source?.name ?? applyConvention(naming.foreignKey, { table, columns, referredTable: first.ref, ordinal: ++unnamed }),
      columns,
      referencedTable: first.ref,
      referencedColumns,
    }
    const onDelete = action(first.on_delete)
    const onUpdate = action(first.on_update)
    if (onDelete) fk.onDelete = onDelete
    if (onUpdate) fk.onUpdate = onUpdate
    if (source?.deferrable) fk.deferrable = source.deferrable
    return fk
  })
}

export async function introspectSqlite(connection: Connection, options: IntrospectOptions = {}): Promise<SchemaModel> {
  const keep = (name: string) => !options.excludeTables?.(name, null)
  const naming = options.naming ?? defaultNamingConvention
  const tableRows = (await connection.query<{ name: string; sql: string | null }>(TABLES))
    .filter((t) => keep(t.name))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  const columnRows = groupBy(await connection.query<ColumnRow>(COLUMNS), (r) => r.tbl)
  const indexRows = groupBy(await connection.query<IndexRow>(INDEXES), (r) => r.tbl)
  const indexColumnRows = groupBy(await connection.query<IndexColumnRow>(INDEX_COLUMNS), (r) => r.tbl)
  const fkRows = groupBy(await connection.query<ForeignKeyRow>(FOREIGN_KEYS), (r) => r.tbl)

  // Primary keys of every table first: a foreign key written without columns references the parent's key.
  const primaryKeys = new Map<string, string[]>()
  for (const [table, rows] of columnRows)
    primaryKeys.set(
      table.toLowerCase(),
      rows.filter((r) => r.pk > 0).sort((a, b) => a.pk - b.pk).map((r) => r.name),
    )

  const tables: TableModel[] = []
  for (const { name, sql } of tableRows) {
    const parsed = safeParse(sql)
    const checks: CheckModel[] = []
    const columns = buildColumns(columnRows.get(name) ?? [], parsed, checks)
    for (const check of parsed?.checks ?? []) checks.push({ name: check.name ?? '', expression: check.expression })
    let unnamed = 0
    for (const check of checks) if (!check.name) check.name = `ck_${name}_${++unnamed}`
    const pkColumns = primaryKeys.get(name.toLowerCase()) ?? []
    const indexColumns = groupBy(indexColumnRows.get(name) ?? [], (r) => r.idx)
    const indexes = indexRows.get(name) ?? []
    tables.push(
      sortTable({
        name,
        schema: null,
        columns,
        primaryKey: pkColumns.length ? { name: parsed?.primaryKey && sameNames(parsed.primaryKey.columns, pkColumns) ? parsed.primaryKey.name : null, columns: pkColumns } : null,
        indexes: buildIndexes(indexes, indexColumns, columns),
        uniques: buildUniques(indexes, indexColumns, parsed, name, naming),
        foreignKeys: buildForeignKeys(fkRows.get(name) ?? [], parsed, name, primaryKeys, naming),
        checks,
        comment: null,
      }),
    )
  }
  const objectRows = await sqliteObjectRows(connection)
  const views = reflectSqliteViews(objectRows, keep)
  const triggers = reflectSqliteTriggers(objectRows, keep)
  return { tables, enums: enumsUsedBy(tables), schemas: [], ...(views.length > 0 ? { views } : {}), ...(triggers.length > 0 ? { triggers } : {}) }
}
