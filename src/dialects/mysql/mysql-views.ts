/**
 * Views on MySQL/MariaDB. The server stores a view rewritten (every name qualified, every column aliased), and
 * views have no comment: strata records the declared text in its own table `strata_objects`, with an md5 of the
 * server's text at creation (see shared/view-record.ts).
 */
import type { ViewOperation } from '../../operations/object-kinds.js'
import type { CompilersFor } from '../shared/compiler-table.js'
import { touchesMaterializedView } from '../../operations/view-ops.js'
import type { ViewModel } from '../../schema/model.js'
import { reflectedView, viewRecordJson } from '../shared/view-record.js'
import { checkIdentifierLength, quoteMysqlIdentifier as q, quoteMysqlString } from './mysql-sql.js'

export const OBJECTS_TABLE = 'strata_objects'

export const ENSURE_OBJECTS_TABLE = `CREATE TABLE IF NOT EXISTS ${q(OBJECTS_TABLE)} (
    kind VARCHAR(16) NOT NULL,
    name VARCHAR(64) NOT NULL,
    fingerprint CHAR(32) NOT NULL,
    record LONGTEXT NOT NULL,
    PRIMARY KEY (kind, name)
)`

function createViewSql(view: ViewModel, orReplace: boolean): string {
  checkIdentifierLength(view.name, 'view')
  const columns = view.columns?.length ? ` (${view.columns.map(q).join(', ')})` : ''
  const check = view.checkOption ? `\nWITH ${view.checkOption.toUpperCase()} CHECK OPTION` : ''
  return `CREATE ${orReplace ? 'OR REPLACE ' : ''}VIEW ${q(view.name)}${columns} AS\n${view.definition}${check}`
}

function recordSql(view: ViewModel): string[] {
  return [
    ENSURE_OBJECTS_TABLE,
    `REPLACE INTO ${q(OBJECTS_TABLE)} (kind, name, fingerprint, record)
SELECT 'view', TABLE_NAME, md5(VIEW_DEFINITION), ${quoteMysqlString(viewRecordJson(view))}
FROM information_schema.VIEWS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ${quoteMysqlString(view.name)}`,
  ]
}

/** A materialized view where the database has none (a hand-written op; schemas are refused when they load). */
function plainView(op: ViewOperation): void {
  if (touchesMaterializedView(op)) throw new Error(`${op.describe()}: MySQL has no materialized views`)
}

export const mysqlViewCompilers = {
  createView: (op) => {
    plainView(op)
    return [createViewSql(op.view, false), ...recordSql(op.view)]
  },
  replaceView: (op) => {
    plainView(op)
    return [createViewSql(op.view, true), ...recordSql(op.view)]
  },
  dropView: (op) => {
    plainView(op)
    return [
      `DROP VIEW ${q(op.name)}`,
      ENSURE_OBJECTS_TABLE,
      `DELETE FROM ${q(OBJECTS_TABLE)} WHERE kind = 'view' AND name = ${quoteMysqlString(op.name)}`,
    ]
  },
} satisfies CompilersFor<ViewOperation>

/** RENAME TABLE renames a view; its record follows it. */
export function renameMysqlView(from: string, to: string): string[] {
  checkIdentifierLength(to, 'view')
  return [
    `RENAME TABLE ${q(from)} TO ${q(to)}`,
    ENSURE_OBJECTS_TABLE,
    `UPDATE ${q(OBJECTS_TABLE)} SET name = ${quoteMysqlString(to)} WHERE kind = 'view' AND name = ${quoteMysqlString(from)}`,
  ]
}

export interface ViewRow {
  name: string
  definition: string
  fingerprint: string
  checkOption: string
}

/**
 * A view from information_schema.VIEWS, with strata's record where it has one. The server's text names every table
 * with its database (`` `shop`.`orders` ``): that qualifier is dropped for the current database, so the text creates
 * the same view in another database (a test database built from the baseline) instead of reading this one.
 */
export function reflectView(row: ViewRow, record: { fingerprint: string; json: string } | undefined, database: string | null): ViewModel {
  const option = (row.checkOption ?? '').toLowerCase()
  const checkOption = option === 'local' || option === 'cascaded' ? option : null
  const serverDefinition = database ? withoutDatabaseQualifier(row.definition, database) : row.definition
  return reflectedView({ name: row.name, schema: null, serverDefinition, fingerprint: row.fingerprint, checkOption }, record ?? null)
}

/** Removes `` `database`. `` before a name, outside string literals and other quoted names. */
export function withoutDatabaseQualifier(sql: string, database: string): string {
  const qualifier = `${q(database)}.`
  let out = ''
  let i = 0
  while (i < sql.length) {
    const ch = sql[i]!
    if (ch === '`' && sql.startsWith(qualifier, i)) {
      i += qualifier.length
      continue
    }
    const end = ch === "'" || ch === '"' || ch === '`' ? quotedEnd(sql, i) : i + 1
    out += sql.slice(i, end)
    i = end
  }
  return out
}

/** The index after the quoted text starting at `start` (a doubled quote, or a backslash in a string, escapes). */
function quotedEnd(sql: string, start: number): number {
  const quote = sql[start]!
  let i = start + 1
  while (i < sql.length) {
    if (quote !== '`' && sql[i] === '\\') i += 2
    else if (sql[i] !== quote) i++
    else if (sql[i + 1] === quote) i += 2
    else return i + 1
  }
  return sql.length
}
