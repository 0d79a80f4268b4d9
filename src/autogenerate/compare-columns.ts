import { AlterColumnOp, type ColumnChanges } from '../operations/column-ops.js'
import type { ColumnModel, ColumnType, DefaultValue } from '../schema/model.js'
import { jsonDefaultByValue } from '../schema/json-default.js'
import type { CompareDialect } from './types.js'
import { sameItems } from '../schema/same-items.js'

function sameRawSql(a: string, b: string): boolean {
  const norm = (s: string) => s.trim().replace(/\s+/g, ' ').toLowerCase()
  return norm(a) === norm(b)
}

/**
 * Type equality. `enumsAsTypes` (PostgreSQL): an enum column is equal when it names the same enum type; the
 * values are compared on the enum itself. Elsewhere enums are inline column types, compared by their values
 * (their name is not stored in the database).
 */
export function typesEqual(target: ColumnType, reflected: ColumnType, enumsAsTypes: boolean): boolean {
  if (target.kind !== reflected.kind) return false
  switch (target.kind) {
    case 'enum': {
      const r = reflected as typeof target
      if (enumsAsTypes) return target.name === r.name && (target.schema ?? null) === (r.schema ?? null)
      return sameItems(target.values, r.values)
    }
    case 'raw':
      return sameRawSql(target.sql, (reflected as typeof target).sql)
    case 'varchar':
    case 'char':
      return target.length === (reflected as typeof target).length
    case 'numeric': {
      const r = reflected as typeof target
      return target.precision === r.precision && target.scale === r.scale
    }
    case 'time':
    case 'timestamp': {
      const r = reflected as typeof target
      return !!target.withTimezone === !!r.withTimezone && target.precision === r.precision && sameMysqlType(target, r)
    }
    default:
      return true
  }
}

/** Only MySQL's canonical forms keep `mysqlType`; the other dialects drop it. */
function sameMysqlType(a: ColumnType, b: ColumnType): boolean {
  const native = (t: ColumnType) => (t.kind === 'timestamp' ? (t.mysqlType ?? null) : null)
  return native(a) === native(b)
}

/** Type families whose members may be the same column under a new name (candidates for a rename question). */
const FAMILIES: Record<string, string> = {
  smallint: 'int',
  integer: 'int',
  bigint: 'int',
  varchar: 'string',
  char: 'string',
  text: 'string',
  real: 'float',
  double: 'float',
  numeric: 'float',
  date: 'datetime',
  timestamp: 'datetime',
  json: 'json',
  jsonb: 'json',
}

export function typesCompatible(a: ColumnType, b: ColumnType): boolean {
  return (FAMILIES[a.kind] ?? a.kind) === (FAMILIES[b.kind] ?? b.kind)
}

type BaseFacts = Required<Pick<ColumnChanges, 'type' | 'nullable' | 'default' | 'comment' | 'autoincrement'>>

/**
 * Every fact an alteration can touch, with absent facts spelled out, so that the change can be reversed. A collation
 * and ON UPDATE are stated only where the column has one (`diffColumn` spells out the absent one it changes).
 */
export function columnFacts(column: ColumnModel): BaseFacts & ColumnChanges {
  const facts: BaseFacts & ColumnChanges = {
    type: structuredClone(column.type),
    nullable: column.nullable,
    default: column.default ? structuredClone(column.default) : null,
    comment: column.comment ?? null,
    autoincrement: column.autoincrement ?? false,
  }
  if (column.collation) facts.collation = column.collation
  if (column.onUpdateNow) facts.onUpdateNow = true
  return facts
}

/** Both defaults absent, or spelled alike: equal without normalizing. Any other pair is normalized and compared. */
function sameDefaultSpelling(a: DefaultValue | null | undefined, b: DefaultValue | null | undefined): boolean {
  if (!a || !b) return !a && !b
  return a.kind === 'literal' ? b.kind === 'literal' && a.value === b.value : b.kind === 'sql' && a.sql === b.sql
}

/**
 * An auto-increment a dialect declares as a type (PostgreSQL: a serial column is `customType('serial')`, since
 * `autoincrement()` is an identity) is stated as declared on both sides, type included: `true` alone cannot tell a
 * serial from an identity, and the operation (and its reverse) must, offline too.
 */
function restateDeclaredType(changes: ColumnChanges, given: BaseFacts, have: BaseFacts, reflectedAsDeclared: ColumnModel, dialect: CompareDialect): void {
  have.type = structuredClone(reflectedAsDeclared.type)
  have.autoincrement = reflectedAsDeclared.autoincrement ?? false
  if (!typesEqual(given.type, have.type, dialect.features.namedEnumTypes)) changes.type = given.type
}

/**
 * The alteration turning `reflected` into `target` (canonical), or null when they are equal. What changes is
 * taken from `declared`, the column as the schema declares it.
 */
export function diffColumn(
  table: string,
  schema: string | null,
  target: ColumnModel,
  reflected: ColumnModel,
  dialect: CompareDialect,
  declared: ColumnModel | (() => ColumnModel) = target,
): AlterColumnOp | null {
  // Compared on the models as they are; facts are copied only for a column that changed (a no-change compare of
  // 12,000 columns spent most of its time cloning).
  const declaredType = () => (typeof declared === 'function' ? declared() : declared).type
  let haveType = reflected.type
  // MySQL keeps no enum names: the existing enum type takes the declared one's, so the file says `mood`, not ''.
  if (haveType.kind === 'enum' && !haveType.name && target.type.kind === 'enum') {
    const givenType = declaredType()
    if (givenType.kind === 'enum') haveType = { ...haveType, name: givenType.name, ...(givenType.schema ? { schema: givenType.schema } : {}) }
  }
  const typeChanged = !typesEqual(target.type, haveType, dialect.features.namedEnumTypes)
  const nullableChanged = target.nullable !== reflected.nullable
  // Equal defaults on equal types need no normalizing (parsing the SQL): the usual case, and most of the cost.
  const defaultChanged =
    (typeChanged || !sameDefaultSpelling(target.default, reflected.default)) &&
    dialect.normalizeDefault(jsonDefaultByValue(target.default, target.type) ?? null, { type: target.type }) !==
    dialect.normalizeDefault(jsonDefaultByValue(reflected.default, haveType) ?? null, { type: haveType })
  const commentChanged = (target.comment ?? null) !== (reflected.comment ?? null)
  const autoincrementChanged = (target.autoincrement ?? false) !== (reflected.autoincrement ?? false)
  const collationChanged = (target.collation ?? null) !== (reflected.collation ?? null)
  const onUpdateNowChanged = (target.onUpdateNow ?? false) !== (reflected.onUpdateNow ?? false)
  if (!typeChanged && !nullableChanged && !defaultChanged && !commentChanged && !autoincrementChanged && !collationChanged && !onUpdateNowChanged) return null

  const given = columnFacts(typeof declared === 'function' ? declared() : declared)
  const have = columnFacts({ ...reflected, type: haveType })
  const changes: ColumnChanges = {}
  if (typeChanged) changes.type = given.type
  if (nullableChanged) changes.nullable = target.nullable
  if (defaultChanged) changes.default = given.default
  if (commentChanged) changes.comment = given.comment
  if (autoincrementChanged) {
    changes.autoincrement = given.autoincrement
    if (dialect.declaredColumn) restateDeclaredType(changes, given, have, dialect.declaredColumn({ ...reflected, type: haveType }), dialect)
  }
  if (collationChanged) {
    changes.collation = given.collation ?? null
    have.collation ??= null
  }
  if (onUpdateNowChanged) {
    changes.onUpdateNow = given.onUpdateNow ?? false
    have.onUpdateNow ??= false
  }
  return new AlterColumnOp(table, target.name, changes, have, schema)
}
