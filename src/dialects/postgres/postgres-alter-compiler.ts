/**
 * ALTER COLUMN (type with USING, nullability, default, identity, comment) and the enum rebuild.
 * Facts the operation does not carry (the column's current type, default, identity) come from
 * `context.table()`: reflected from the database online, replayed from the migrations offline.
 */
import type { CompileContext } from '../dialect.js'
import type { AlterColumnOp } from '../../operations/column-ops.js'
import type { AlterEnumOp } from '../../operations/enum-ops.js'
import type { Autoincrement, ColumnModel, DefaultValue } from '../../schema/model.js'
import { shortenName } from '../../schema/naming.js'
import { reflectDefault } from './postgres-canonical.js'
import { PG_MAX_IDENTIFIER_BYTES, qualify, quoteIdentifier, quoteLiteral } from './postgres-quote.js'
import { columnCommentSql, createEnumSql, defaultSql, identityClause } from './postgres-sql-parts.js'
import { columnTypeSql, needsUsingCast, usingCast } from './postgres-types.js'

type IdentityMode = 'none' | 'serial' | 'by-default' | 'always'

/**
 * What an autoincrement value means on the server. `true` is ambiguous: the introspector reports serial columns as
 * `true`, while strata compiles `true` as a BY DEFAULT identity. Online the current column is reflected, so `true`
 * there is a serial; in a replayed (offline) model it is what strata created.
 */
function identityMode(value: Autoincrement | undefined, reflected: boolean): IdentityMode {
  if (!value) return 'none'
  if (value === 'always') return 'always'
  if (value === 'by-default') return 'by-default'
  return reflected ? 'serial' : 'by-default'
}

function targetMode(value: Autoincrement | undefined): IdentityMode {
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

/** Moves a new identity's sequence past the values the column already holds. */
function syncIdentitySql(table: string, schema: string | null, column: string): string {
  const name = qualify(table, schema)
  const col = quoteIdentifier(column)
  return `SELECT setval(pg_get_serial_sequence(${quoteLiteral(name)}, ${quoteLiteral(column)}), GREATEST(COALESCE(MAX(${col}), 0), 0) + 1, false) FROM ${name}`
}

export async function compileAlterColumn(op: AlterColumnOp, context: CompileContext): Promise<string[]> {
  const table = qualify(op.table, op.schema)
  const col = quoteIdentifier(op.name)
  const current: ColumnModel | undefined = (await context.table(op.table, op.schema))?.columns.find((c) => c.name === op.name)
  const changes = op.changes
  const beforeType = current?.type ?? op.existing.type
  const beforeDefault = current ? current.default : op.existing.default
  const beforeNullable = current?.nullable ?? op.existing.nullable
  const fromMode = current ? identityMode(current.autoincrement, !context.offline) : identityMode(op.existing.autoincrement, false)
  const toMode = 'autoincrement' in changes ? targetMode(changes.autoincrement) : fromMode
  const defaultChanges = 'default' in changes && changes.default !== undefined

  const before: string[] = []
  const main: string[] = []
  const after: string[] = []
  const alter = (clause: string) => main.push(`ALTER COLUMN ${col} ${clause}`)

  // Identity first when it goes away (a default may follow), last when it arrives (defaults must be gone first).
  if (toMode !== fromMode) {
    if (fromMode === 'by-default' || fromMode === 'always') {
      if (toMode === 'none') before.push(`ALTER TABLE ${table} ALTER COLUMN ${col} DROP IDENTITY`)
      else after.push(`ALTER TABLE ${table} ALTER COLUMN ${col} SET GENERATED ${toMode === 'always' ? 'ALWAYS' : 'BY DEFAULT'}`)
    } else {
      // From none or serial: the nextval (or any) default must go before an identity can be added.
      if (fromMode === 'serial' || (hasDefault(beforeDefault) && toMode !== 'none')) before.push(`ALTER TABLE ${table} ALTER COLUMN ${col} DROP DEFAULT`)
      if (fromMode === 'serial') before.push(dropSerialSequenceSql(op.table, op.schema, op.name))
      if (toMode !== 'none') {
        if (beforeNullable !== false && changes.nullable !== false) alter('SET NOT NULL')
        after.push(`ALTER TABLE ${table} ALTER COLUMN ${col} ADD ${identityClause(toMode === 'always' ? 'always' : 'by-default')}`)
        after.push(syncIdentitySql(op.table, op.schema, op.name))
      }
    }
  }

  if (changes.type) {
    // The server converts a default along with the column but not through USING: drop it first, put it back after.
    const keepsDefault = !defaultChanges && hasDefault(beforeDefault) && toMode === 'none' && fromMode === 'none'
    if (defaultChanges || keepsDefault) alter('DROP DEFAULT')
    const using = op.using ?? (beforeType && needsUsingCast(beforeType, changes.type) ? usingCast(col, beforeType, changes.type) : undefined)
    // ALTER … TYPE without COLLATE resets the collation to the type's default: the column keeps its own.
    const collation = 'collation' in changes ? changes.collation : (current?.collation ?? op.existing.collation)
    alter(`TYPE ${columnTypeSql(changes.type)}${collation ? ` COLLATE ${quoteIdentifier(collation)}` : ''}${using ? ` USING ${using}` : ''}`)
    if (keepsDefault) alter(`SET DEFAULT ${defaultSql(beforeDefault)}`)
  }
  if ('collation' in changes && !changes.type) {
    if (!beforeType) throw new Error(`cannot change the collation of column '${op.table}.${op.name}': its type is unknown (pass existingType)`)
    alter(`TYPE ${columnTypeSql(beforeType)} COLLATE ${quoteIdentifier(changes.collation ?? 'default')}`)
  }
  if (changes.nullable !== undefined) alter(changes.nullable ? 'DROP NOT NULL' : 'SET NOT NULL')
  if (defaultChanges) {
    if (hasDefault(changes.default)) {
      if (toMode !== 'none') throw new Error(`column "${op.name}": an identity (autoincrement) column cannot also have a default`)
      alter(`SET DEFAULT ${defaultSql(changes.default)}`)
    } else if (!changes.type && fromMode !== 'by-default' && fromMode !== 'always') alter('DROP DEFAULT')
  }

  const statements = [...before]
  if (main.length) statements.push(`ALTER TABLE ${table} ${main.join(', ')}`)
  statements.push(...after)
  if ('comment' in changes && changes.comment !== undefined) statements.push(columnCommentSql(op.table, op.schema, op.name, changes.comment))
  return statements
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

/**
 * Rebuilds an enum (values removed or reordered): the old type is renamed aside, the new one created, each column
 * in `op.columns` converted through text (renamed values mapped), its default dropped before and restored after,
 * and the old type dropped. A column using the enum that is not listed makes the final DROP TYPE fail, loudly.
 */
export async function compileAlterEnum(op: AlterEnumOp, context: CompileContext): Promise<string[]> {
  const schema = op.schema ?? null
  const typeName = qualify(op.name, schema)
  const retired = retiredName(op.name)
  const renamedTo = new Map<string, string>()
  for (const [to, from] of Object.entries(op.renames)) renamedTo.set(from, to)
  const statements = [`ALTER TYPE ${typeName} RENAME TO ${quoteIdentifier(retired)}`, createEnumSql({ name: op.name, schema, values: op.values })]
  for (const usage of op.columns) {
    const col = quoteIdentifier(usage.column)
    const asText = `${col}::text`
    const converted = renamedTo.size
      ? `(CASE ${asText} ${[...renamedTo].map(([from, to]) => `WHEN ${quoteLiteral(from)} THEN ${quoteLiteral(to)}`).join(' ')} ELSE ${asText} END)::${typeName}`
      : `${asText}::${typeName}`
    const current = (await context.table(usage.table, usage.schema ?? null))?.columns.find((c) => c.name === usage.column)
    const restored = carriedDefault(current?.default, renamedTo)
    const clauses = [`ALTER COLUMN ${col} DROP DEFAULT`, `ALTER COLUMN ${col} TYPE ${typeName} USING ${converted}`]
    if (restored) clauses.push(`ALTER COLUMN ${col} SET DEFAULT ${restored}`)
    statements.push(`ALTER TABLE ${qualify(usage.table, usage.schema ?? null)} ${clauses.join(', ')}`)
  }
  statements.push(`DROP TYPE ${qualify(retired, schema)}`)
  return statements
}
