/**
 * Views on SQLite. sqlite_master keeps the CREATE VIEW statement as written, so the declared text is read back as
 * it is: no record is needed. A table rebuild keeps views working (legacy_alter_table during its rename).
 */
import type { Connection } from '../dialect.js'
import type { ViewOperation } from '../../operations/object-kinds.js'
import type { CompilersFor } from '../shared/compiler-table.js'
import { touchesMaterializedView } from '../../operations/view-ops.js'
import type { ViewModel } from '../../schema/model.js'
import { quoteName } from './sqlite-types.js'

function createViewSql(view: ViewModel): string {
  if (view.checkOption) throw new Error(`view '${view.name}': SQLite views have no check option (remove checkOption for SQLite)`)
  const columns = view.columns?.length ? ` (${view.columns.map(quoteName).join(', ')})` : ''
  return `CREATE VIEW ${quoteName(view.name)}${columns} AS\n${view.definition}`
}

/** A materialized view where the database has none (a hand-written op; schemas are refused when they load). */
function plainView(op: ViewOperation): void {
  if (touchesMaterializedView(op)) throw new Error(`${op.describe()}: SQLite has no materialized views`)
}

export const sqliteViewCompilers = {
  createView: (op) => {
    plainView(op)
    return [createViewSql(op.view)]
  },
  dropView: (op) => {
    plainView(op)
    return [`DROP VIEW ${quoteName(op.name)}`]
  },
  replaceView: (op) => {
    plainView(op)
    return [`DROP VIEW ${quoteName(op.view.name)}`, createViewSql(op.view)]
  },
} satisfies CompilersFor<ViewOperation>

/** Reads one identifier (bare, "quoted", `quoted` or [quoted]) at `at`; returns it and the position after it. */
function identifierAt(sql: string, at: number): { name: string; end: number } {
  const open = sql[at]!
  const close = open === '"' ? '"' : open === '`' ? '`' : open === '[' ? ']' : null
  if (!close) {
    const match = /^[^\s(.,;]+/u.exec(sql.slice(at))
    return { name: match?.[0] ?? '', end: at + (match?.[0].length ?? 0) }
  }
  let name = ''
  let i = at + 1
  while (i < sql.length) {
    if (sql[i] === close) {
      if (close !== ']' && sql[i + 1] === close) {
        name += close
        i += 2
        continue
      }
      return { name, end: i + 1 }
    }
    name += sql[i]
    i++
  }
  return { name, end: i }
}

const skipSpace = (sql: string, at: number) => {
  while (at < sql.length && /\s/u.test(sql[at]!)) at++
  return at
}

/** `CREATE VIEW [IF NOT EXISTS] name [(columns)] AS select` → the column list and the select, as written. */
export function parseCreateView(sql: string): { columns: string[] | null; definition: string } {
  const head = /^\s*CREATE\s+(?:TEMP(?:ORARY)?\s+)?VIEW\s+(?:IF\s+NOT\s+EXISTS\s+)?/iu.exec(sql)
  let at = head ? head[0].length : 0
  let { end } = identifierAt(sql, at)
  at = skipSpace(sql, end)
  if (sql[at] === '.') ({ end } = identifierAt(sql, skipSpace(sql, at + 1)))
  at = skipSpace(sql, end)
  let columns: string[] | null = null
  if (sql[at] === '(') {
    columns = []
    at = skipSpace(sql, at + 1)
    while (at < sql.length && sql[at] !== ')') {
      const id = identifierAt(sql, at)
      columns.push(id.name)
      at = skipSpace(sql, id.end)
      if (sql[at] === ',') at = skipSpace(sql, at + 1)
    }
    at = skipSpace(sql, at + 1)
  }
  const as = /^AS\b/iu.exec(sql.slice(at))
  if (as) at += as[0].length
  return { columns, definition: sql.slice(at).trim().replace(/;\s*$/u, '') }
}

/** Views and triggers as sqlite_master keeps them: one query for both. */
export async function sqliteObjectRows(connection: Connection): Promise<Array<{ type: 'view' | 'trigger'; name: string; sql: string }>> {
  return connection.query(`SELECT type, name, sql FROM sqlite_master WHERE type IN ('view', 'trigger') AND sql IS NOT NULL ORDER BY name`)
}

export function reflectSqliteViews(rows: Array<{ type: string; name: string; sql: string }>, keep: (name: string) => boolean): ViewModel[] {
  return rows
    .filter((r) => r.type === 'view' && keep(r.name))
    .map((row) => {
      const { columns, definition } = parseCreateView(row.sql)
      return { name: row.name, schema: null, definition, ...(columns?.length ? { columns } : {}) }
    })
}
