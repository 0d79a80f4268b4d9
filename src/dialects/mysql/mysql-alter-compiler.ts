/**
 * The MySQL compilations that need the table as it is: MODIFY COLUMN restates a whole column, enum changes
 * restate every column using the enum, and dropping a key a foreign key relies on needs a replacement index.
 */
import type { CompileContext } from '../dialect.js'
import type { ColumnModel, DefaultValue, TableModel } from '../../schema/model.js'
import type { AlterColumnOp, ColumnChanges, DropColumnOp } from '../../operations/column-ops.js'
import type { AddEnumValueOp, AlterEnumOp, EnumUsage, RenameEnumValueOp } from '../../operations/enum-ops.js'
import { parseSqlDefault } from './mysql-canonical.js'
import { tokenizeExpression } from './mysql-expression.js'
import { columnDefinitionSql, columnList } from './mysql-column-sql.js'
import { checkIdentifierLength, quoteMysqlIdentifier as q, quoteMysqlLiteral } from './mysql-sql.js'
import { elementColumn, elementExpression } from '../../schema/index-elements.js'
import { sameItems } from '../../schema/same-items.js'

const COLUMN_FACTS = ['type', 'nullable', 'default', 'comment', 'autoincrement', 'collation', 'onUpdateNow'] as const

async function currentColumn(ctx: CompileContext, table: string, schema: string | null, column: string): Promise<ColumnModel | undefined> {
  const model = await ctx.table(table, schema)
  return model?.columns.find((c) => c.name === column)
}

/**
 * The whole column as it is: the facts the operation states (`existing`), the rest from the table (reflected online,
 * replayed offline). MODIFY COLUMN forgets whatever is not restated, so nothing may be missing.
 */
export async function resolveColumn(ctx: CompileContext, table: string, schema: string | null, name: string, existing: ColumnChanges = {}): Promise<ColumnModel> {
  const missing = COLUMN_FACTS.filter((key) => !(key in existing))
  const current = missing.length ? await currentColumn(ctx, table, schema, name) : undefined
  const facts: ColumnChanges = { ...existing }
  for (const key of missing) if (current && key in current) (facts as Record<string, unknown>)[key] = current[key]
  if (!facts.type || facts.nullable === undefined) {
    const unknown = [!facts.type && 'type', facts.nullable === undefined && 'nullability'].filter(Boolean).join(' and ')
    throw new Error(
      `cannot restate column '${table}.${name}' for MySQL's MODIFY COLUMN: its current ${unknown} is unknown (pass existingType/existingNullable, or run online)`,
    )
  }
  const column: ColumnModel = { name, type: facts.type, nullable: facts.nullable, default: facts.default ?? null, comment: facts.comment ?? null }
  if (facts.autoincrement) column.autoincrement = facts.autoincrement
  if (facts.collation) column.collation = facts.collation
  if (facts.onUpdateNow) column.onUpdateNow = true
  return column
}

export async function compileAlterColumn(op: AlterColumnOp, ctx: CompileContext): Promise<string[]> {
  const column = await resolveColumn(ctx, op.table, op.schema, op.name, op.existing)
  for (const key of COLUMN_FACTS) if (key in op.changes) (column as unknown as Record<string, unknown>)[key] = op.changes[key]
  if (!column.autoincrement) delete column.autoincrement
  // online: the server refuses (ER_ALTER_OPERATION_NOT_SUPPORTED_REASON) instead of copying the table under a lock.
  return [`ALTER TABLE ${q(op.table)} MODIFY COLUMN ${columnDefinitionSql(column)}${op.online ? ', ALGORITHM=INPLACE, LOCK=NONE' : ''}`]
}

function renamedDefault(value: DefaultValue | null | undefined, renames: Record<string, string>): DefaultValue | null {
  if (!value) return null
  const literal = value.kind === 'literal' ? value.value : (() => {
    const parsed = parseSqlDefault(value.sql)
    return parsed && 'literal' in parsed ? parsed.literal : undefined
  })()
  if (typeof literal === 'string' && renames[literal] !== undefined) return { kind: 'literal', value: renames[literal]! }
  return value
}

/**
 * MySQL enums live on columns: each column in `usages` is restated with the new values. Renamed values are carried
 * over by widening the column to old ∪ new values, updating rows old → new, then narrowing to the new values.
 */
async function restateEnumColumns(
  ctx: CompileContext,
  enumName: string,
  usages: EnumUsage[],
  existing: string[],
  values: string[],
  renames: Record<string, string>,
): Promise<string[]> {
  const statements: string[] = []
  const renamePairs = Object.entries(renames).filter(([to, from]) => to !== from)
  for (const usage of usages) {
    const model = await ctx.table(usage.table, usage.schema ?? null)
    const current = model?.columns.find((c) => c.name === usage.column)
    if (!current) throw new Error(`enum '${enumName}': column '${usage.table}.${usage.column}' is not known, so it cannot be restated`)
    const table = q(usage.table)
    if (renamePairs.length) {
      const widened = [...existing, ...values.filter((v) => !existing.includes(v))]
      statements.push(`ALTER TABLE ${table} MODIFY COLUMN ${columnDefinitionSql({ ...current, type: { kind: 'enum', name: enumName, values: widened } })}`)
      // Carrying a value over is not an update of the row: ON UPDATE CURRENT_TIMESTAMP columns keep their time.
      const kept = model!.columns.filter((c) => c.onUpdateNow).map((c) => `, ${q(c.name)} = ${q(c.name)}`).join('')
      for (const [to, from] of renamePairs)
        statements.push(`UPDATE ${table} SET ${q(usage.column)} = ${quoteMysqlLiteral(to)}${kept} WHERE ${q(usage.column)} = ${quoteMysqlLiteral(from)}`)
    }
    const byOld: Record<string, string> = {}
    for (const [to, from] of renamePairs) byOld[from] = to
    const narrowed: ColumnModel = { ...current, type: { kind: 'enum', name: enumName, values: [...values] }, default: renamedDefault(current.default, byOld) }
    statements.push(`ALTER TABLE ${table} MODIFY COLUMN ${columnDefinitionSql(narrowed)}`)
  }
  return statements
}

export function compileAddEnumValue(op: AddEnumValueOp, ctx: CompileContext): Promise<string[]> {
  return restateEnumColumns(ctx, op.name, op.columns, op.existing, op.values, {})
}

export function compileRenameEnumValue(op: RenameEnumValueOp, ctx: CompileContext): Promise<string[]> {
  return restateEnumColumns(ctx, op.name, op.columns, op.existing, op.values, { [op.to]: op.from })
}

export function compileAlterEnum(op: AlterEnumOp, ctx: CompileContext): Promise<string[]> {
  return restateEnumColumns(ctx, op.name, op.columns, op.existing, op.values, op.renames)
}

function startsWith(columns: string[], prefix: string[]): boolean {
  return prefix.length > 0 && prefix.length <= columns.length && prefix.every((c, i) => columns[i] === c)
}

interface KeyColumns {
  name: string
  columns: string[]
}

/** The keys of a table with their leading plain columns (what InnoDB can use to enforce a foreign key). */
function keysOf(table: TableModel): KeyColumns[] {
  const keys: KeyColumns[] = []
  if (table.primaryKey) keys.push({ name: 'PRIMARY', columns: table.primaryKey.columns })
  for (const u of table.uniques) keys.push({ name: u.name, columns: u.columns })
  for (const index of table.indexes) {
    const columns: string[] = []
    for (const e of index.elements) {
      if (typeof e !== 'string') break
      columns.push(e)
    }
    keys.push({ name: index.name, columns })
  }
  return keys
}

/** Indexes that really exist on the table (online) with their columns, including the backing indexes reflection hides. */
async function liveIndexes(ctx: CompileContext, table: string): Promise<Map<string, string[]> | undefined> {
  if (ctx.offline || !ctx.connection) return undefined
  const rows = await ctx.connection.query<{ INDEX_NAME: string; COLUMN_NAME: string | null }>(
    'SELECT INDEX_NAME, COLUMN_NAME FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY INDEX_NAME, SEQ_IN_INDEX',
    [table],
  )
  const indexes = new Map<string, string[]>()
  for (const row of rows) {
    const columns = indexes.get(row.INDEX_NAME) ?? []
    if (row.COLUMN_NAME !== null) columns.push(row.COLUMN_NAME)
    indexes.set(row.INDEX_NAME, columns)
  }
  return indexes
}

/**
 * The index the server keeps behind foreign key `fkName`, or null. The server names it after the key or, for a key
 * made without a name (`FOREIGN KEY (dept_no) …` in a script strata did not write), after the key's first column:
 * the introspector hides both. Online the live index says which. Offline the replayed model cannot tell: the key's
 * own name is assumed, as strata names the key, and so the index, when it creates one.
 */
function backingIndexName(table: TableModel, fkName: string, live: Map<string, string[]> | undefined): string | null {
  // An index of the model under that name is the user's own (it did not match the backing-index rule).
  const own = (name: string) => table.indexes.some((i) => i.name === name) || table.uniques.some((u) => u.name === name)
  const fk = table.foreignKeys.find((f) => f.name === fkName)
  if (own(fkName)) return null
  if (live) {
    if (live.has(fkName)) return fkName
    const first = fk?.columns[0]
    return fk && first !== undefined && !own(first) && sameItems(live.get(first) ?? [], fk.columns) ? first : null
  }
  // Offline: the server made one when no other key could serve the foreign key.
  return fk && !keysOf(table).some((k) => startsWith(k.columns, fk.columns)) ? fkName : null
}

/**
 * The backing index to drop with foreign key `fkName` (and `droppedForeignKeys`), or null: none, or one another
 * foreign key still needs, with no other index to serve it (the server would refuse to drop it).
 */
function backingIndexToDrop(table: TableModel, fkName: string, live: Map<string, string[]> | undefined, droppedForeignKeys: string[] = []): string | null {
  const name = backingIndexName(table, fkName, live)
  if (!name) return null
  const columns = live?.get(name) ?? table.foreignKeys.find((f) => f.name === fkName)?.columns ?? []
  const others = [...keysOf(table).map((k) => k.columns), ...[...(live ?? [])].filter(([n]) => n !== name).map(([, c]) => c)]
  const gone = new Set([fkName, ...droppedForeignKeys])
  const needed = table.foreignKeys.some((f) => !gone.has(f.name) && startsWith(columns, f.columns) && !others.some((c) => startsWith(c, f.columns)))
  return needed ? null : name
}

/**
 * `ADD INDEX` clauses to put in the same ALTER that drops the keys `dropping`: InnoDB refuses to drop the last
 * index a foreign key can use (error 1553), so each such key gets an index under its own name (which reflection
 * treats as the key's backing index). Foreign keys in `droppedForeignKeys` go away in the same ALTER.
 */
function replacementIndexClauses(table: TableModel, dropping: string[], live: Map<string, string[]> | undefined, droppedForeignKeys: string[] = []): string[] {
  const keys = keysOf(table)
  const dropped = keys.filter((k) => dropping.includes(k.name))
  const remaining = keys.filter((k) => !dropping.includes(k.name))
  const clauses: string[] = []
  for (const fk of table.foreignKeys) {
    if (droppedForeignKeys.includes(fk.name)) continue
    if (!dropped.some((k) => startsWith(k.columns, fk.columns))) continue
    if (remaining.some((k) => startsWith(k.columns, fk.columns))) continue
    if (live && backingIndexName(table, fk.name, live)) continue
    checkIdentifierLength(fk.name, 'index')
    clauses.push(`ADD INDEX ${q(fk.name)} (${columnList(fk.columns)})`)
  }
  return clauses
}

/** ALTER TABLE … [ADD INDEX replacement,] DROP INDEX / DROP PRIMARY KEY. */
export async function compileDropKey(ctx: CompileContext, tableName: string, schema: string | null, keyName: string, dropClause: string): Promise<string[]> {
  const table = await ctx.table(tableName, schema)
  const replacements = table && table.foreignKeys.length ? replacementIndexClauses(table, [keyName], await liveIndexes(ctx, tableName)) : []
  return [`ALTER TABLE ${q(tableName)} ${[...replacements, dropClause].join(', ')}`]
}

/** DROP FOREIGN KEY, plus the index the server made for it (it outlives the key), so the table is as before. */
export async function compileDropForeignKey(ctx: CompileContext, tableName: string, schema: string | null, name: string): Promise<string[]> {
  const table = await ctx.table(tableName, schema)
  const live = await liveIndexes(ctx, tableName)
  const backing = table ? backingIndexToDrop(table, name, live) : live?.has(name) ? name : null
  return [`ALTER TABLE ${q(tableName)} DROP FOREIGN KEY ${q(name)}${backing ? `, DROP INDEX ${q(backing)}` : ''}`]
}

function mentions(expression: string, column: string): boolean {
  try {
    return tokenizeExpression(expression).some((t) => t.t === 'id' && t.v === column.toLowerCase())
  } catch {
    return false
  }
}

/**
 * DROP COLUMN, dropping first what depends on the column, as the model (and PostgreSQL) do: foreign keys (MySQL
 * refuses otherwise), indexes and unique keys containing it (MySQL would shrink them), checks naming it.
 */
export async function compileDropColumn(op: DropColumnOp, ctx: CompileContext, dropCheckClause: (name: string) => string): Promise<string[]> {
  const table = await ctx.table(op.table, op.schema)
  const clauses: string[] = []
  if (table) {
    const live = await liveIndexes(ctx, op.table)
    const foreignKeys = table.foreignKeys.filter((f) => f.columns.includes(op.name)).map((f) => f.name)
    const keys = [
      ...table.uniques.filter((u) => u.columns.includes(op.name)).map((u) => u.name),
      ...table.indexes.filter((i) => i.elements.some((e) => elementColumn(e) === op.name || mentions(elementExpression(e) ?? '', op.name))).map((i) => i.name),
    ]
    for (const fk of foreignKeys) {
      clauses.push(`DROP FOREIGN KEY ${q(fk)}`)
      const backing = backingIndexToDrop(table, fk, live, foreignKeys)
      if (backing) clauses.push(`DROP INDEX ${q(backing)}`)
    }
    clauses.push(...replacementIndexClauses(table, keys, live, foreignKeys))
    for (const key of keys) clauses.push(`DROP INDEX ${q(key)}`)
    for (const check of table.checks) if (mentions(check.expression, op.name)) clauses.push(dropCheckClause(check.name))
  }
  clauses.push(`DROP COLUMN ${q(op.name)}`)
  return [`ALTER TABLE ${q(op.table)} ${clauses.join(', ')}`]
}
