import type { CompileContext } from '../dialect.js'
import type { ColumnModel, SchemaModel, TableModel } from '../../schema/model.js'
import { isAutoincrementColumn, quoteString } from './sqlite-canonical.js'
import { parseCreateTable } from './sqlite-parser.js'
import { createIndexSql, createTableSql } from './sqlite-schema-sql.js'
import { quoteName } from './sqlite-types.js'

/**
 * The table rebuild SQLite's documentation prescribes for every change ALTER TABLE cannot make
 * (https://www.sqlite.org/lang_altertable.html#otheralter), as plain SQL so that offline scripts carry it too:
 *
 *   CREATE TABLE "_strata_new_t" (…target definition…)
 *   INSERT INTO "_strata_new_t" (kept columns) SELECT kept columns FROM "t"
 *   DROP TABLE "t"
 *   PRAGMA legacy_alter_table = ON          -- the rename must not re-check views/triggers naming the dropped table
 *   ALTER TABLE "_strata_new_t" RENAME TO "t"
 *   PRAGMA legacy_alter_table = OFF
 *   CREATE INDEX … / CREATE TRIGGER …       -- dropped with the old table
 *   PRAGMA foreign_key_check("t")            -- the connection fails the step when it reports a row
 *
 * It runs inside the migration's transaction with foreign key enforcement off (the connection's setting), so the
 * DROP does not cascade into child tables, whose references point at the new table once it has the old name.
 * Where enforcement stays on (an engine that ignores PRAGMA foreign_keys = OFF, as D1 does), the DROP's implicit
 * DELETE would fire the children's ON DELETE actions, and a renamed table does not clear the violations the DROP
 * counted. The rebuild then keeps the rows in a holding table, defers foreign key checks to the commit (PRAGMA
 * defer_foreign_keys), drops the table, creates it under its own name and inserts the rows back: each parent row
 * inserted settles the violations its children counted. A child with an ON DELETE action would still fire at the
 * DROP, so that case is refused (no order of copy and rename avoids it).
 */

export interface RebuildOptions {
  /** The SELECT expression filling a target column; undefined → the same-named old column, if any. */
  selectFor?: (column: ColumnModel, old: TableModel) => string | undefined
}

export const REBUILD_PREFIX = '_strata_new_'

interface LiveFacts {
  triggers: string[]
  tableOptions: string
  /** Tables whose foreign keys point here, with the columns they reference (null: the primary key). */
  children: { name: string; referenced: string | null; onDelete: string }[]
  /** PRAGMA foreign_keys is on for this connection (the engine ignored strata's OFF, or was told to keep it). */
  foreignKeysEnforced: boolean
}

/** What the model does not carry: triggers, WITHOUT ROWID/STRICT, tables whose foreign keys point here (generated columns it does). */
async function liveFacts(ctx: CompileContext, table: string): Promise<LiveFacts | null> {
  const connection = ctx.connection
  if (ctx.offline || !connection) return null
  const rows = await connection.query<{ type: string; sql: string | null }>(
    `SELECT type, sql FROM sqlite_master WHERE tbl_name = ? AND type IN ('table', 'trigger') AND sql IS NOT NULL ORDER BY type, name`,
    [table],
  )
  let tableOptions = ''
  const triggers: string[] = []
  for (const row of rows) {
    if (row.type === 'trigger') triggers.push(row.sql!)
    else {
      const parsed = parseCreateTable(row.sql!)
      tableOptions = parsed.tableOptions.replace(/;\s*$/, '')
    }
  }
  const children = await connection.query<{ name: string; referenced: string | null; onDelete: string }>(
    `SELECT m.name AS name, f."to" AS referenced, f.on_delete AS onDelete FROM sqlite_master AS m JOIN pragma_foreign_key_list(m.name) AS f
     WHERE m.type = 'table' AND lower(f."table") = lower(?) AND m.name <> ? ORDER BY m.name`,
    [table, table],
  )
  const [enforcement] = await connection.query<{ foreign_keys: number }>('PRAGMA foreign_keys')
  return { triggers, tableOptions, children, foreignKeysEnforced: Number(enforcement?.foreign_keys) === 1 }
}

const SAFE_DELETE_ACTIONS = new Set(['NO ACTION', 'RESTRICT'])

/** With enforcement on: the statement that defers checks, or a refusal naming the children a DROP would change. */
function enforcedForeignKeys(table: string, facts: LiveFacts | null): string[] {
  if (!facts?.foreignKeysEnforced) return []
  const acting = [...new Set(facts.children.filter((c) => !SAFE_DELETE_ACTIONS.has(c.onDelete.toUpperCase())).map((c) => `${c.name} (ON DELETE ${c.onDelete})`))]
  if (acting.length > 0)
    throw new Error(
      `cannot rebuild table '${table}' with foreign keys enforced (this engine ignores PRAGMA foreign_keys = OFF): dropping the old table would fire ON DELETE in ${acting.join(', ')}; make that change with op.execute() on a copy of the data, or run it where foreign keys can be switched off`,
    )
  return ['PRAGMA defer_foreign_keys = ON']
}

/** The enforced-foreign-keys order (see the top of this file): hold, drop, create under the name, insert back. */
function rebuildInPlace(old: TableModel, target: TableModel, facts: LiveFacts, columns: { targets: string[]; sources: string[] }, keepSequence: boolean): string[] {
  const table = quoteName(old.name)
  const keep = quoteName(`_strata_keep_${old.name}`)
  const seq = quoteName(`_strata_seq_${old.name}`)
  const name = quoteString(old.name)
  const statements = [`CREATE TABLE ${keep} AS SELECT * FROM ${table}`]
  if (keepSequence) statements.push(`CREATE TABLE ${seq} AS SELECT seq FROM sqlite_sequence WHERE name = ${name}`)
  statements.push(...enforcedForeignKeys(old.name, facts), `DROP TABLE ${table}`, createTableSql(target, old.name, facts.tableOptions))
  if (columns.targets.length) statements.push(`INSERT INTO ${table} (${columns.targets.join(', ')}) SELECT ${columns.sources.join(', ')} FROM ${keep}`)
  if (keepSequence)
    statements.push(
      `INSERT INTO sqlite_sequence (name, seq) SELECT ${name}, seq FROM ${seq} WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = ${name})`,
      `UPDATE sqlite_sequence SET seq = (SELECT MAX(seq) FROM ${seq}) WHERE name = ${name} AND seq < (SELECT MAX(seq) FROM ${seq})`,
      `DROP TABLE ${seq}`,
    )
  statements.push(`DROP TABLE ${keep}`)
  return statements
}

/**
 * The table as it is now. SQLite has no schemas: a schema named by the operation (a model written for PostgreSQL)
 * is tried first for replayed models, then the table is looked up without one, as the introspector reports it.
 */
export async function currentTable(ctx: CompileContext, name: string, schema: string | null): Promise<TableModel | undefined> {
  return (schema ? await ctx.table(name, schema) : undefined) ?? (await ctx.table(name, null))
}

/** SQL that rebuilds `tableName` into what `transform` makes of its current model. */
export async function rebuildTable(
  ctx: CompileContext,
  tableName: string,
  schema: string | null,
  transform: (model: SchemaModel) => void,
  options: RebuildOptions = {},
): Promise<string[]> {
  const old = await currentTable(ctx, tableName, schema)
  if (!old) throw new Error(`table '${tableName}' does not exist`)
  // The copy carries the operation's schema so that `operation.apply` finds it; SQL never names a schema.
  const model: SchemaModel = { tables: [{ ...structuredClone(old), schema }], enums: [], schemas: [] }
  transform(model)
  const target = model.tables.find((t) => t.name === old.name) ?? model.tables[0]
  if (!target) throw new Error(`rebuilding '${tableName}': the change removed the table`)

  const facts = await liveFacts(ctx, old.name)
  const table = quoteName(old.name)
  const temp = quoteName(`${REBUILD_PREFIX}${old.name}`)
  const statements = [...offlineOptionsNote(table, facts), createTableSql(target, `${REBUILD_PREFIX}${old.name}`, facts?.tableOptions ?? '')]

  const targets: string[] = []
  const sources: string[] = []
  for (const column of target.columns) {
    if (column.generated) continue // computed by the new table itself
    const custom = options.selectFor?.(column, old)
    const source = custom ?? (old.columns.some((c) => c.name === column.name) ? quoteName(column.name) : undefined)
    if (source === undefined) continue // a new column: its default fills it
    targets.push(quoteName(column.name))
    sources.push(source)
  }
  // AUTOINCREMENT never reuses an id: carry the old high-water mark over.
  const keepSequence = old.columns.some((c) => isAutoincrementColumn(c, old)) && target.columns.some((c) => isAutoincrementColumn(c, target))
  if (facts?.foreignKeysEnforced) return [...rebuildInPlace(old, target, facts, { targets, sources }, keepSequence), ...rebuildTail(old, target, facts)]
  if (targets.length) statements.push(`INSERT INTO ${temp} (${targets.join(', ')}) SELECT ${sources.join(', ')} FROM ${table}`)
  // The rename moves the sequence row to the final name.
  if (keepSequence) {
    const tempName = quoteString(`${REBUILD_PREFIX}${old.name}`)
    statements.push(
      `DELETE FROM sqlite_sequence WHERE name = ${tempName}`,
      `INSERT INTO sqlite_sequence (name, seq) SELECT ${tempName}, seq FROM sqlite_sequence WHERE name = ${quoteString(old.name)}`,
    )
  }

  statements.push(`DROP TABLE ${table}`, 'PRAGMA legacy_alter_table = ON', `ALTER TABLE ${temp} RENAME TO ${table}`, 'PRAGMA legacy_alter_table = OFF')
  return [...statements, ...rebuildTail(old, target, facts)]
}

/**
 * Offline, the CREATE TABLE text is out of reach and the model carries no table options: a WITHOUT ROWID or STRICT
 * table would come back without them, silently. The script says so where it creates the new table.
 */
function offlineOptionsNote(table: string, facts: LiveFacts | null): string[] {
  if (facts) return []
  return [`-- strata: table options of ${table} (WITHOUT ROWID, STRICT) cannot be read offline; the rebuilt table has none: run the migration online, or add them to the CREATE TABLE below if ${table} has them`]
}

/** After either order: indexes and triggers (dropped with the old table), then the foreign key checks. */
function rebuildTail(old: TableModel, target: TableModel, facts: LiveFacts | null): string[] {
  const table = quoteName(old.name)
  const statements: string[] = []
  for (const index of target.indexes) statements.push(createIndexSql(index, old.name))
  if (facts) statements.push(...facts.triggers)
  else statements.push(`-- strata: triggers on ${table} cannot be read offline; recreate any it had`)
  if (target.foreignKeys.length) statements.push(`PRAGMA foreign_key_check(${table})`)
  for (const child of childrenToCheck(old, target, facts?.children ?? [])) statements.push(`PRAGMA foreign_key_check(${quoteName(child)})`)
  return statements
}

/**
 * Child tables are re-checked only when the keys they may reference changed (a referenced column went away, or
 * the primary key / unique constraints differ): old dangling rows elsewhere should not block unrelated changes.
 */
function childrenToCheck(old: TableModel, target: TableModel, children: { name: string; referenced: string | null }[]): string[] {
  const keys = (t: TableModel) => JSON.stringify([t.primaryKey?.columns ?? [], t.uniques.map((u) => u.columns).sort()])
  const keysChanged = keys(old) !== keys(target)
  const has = (name: string) => target.columns.some((c) => c.name.toLowerCase() === name.toLowerCase())
  const names = children.filter((c) => keysChanged || (c.referenced !== null && !has(c.referenced))).map((c) => c.name)
  return [...new Set(names)]
}
