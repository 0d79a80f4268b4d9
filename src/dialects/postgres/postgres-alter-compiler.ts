/**
 * ALTER COLUMN (type with USING, nullability, default, identity, comment) and the enum rebuild.
 * Facts the operation does not carry (the column's current type, default, identity) come from
 * `context.table()`: reflected from the database online, replayed from the migrations offline.
 */
import type { CompileContext } from '../dialect.js'
import type { AlterColumnOp, ColumnChanges } from '../../operations/column-ops.js'
import type { AlterEnumOp, EnumUsage } from '../../operations/enum-ops.js'
import type { Autoincrement, CheckModel, ColumnModel, ColumnType, DefaultValue, IndexModel, TableModel } from '../../schema/model.js'
import { elementExpression } from '../../schema/index-elements.js'
import { shortenName } from '../../schema/naming.js'
import { reflectDefault } from './postgres-canonical.js'
import { PG_MAX_IDENTIFIER_BYTES, qualify, quoteIdentifier, quoteLiteral } from './postgres-quote.js'
import { checkClause, columnCommentSql, createEnumSql, createIndexSql, defaultSql, identityClause } from './postgres-sql-parts.js'
import { canonicalColumnType, columnTypeSql, needsUsingCast, usingCast } from './postgres-types.js'

type IdentityMode = 'none' | 'serial' | 'by-default' | 'always'

/**
 * What a column's auto-increment is on the server. A serial is declared as its type (`customType('serial')`, as
 * `pull` writes it and autogenerate restates it on both sides of a change), so the type tells it offline too.
 * `autoincrement: true` is ambiguous: the introspector reports serial columns as `true`, while strata compiles `true`
 * as a BY DEFAULT identity. Online the current column is reflected, so `true` there is a serial; in a replayed
 * (offline) model, or an operation, it is what strata created.
 */
function identityMode(column: { type?: ColumnType | undefined; autoincrement?: Autoincrement | undefined }, reflected: boolean): IdentityMode {
  if (column.type && canonicalColumnType(column.type).serial) return 'serial'
  const value = column.autoincrement
  if (!value) return 'none'
  if (value === 'always') return 'always'
  if (value === 'by-default') return 'by-default'
  return reflected ? 'serial' : 'by-default'
}

/** What the alteration asks for: a serial type makes a serial, otherwise `autoincrement` (when given) an identity. */
function targetMode(changes: ColumnChanges, fromMode: IdentityMode): IdentityMode {
  if (changes.type && canonicalColumnType(changes.type).serial) return 'serial'
  if (!('autoincrement' in changes)) return fromMode
  const value = changes.autoincrement
  if (!value) return 'none'
  return value === 'always' ? 'always' : 'by-default'
}

function hasDefault(value: DefaultValue | null | undefined): value is DefaultValue {
  return value !== null && value !== undefined
}

/** Drops the sequence a serial column owns (after its nextval default is gone); its name is only known at run time. */
function dropSerialSequenceSql(table: string, schema: string | null, column: string): string {
  const seq = `pg_get_serial_sequence(${quoteLiteral(qualify(table, schema))}, ${quoteLiteral(column)})`
  return `DO $strata$ BEGIN IF ${seq} IS NOT NULL THEN EXECUTE 'DROP SEQUENCE ' || ${seq}; END IF; END $strata$`
}

/** What `serial` does: a sequence the column owns (named as the server names it) and a nextval default. */
function createSerialSql(table: string, schema: string | null, column: string, type: ColumnType): string[] {
  const sequence = qualify(shortenName(`${table}_${column}_seq`, PG_MAX_IDENTIFIER_BYTES), schema)
  return [
    `CREATE SEQUENCE ${sequence} AS ${columnTypeSql(type)} OWNED BY ${qualify(table, schema)}.${quoteIdentifier(column)}`,
    `ALTER TABLE ${qualify(table, schema)} ALTER COLUMN ${quoteIdentifier(column)} SET DEFAULT nextval(${quoteLiteral(sequence)}::regclass)`,
  ]
}

/** Moves a new identity's sequence past the values the column already holds. */
function syncIdentitySql(table: string, schema: string | null, column: string): string {
  const name = qualify(table, schema)
  const col = quoteIdentifier(column)
  return `SELECT setval(pg_get_serial_sequence(${quoteLiteral(name)}, ${quoteLiteral(column)}), GREATEST(COALESCE(MAX(${col}), 0), 0) + 1, false) FROM ${name}`
}

const isIdentity = (mode: IdentityMode) => mode === 'by-default' || mode === 'always'

/**
 * Statements taking a column from one auto-increment mode to another: `before` the column's ALTER TABLE (an
 * identity, or a serial's default and sequence, going away), `after` it (an identity or a serial arriving, once any
 * default is gone), and whether the column must become NOT NULL (from none).
 */
function modeChange(op: AlterColumnOp, from: IdentityMode, to: IdentityMode, hadDefault: boolean, type: ColumnType): { before: string[]; after: string[]; notNull: boolean } {
  const alter = (clause: string) => `ALTER TABLE ${qualify(op.table, op.schema)} ALTER COLUMN ${quoteIdentifier(op.name)} ${clause}`
  const before: string[] = []
  const after: string[] = []
  if (isIdentity(from)) {
    if (isIdentity(to)) return { before, after: [alter(`SET GENERATED ${to === 'always' ? 'ALWAYS' : 'BY DEFAULT'}`)], notNull: false }
    before.push(alter('DROP IDENTITY'))
  } else {
    // From none or serial: the nextval (or any) default must go before an identity can be added.
    if (from === 'serial' || (hadDefault && to !== 'none')) before.push(alter('DROP DEFAULT'))
    if (from === 'serial') before.push(dropSerialSequenceSql(op.table, op.schema, op.name))
  }
  if (to === 'serial') after.push(...createSerialSql(op.table, op.schema, op.name, type))
  else if (isIdentity(to)) after.push(alter(`ADD ${identityClause(to)}`))
  if (to !== 'none') after.push(syncIdentitySql(op.table, op.schema, op.name))
  return { before, after, notNull: from === 'none' && to !== 'none' }
}

export async function compileAlterColumn(op: AlterColumnOp, context: CompileContext): Promise<string[]> {
  const table = qualify(op.table, op.schema)
  const col = quoteIdentifier(op.name)
  const current: ColumnModel | undefined = (await context.table(op.table, op.schema))?.columns.find((c) => c.name === op.name)
  const changes = op.changes
  const beforeType = current?.type ?? op.existing.type
  const beforeDefault = current ? current.default : op.existing.default
  const beforeNullable = current?.nullable ?? op.existing.nullable
  const fromMode = current ? identityMode(current, !context.offline) : identityMode(op.existing, false)
  const toMode = targetMode(changes, fromMode)
  const defaultChanges = 'default' in changes && changes.default !== undefined
  // A serial type is its integer type on the server: serial ↔ integer (or identity) is no type change.
  const newType = changes.type && (toMode === 'serial' ? canonicalColumnType(changes.type).type : changes.type)
  const serialChanges = toMode !== fromMode && (toMode === 'serial' || fromMode === 'serial')
  const typeChanges = newType !== undefined && !(serialChanges && beforeType && sameNativeType(beforeType, newType))

  const before: string[] = []
  const main: string[] = []
  const after: string[] = []
  const alter = (clause: string) => main.push(`ALTER COLUMN ${col} ${clause}`)

  // Identity first when it goes away (a default may follow), last when it arrives (defaults must be gone first).
  if (toMode !== fromMode) {
    const change = modeChange(op, fromMode, toMode, hasDefault(beforeDefault), newType ?? beforeType ?? { kind: 'integer' })
    before.push(...change.before)
    after.push(...change.after)
    if (change.notNull && beforeNullable !== false && changes.nullable !== false) alter('SET NOT NULL')
  }

  if (newType && typeChanges) {
    // The server converts a default along with the column but not through USING: drop it first, put it back after.
    const keepsDefault = !defaultChanges && hasDefault(beforeDefault) && toMode === 'none' && fromMode === 'none'
    if (defaultChanges || keepsDefault) alter('DROP DEFAULT')
    const using = op.using ?? (beforeType && needsUsingCast(beforeType, newType) ? usingCast(col, beforeType, newType) : undefined)
    // ALTER … TYPE without COLLATE resets the collation to the type's default: the column keeps its own.
    const collation = 'collation' in changes ? changes.collation : (current?.collation ?? op.existing.collation)
    alter(`TYPE ${columnTypeSql(newType)}${collation ? ` COLLATE ${quoteIdentifier(collation)}` : ''}${using ? ` USING ${using}` : ''}`)
    if (keepsDefault) alter(`SET DEFAULT ${defaultSql(beforeDefault)}`)
  }
  if ('collation' in changes && !typeChanges) {
    if (!beforeType) throw new Error(`cannot change the collation of column '${op.table}.${op.name}': its type is unknown (pass existingType)`)
    alter(`TYPE ${columnTypeSql(beforeType)} COLLATE ${quoteIdentifier(changes.collation ?? 'default')}`)
  }
  if (changes.nullable !== undefined) alter(changes.nullable ? 'DROP NOT NULL' : 'SET NOT NULL')
  if (defaultChanges) {
    if (hasDefault(changes.default)) {
      if (toMode !== 'none') throw new Error(`column "${op.name}": an identity (autoincrement) column cannot also have a default`)
      alter(`SET DEFAULT ${defaultSql(changes.default)}`)
    } else if (!typeChanges && fromMode === 'none') alter('DROP DEFAULT')
  }

  const statements = [...before]
  if (main.length) statements.push(`ALTER TABLE ${table} ${main.join(', ')}`)
  statements.push(...after)
  if ('comment' in changes && changes.comment !== undefined) statements.push(columnCommentSql(op.table, op.schema, op.name, changes.comment))
  return statements
}

/** Two types the server stores alike (`customType('int4')` and `integer()`; a serial and its integer type). */
function sameNativeType(a: ColumnType, b: ColumnType): boolean {
  return JSON.stringify(canonicalColumnType(a).type) === JSON.stringify(canonicalColumnType(b).type)
}

/** The enum's temporary name during a rebuild. */
function retiredName(name: string): string {
  return shortenName(`${name}__strata_old`, PG_MAX_IDENTIFIER_BYTES)
}

/** The default a column had, with renamed enum values carried over; null when it had none. */
function carriedDefault(value: DefaultValue | null | undefined, renamedTo: Map<string, string>): string | null {
  if (!hasDefault(value)) return null
  const literal = value.kind === 'literal' ? value : reflectDefault(value.sql, { kind: 'text' })
  if (literal && literal.kind === 'literal' && typeof literal.value === 'string') return quoteLiteral(renamedTo.get(literal.value) ?? literal.value)
  return defaultSql(value)
}

/** `name` as a whole word of SQL text (quoted or not, in any case). */
function mentions(sql: string | null | undefined, name: string): boolean {
  if (!sql) return false
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  return new RegExp(`(^|[^A-Za-z0-9_$])${escaped}($|[^A-Za-z0-9_$])`, 'i').test(sql)
}

/**
 * A table's partial or expression indexes and checks whose SQL names a converted column or the enum. The server
 * rebuilds them for the column's new type but keeps their constants of the old one (`state = 'open'::st__strata_old`:
 * `operator does not exist: st = st__strata_old`), so the rebuild drops them before the conversion and creates them
 * again after it, from the table as the compile context has it: reflected online, replayed from the migrations
 * offline (both know every index and check the migrations made). Plain column indexes the server rebuilds itself.
 */
function dependents(table: TableModel | undefined, names: string[]): { indexes: IndexModel[]; checks: CheckModel[] } {
  if (!table) return { indexes: [], checks: [] }
  const named = (sql: string | null | undefined) => names.some((n) => mentions(sql, n))
  return {
    indexes: table.indexes.filter((i) => named(i.where) || i.elements.some((e) => named(elementExpression(e)))),
    checks: table.checks.filter((c) => named(c.expression)),
  }
}

/** The usages of the enum, by table (in their first appearance's order). */
function byTable(columns: EnumUsage[]): EnumUsage[][] {
  const tables = new Map<string, EnumUsage[]>()
  for (const usage of columns) {
    const key = qualify(usage.table, usage.schema ?? null)
    tables.set(key, [...(tables.get(key) ?? []), usage])
  }
  return [...tables.values()]
}

/**
 * Rebuilds an enum (values removed or reordered): the old type is renamed aside, the new one created, each column
 * in `op.columns` converted through text (renamed values mapped), its default dropped before and restored after,
 * the indexes and checks that name it dropped before and created again after (see `dependents`), and the old type
 * dropped. A column using the enum that is not listed makes the final DROP TYPE fail, loudly.
 */
export async function compileAlterEnum(op: AlterEnumOp, context: CompileContext): Promise<string[]> {
  const schema = op.schema ?? null
  const typeName = qualify(op.name, schema)
  const retired = retiredName(op.name)
  const renamedTo = new Map<string, string>()
  for (const [to, from] of Object.entries(op.renames)) renamedTo.set(from, to)
  const statements = [`ALTER TYPE ${typeName} RENAME TO ${quoteIdentifier(retired)}`, createEnumSql({ name: op.name, schema, values: op.values })]
  for (const usages of byTable(op.columns)) {
    const tableSchema = usages[0]!.schema ?? null
    const tableName = usages[0]!.table
    const table = qualify(tableName, tableSchema)
    const model = await context.table(tableName, tableSchema)
    const { indexes, checks } = dependents(model, [op.name, ...usages.map((u) => u.column)])
    for (const index of indexes) statements.push(`DROP INDEX ${qualify(index.name, tableSchema)}`)
    for (const check of checks) statements.push(`ALTER TABLE ${table} DROP CONSTRAINT ${quoteIdentifier(check.name)}`)
    for (const usage of usages) {
      const col = quoteIdentifier(usage.column)
      const asText = `${col}::text`
      const converted = renamedTo.size
        ? `(CASE ${asText} ${[...renamedTo].map(([from, to]) => `WHEN ${quoteLiteral(from)} THEN ${quoteLiteral(to)}`).join(' ')} ELSE ${asText} END)::${typeName}`
        : `${asText}::${typeName}`
      const restored = carriedDefault(model?.columns.find((c) => c.name === usage.column)?.default, renamedTo)
      const clauses = [`ALTER COLUMN ${col} DROP DEFAULT`, `ALTER COLUMN ${col} TYPE ${typeName} USING ${converted}`]
      if (restored) clauses.push(`ALTER COLUMN ${col} SET DEFAULT ${restored}`)
      statements.push(`ALTER TABLE ${table} ${clauses.join(', ')}`)
    }
    for (const index of indexes) statements.push(createIndexSql(index, tableName, tableSchema))
    for (const check of checks) statements.push(`ALTER TABLE ${table} ADD ${checkClause(check)}`)
  }
  statements.push(`DROP TYPE ${qualify(retired, schema)}`)
  return statements
}
