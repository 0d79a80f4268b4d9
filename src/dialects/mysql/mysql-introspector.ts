/**
 * Reflects the current database (DATABASE()) from information_schema with a fixed number of queries, whatever
 * the number of tables: server version, tables, columns, index columns, foreign key columns, referential rules,
 * check constraints. The result has the same shape `canonicalizeMysql` gives a target model.
 */
import type { Connection, IntrospectOptions, ReadStatement } from '../dialect.js'
import { queryAll } from '../read-batch.js'
import type { CheckModel, ColumnModel, ColumnType, DefaultValue, ForeignKeyModel, IndexElement, IndexModel, ReferentialAction, SchemaModel, TableModel } from '../../schema/model.js'
import { cloneColumnType, emptyTable } from '../../schema/model.js'
import { type MysqlServerInfo, mysqlServerOf, serverAtLeast } from './mysql-driver.js'
import { canonicalNumber, isForeignKeyBackingIndex } from './mysql-canonical.js'
import { sortByName } from '../shared/canonical.js'
import { tokenizeExpression } from './mysql-expression.js'
import { quoteMysqlIdentifier } from './mysql-sql.js'
import { mysqlColumnType } from './mysql-types.js'
import { MYSQL_OBJECT_COLUMNS, type ObjectColumns, mysqlObjects } from './mysql-objects-introspector.js'
import { elementColumn, elementExpression } from '../../schema/index-elements.js'
import { COLLATABLE } from '../../schema/validate-details.js'

interface ColumnRow {
  TABLE_NAME: string
  COLUMN_NAME: string
  COLUMN_DEFAULT: string | null
  IS_NULLABLE: string
  COLUMN_TYPE: string
  EXTRA: string
  COLUMN_COMMENT: string
  GENERATION_EXPRESSION: string | null
  COLLATION_NAME: string | null
}

interface IndexRow {
  TABLE_NAME: string
  INDEX_NAME: string
  NON_UNIQUE: number | string
  COLUMN_NAME: string | null
  SUB_PART: number | string | null
  COLLATION: string | null
  EXPRESSION?: string | null
}

interface ForeignKeyRow {
  TABLE_NAME: string
  CONSTRAINT_NAME: string
  COLUMN_NAME: string
  REFERENCED_TABLE_SCHEMA: string
  REFERENCED_TABLE_NAME: string
  REFERENCED_COLUMN_NAME: string
}

interface RuleRow {
  TABLE_NAME: string
  CONSTRAINT_NAME: string
  UPDATE_RULE: string
  DELETE_RULE: string
}

interface CheckRow {
  TABLE_NAME: string
  CONSTRAINT_NAME: string
  CHECK_CLAUSE: string
  LEVEL?: string
}

const SIMPLE_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]*$/

function identifierText(name: string): string {
  return SIMPLE_IDENTIFIER.test(name) ? name : quoteMysqlIdentifier(name)
}

function referentialAction(rule: string | undefined): ReferentialAction | undefined {
  const action = (rule ?? '').toLowerCase()
  if (action === 'cascade' || action === 'set null' || action === 'set default') return action
  return undefined
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i

function literalFor(text: string, type: ColumnModel['type']): DefaultValue {
  if (type.kind === 'boolean' && (text === '0' || text === '1')) return { kind: 'literal', value: text === '1' }
  const numeric = ['smallint', 'integer', 'bigint', 'real', 'double', 'numeric'].includes(type.kind)
  if (numeric && NUMBER.test(text)) {
    const value = Number(text)
    // Keep the text when a number would not round-trip (big DECIMALs, BIGINTs past 2^53).
    const exact = Number.isInteger(value) ? Number.isSafeInteger(value) : String(value) === canonicalNumber(text)
    return { kind: 'literal', value: exact ? value : text }
  }
  return { kind: 'literal', value: text }
}

/**
 * COLUMN_DEFAULT differs: MariaDB ≥10.2.7 quotes literals (`'abc'`), spells NULL as 'NULL' and leaves
 * expressions bare; MySQL 8 gives literals unquoted and flags expressions with DEFAULT_GENERATED in EXTRA.
 */
export function reflectDefault(raw: string | null, extra: string, type: ColumnModel['type'], server: MysqlServerInfo): DefaultValue | null {
  if (raw === null) return null
  if (server.mariadb) {
    if (raw === 'NULL') return null
    if (raw.startsWith("'") && raw.endsWith("'") && raw.length >= 2) {
      const tokens = tokenizeExpression(raw)
      if (tokens.length === 1 && tokens[0]!.t === 'str') return literalFor(tokens[0].v, type)
    }
    if (NUMBER.test(raw)) return literalFor(raw, type)
    return { kind: 'sql', sql: raw }
  }
  if (/default_generated/i.test(extra)) {
    // MySQL 8 keeps a literal on TEXT/BLOB/JSON as an expression: _utf8mb4\'abc\'
    try {
      const tokens = tokenizeExpression(raw)
      if (tokens.length === 1 && tokens[0]!.t === 'str') return literalFor(tokens[0].v, type)
    } catch {
      // not a literal
    }
    return { kind: 'sql', sql: raw }
  }
  return literalFor(raw, type)
}

function isJsonCheck(check: CheckRow, column: ColumnModel | undefined): boolean {
  if (!column || check.LEVEL?.toLowerCase() !== 'column') return false
  const clause = check.CHECK_CLAUSE.replace(/\s+/g, '').toLowerCase()
  return clause === `json_valid(${quoteMysqlIdentifier(column.name).toLowerCase()})` || clause === `json_valid(${column.name.toLowerCase()})`
}

interface TableParts {
  model: TableModel
  indexRows: Map<string, IndexRow[]>
  foreignKeys: Map<string, ForeignKeyModel>
  collation: string | null
}

/**
 * The catalog reads, in one batch where the connection offers it: the server then answers them back to back
 * while `check` loads the schema files. Filtered by DATABASE() rather than a parameter, which the first of them
 * would otherwise have to answer first.
 */
function catalogStatements(server: MysqlServerInfo): ReadStatement[] {
  // TABLE_COLLATION: a column in its table's collation has no collation of its own in the model.
  const statements: ReadStatement[] = [
    { sql: `SELECT DATABASE() AS db, ${MYSQL_OBJECT_COLUMNS}` },
    { sql: `SELECT TABLE_NAME, TABLE_COMMENT, TABLE_COLLATION FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE'` },
    {
      sql: `SELECT TABLE_NAME, COLUMN_NAME, COLUMN_DEFAULT, IS_NULLABLE, COLUMN_TYPE, EXTRA, COLUMN_COMMENT, GENERATION_EXPRESSION, COLLATION_NAME
       FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, ORDINAL_POSITION`,
    },
    // FULLTEXT and SPATIAL keys are not in the model (pull lists them as unmodelled): left out here, they are never
    // written, added or dropped, and a table holding one compares equal to a schema file without it.
    {
      sql: `SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE, COLUMN_NAME, SUB_PART, COLLATION${!server.mariadb && serverAtLeast(server, 8, 0, 13) ? ', EXPRESSION' : ''}
       FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND INDEX_TYPE NOT IN ('FULLTEXT', 'SPATIAL')
      ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`,
    },
    {
      sql: `SELECT TABLE_NAME, CONSTRAINT_NAME, COLUMN_NAME, REFERENCED_TABLE_SCHEMA, REFERENCED_TABLE_NAME, REFERENCED_COLUMN_NAME
       FROM information_schema.KEY_COLUMN_USAGE
      WHERE TABLE_SCHEMA = DATABASE() AND REFERENCED_TABLE_NAME IS NOT NULL ORDER BY TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION`,
    },
    { sql: `SELECT TABLE_NAME, CONSTRAINT_NAME, UPDATE_RULE, DELETE_RULE FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE()` },
  ]
  // MySQL 8's CHECK_CONSTRAINTS has no table name (check names are unique per schema there); MariaDB's has one.
  if (server.mariadb)
    statements.push({ sql: `SELECT TABLE_NAME, CONSTRAINT_NAME, CHECK_CLAUSE, LEVEL FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE()` })
  else if (serverAtLeast(server, 8, 0, 16))
    statements.push({
      sql: `SELECT tc.TABLE_NAME, cc.CONSTRAINT_NAME, cc.CHECK_CLAUSE
             FROM information_schema.TABLE_CONSTRAINTS tc
             JOIN information_schema.CHECK_CONSTRAINTS cc ON cc.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA AND cc.CONSTRAINT_NAME = tc.CONSTRAINT_NAME
            WHERE tc.TABLE_SCHEMA = DATABASE() AND tc.CONSTRAINT_TYPE = 'CHECK'`,
    })
  return statements
}

type CatalogRows = [
  Array<{ db: string | null } & ObjectColumns>,
  Array<{ TABLE_NAME: string; TABLE_COMMENT: string | null; TABLE_COLLATION: string | null }>,
  ColumnRow[],
  IndexRow[],
  ForeignKeyRow[],
  RuleRow[],
  CheckRow[]?,
]

/** mysqlColumnType once per distinct COLUMN_TYPE (a few dozen for 12,000 columns); each column gets its own copy. */
function columnTypeOf(text: string, seen: Map<string, ColumnType>): ColumnType {
  let type = seen.get(text)
  if (!type) seen.set(text, (type = mysqlColumnType(text)))
  return cloneColumnType(type)
}

const ON_UPDATE_NOW = /\bon update current_timestamp\b/i
const AUTO_INCREMENT = /auto_increment/i
const GENERATED = /\b(virtual|stored|persistent) generated\b/i

/**
 * What a column's EXTRA says: ON UPDATE CURRENT_TIMESTAMP, AUTO_INCREMENT, or a generated column (none of which
 * has a default of its own). The patterns are constants: a literal in the loop is a new RegExp per column.
 */
function reflectExtra(column: ColumnModel, extra: string, generationExpression: string | null | undefined): void {
  if (ON_UPDATE_NOW.test(extra)) column.onUpdateNow = true
  if (AUTO_INCREMENT.test(extra)) {
    column.autoincrement = true
    column.default = null
  }
  const generated = GENERATED.exec(extra)
  if (generated && generationExpression) {
    column.generated = { expression: generationExpression, stored: generated[1]!.toLowerCase() !== 'virtual' }
    column.default = null
    // MariaDB reports every generated column as nullable (it accepts no NOT NULL on one).
  }
}

export async function introspectMysql(connection: Connection, options: IntrospectOptions = {}): Promise<SchemaModel> {
  const server = await mysqlServerOf(connection)
  const pending = queryAll(connection, catalogStatements(server))
  options.onQueriesSent?.()
  const [[first], tables, columns, indexRows, fkRows, ruleRows, checkRows = []] = (await pending) as CatalogRows
  const db = first?.db
  if (!db) throw new Error('no database selected: the MySQL URL must name a database')
  const exclude = options.excludeTables ?? (() => false)

  const parts = new Map<string, TableParts>()
  for (const row of tables) {
    if (exclude(row.TABLE_NAME, null)) continue
    parts.set(row.TABLE_NAME, {
      model: { ...emptyTable(row.TABLE_NAME, null), comment: row.TABLE_COMMENT || null },
      indexRows: new Map(),
      collation: row.TABLE_COLLATION ?? null,
      foreignKeys: new Map(),
    })
  }

  const types = new Map<string, ColumnType>()
  for (const row of columns) {
    const table = parts.get(row.TABLE_NAME)
    if (!table) continue
    const type = columnTypeOf(row.COLUMN_TYPE, types)
    const column: ColumnModel = {
      name: row.COLUMN_NAME,
      type,
      nullable: row.IS_NULLABLE === 'YES',
      default: reflectDefault(row.COLUMN_DEFAULT, row.EXTRA ?? '', type, server),
      comment: row.COLUMN_COMMENT || null,
    }
    if (row.COLLATION_NAME && row.COLLATION_NAME !== table.collation && COLLATABLE.has(type.kind)) column.collation = row.COLLATION_NAME
    // Most columns have no EXTRA: the patterns are not even tried.
    if (row.EXTRA) reflectExtra(column, row.EXTRA, row.GENERATION_EXPRESSION)
    table.model.columns.push(column)
  }

  for (const row of checkRows) {
    const table = parts.get(row.TABLE_NAME)
    if (!table) continue
    const clause = String(row.CHECK_CLAUSE)
    // MariaDB's JSON is LONGTEXT plus a column-level CHECK (json_valid(col)): reflect it as json, hide the check.
    if (server.mariadb) {
      const jsonColumn = table.model.columns.find((c) => c.type.kind === 'raw' && c.type.sql === 'longtext' && isJsonCheck(row, c))
      if (jsonColumn) {
        jsonColumn.type = { kind: 'json' }
        // MariaDB's JSON is LONGTEXT COLLATE utf8mb4_bin: the collation belongs to the JSON, not the declaration.
        delete jsonColumn.collation
        continue
      }
    }
    const check: CheckModel = { name: row.CONSTRAINT_NAME, expression: clause }
    table.model.checks.push(check)
  }

  for (const row of fkRows) {
    const table = parts.get(row.TABLE_NAME)
    if (!table) continue
    let fk = table.foreignKeys.get(row.CONSTRAINT_NAME)
    if (!fk) {
      fk = { name: row.CONSTRAINT_NAME, columns: [], referencedTable: row.REFERENCED_TABLE_NAME, referencedColumns: [] }
      if (row.REFERENCED_TABLE_SCHEMA && row.REFERENCED_TABLE_SCHEMA !== db) fk.referencedSchema = row.REFERENCED_TABLE_SCHEMA
      table.foreignKeys.set(row.CONSTRAINT_NAME, fk)
    }
    fk.columns.push(row.COLUMN_NAME)
    fk.referencedColumns.push(row.REFERENCED_COLUMN_NAME)
  }
  for (const row of ruleRows) {
    const fk = parts.get(row.TABLE_NAME)?.foreignKeys.get(row.CONSTRAINT_NAME)
    if (!fk) continue
    const onDelete = referentialAction(row.DELETE_RULE)
    const onUpdate = referentialAction(row.UPDATE_RULE)
    if (onDelete) fk.onDelete = onDelete
    if (onUpdate) fk.onUpdate = onUpdate
  }

  for (const row of indexRows) {
    const table = parts.get(row.TABLE_NAME)
    if (!table) continue
    const list = table.indexRows.get(row.INDEX_NAME) ?? []
    list.push(row)
    table.indexRows.set(row.INDEX_NAME, list)
  }

  const result: TableModel[] = []
  for (const { model, indexRows: indexes, foreignKeys } of parts.values()) {
    model.foreignKeys = sortByName([...foreignKeys.values()])
    for (const [name, rows] of indexes) addIndex(model, name, rows)
    model.indexes = sortByName(model.indexes.filter((i) => !isForeignKeyBackingIndex(i, model.foreignKeys)))
    model.uniques = sortByName(model.uniques)
    model.checks = sortByName(model.checks)
    result.push(model)
  }
  const objects = await mysqlObjects(connection, first!)
  const views = objects.views.filter((v) => !exclude(v.name, null))
  const { routines } = objects
  const triggers = objects.triggers.filter((t) => !exclude(t.table, null))
  return {
    tables: sortByName(result),
    enums: [],
    schemas: [],
    ...(views.length > 0 ? { views } : {}),
    ...(routines.length > 0 ? { routines } : {}),
    ...(triggers.length > 0 ? { triggers } : {}),
  }
}

function indexElement(row: IndexRow): IndexElement {
  const descending = row.COLLATION === 'D'
  if (row.COLUMN_NAME === null || row.COLUMN_NAME === undefined) {
    // MySQL 8 functional key part.
    const expression = String(row.EXPRESSION ?? '')
    return { expression: descending ? `(${expression}) DESC` : expression }
  }
  const prefix = row.SUB_PART !== null && row.SUB_PART !== undefined ? `(${row.SUB_PART})` : ''
  if (!prefix && !descending) return row.COLUMN_NAME
  return { expression: `${identifierText(row.COLUMN_NAME)}${prefix}${descending ? ' DESC' : ''}` }
}

function addIndex(model: TableModel, name: string, rows: IndexRow[]): void {
  const elements = rows.map(indexElement)
  const unique = Number(rows[0]!.NON_UNIQUE) === 0
  if (name === 'PRIMARY') {
    model.primaryKey = { columns: elements.map((e) => elementColumn(e) ?? elementExpression(e) ?? '') }
    return
  }
  if (unique && elements.every((e) => typeof e === 'string')) {
    model.uniques.push({ name, columns: elements as string[] })
    return
  }
  const index: IndexModel = { name, elements, unique }
  model.indexes.push(index)
}
