import { partitionByDoc } from './render-partitions.js'
import type { ColumnModel, ColumnType, ForeignKeyModel, IndexModel, TableModel } from '../schema/model.js'
import { applyConvention, defaultNamingConvention } from '../schema/naming.js'
import { type Doc, array, call, chain, object, text } from './render-layout.js'
import { type ImportSet, defaultDoc, namesDoc, numberLiteral, propertyKey, sqlTemplate, stringLiteral } from './render-values.js'
import { columnDetailLinks, elementChainDoc, indexDetailLinks } from './render-index.js'

const str = (value: string): Doc => text(stringLiteral(value))
const num = (value: number): Doc => text(numberLiteral(value))

/** The column builder call for a type: `varchar({ length: 100 })`, `enumeration('mood', ['a'])()`, `customType('tsvector')`. */
export function typeDoc(type: ColumnType, imports: ImportSet): Doc {
  switch (type.kind) {
    case 'varchar':
    case 'char':
      return type.length === undefined ? call(imports.use(type.kind)) : call(imports.use(type.kind), object([{ key: 'length', value: num(type.length) }]))
    case 'numeric': {
      // The builder takes a scale only together with a precision.
      if (type.precision === undefined) return call(imports.use('numeric'))
      const entries = [{ key: 'precision', value: num(type.precision) }]
      if (type.scale !== undefined) entries.push({ key: 'scale', value: num(type.scale) })
      return call(imports.use('numeric'), object(entries))
    }
    case 'time':
    case 'timestamp': {
      const entries: Array<{ key: string; value: Doc }> = []
      if (type.withTimezone) entries.push({ key: 'withTimezone', value: text('true') })
      if (type.precision !== undefined) entries.push({ key: 'precision', value: num(type.precision) })
      if (type.kind === 'timestamp' && type.mysqlType) entries.push({ key: 'mysqlType', value: str(type.mysqlType) })
      return entries.length ? call(imports.use(type.kind), object(entries)) : call(imports.use(type.kind))
    }
    case 'enum': {
      const args = [str(type.name), namesDoc(type.values)]
      if (type.schema) args.push(object([{ key: 'schema', value: str(type.schema) }]))
      return call(call(imports.use('enumeration'), ...args))
    }
    case 'raw':
      return call(imports.use('customType'), str(type.sql))
    default:
      return call(imports.use(type.kind))
  }
}

/** A column's part in its table's primary key, as the schema file says it. */
export type KeyPart = 'inline' | 'table-level' | null

/**
 * A column builder with its chain: `varchar({ length: 100 }).notNull().default('x').comment('…')`.
 * An `'inline'` key column renders `.primaryKey()` (which implies NOT NULL).
 */
export function columnDoc(column: ColumnModel, imports: ImportSet, keyPart: KeyPart = null): Doc {
  const links = nullabilityLinks(column, keyPart)
  // No default and `default(null)` are the same column: only a real default is written.
  if (column.default) links.push({ name: 'default', args: [defaultDoc(column.default, imports)] })
  if (column.autoincrement === true) links.push({ name: 'autoincrement', args: [] })
  else if (column.autoincrement) links.push({ name: 'autoincrement', args: [str(column.autoincrement)] })
  if (column.comment != null) links.push({ name: 'comment', args: [str(column.comment)] })
  links.push(...generatedLinks(column, imports))
  links.push(...columnDetailLinks(column))
  return chain(typeDoc(column.type, imports), links)
}

/**
 * `.primaryKey()`, `.notNull()`, or nothing; `.nullable()` for a nullable key column (SQLite keeps NULL in a
 * non-INTEGER key column), since a key implies NOT NULL otherwise.
 */
export function nullabilityLinks(column: ColumnModel, keyPart: KeyPart): Array<{ name: string; args: Doc[] }> {
  const links: Array<{ name: string; args: Doc[] }> = []
  if (keyPart === 'inline') links.push({ name: 'primaryKey', args: [] })
  if (!column.nullable && keyPart !== 'inline') links.push({ name: 'notNull', args: [] })
  if (column.nullable && keyPart !== null) links.push({ name: 'nullable', args: [] })
  return links
}

/** `.generatedAlwaysAs(sql\`…\`, { stored: true })` for a generated column (the migration's and pull's renderers). */
export function generatedLinks(column: ColumnModel, imports: ImportSet): Array<{ name: string; args: Doc[] }> {
  if (!column.generated) return []
  const args = [text(sqlTemplate(column.generated.expression, imports))]
  if (column.generated.stored) args.push(object([{ key: 'stored', value: text('true') }]))
  return [{ name: 'generatedAlwaysAs', args }]
}

function indexDoc(index: IndexModel, imports: ImportSet): Doc {
  const head = call(imports.use(index.unique ? 'uniqueIndex' : 'index'), str(index.name))
  const elements = index.elements.map((e) => elementChainDoc(e, imports, str, false))
  const links = [{ name: 'on', args: elements }]
  if (index.where) links.push({ name: 'where', args: [text(sqlTemplate(index.where, imports))] })
  links.push(...indexDetailLinks(index, str))
  return chain(head, links)
}

function foreignKeyDoc(fk: ForeignKeyModel, imports: ImportSet): Doc {
  const references = [
    { key: 'table', value: str(fk.referencedTable) },
    { key: 'columns', value: namesDoc(fk.referencedColumns) },
  ]
  if (fk.referencedSchema) references.push({ key: 'schema', value: str(fk.referencedSchema) })
  const entries = [
    { key: 'name', value: str(fk.name) },
    { key: 'columns', value: namesDoc(fk.columns) },
    { key: 'references', value: object(references) },
  ]
  if (fk.onDelete) entries.push({ key: 'onDelete', value: str(fk.onDelete) })
  if (fk.onUpdate) entries.push({ key: 'onUpdate', value: str(fk.onUpdate) })
  if (fk.deferrable === true) entries.push({ key: 'deferrable', value: text('true') })
  else if (fk.deferrable) entries.push({ key: 'deferrable', value: str(fk.deferrable) })
  return call(imports.use('foreignKey'), object(entries))
}

/**
 * True when the primary key is one column whose name `.primaryKey()` reproduces (the default convention, or no
 * name at all: then the convention's name is what a re-creation gets).
 */
function primaryKeyInline(table: TableModel): boolean {
  const pk = table.primaryKey
  if (!pk || pk.columns.length !== 1) return false
  return !pk.name || pk.name === applyConvention(defaultNamingConvention.primaryKey, { table: table.name, columns: pk.columns })
}

/** The arguments of `op.createTable(name, columns, extras?, options?)`. */
export function createTableArgs(table: TableModel, imports: ImportSet): Doc[] {
  const inlinePk = primaryKeyInline(table) ? table.primaryKey!.columns[0] : undefined
  const keyColumns = table.primaryKey?.columns ?? []
  const keyPart = (name: string): KeyPart => (name === inlinePk ? 'inline' : keyColumns.includes(name) ? 'table-level' : null)
  const columns = object(
    table.columns.map((c) => ({ key: propertyKey(c.name), value: columnDoc(c, imports, keyPart(c.name)) })),
    true,
  )
  const extras: Doc[] = []
  const pk = table.primaryKey
  if (pk && pk.columns.length > 0 && inlinePk === undefined) {
    const entries = pk.name ? [{ key: 'name', value: str(pk.name) }] : []
    entries.push({ key: 'columns', value: namesDoc(pk.columns) })
    extras.push(call(imports.use('primaryKey'), object(entries)))
  }
  for (const fk of table.foreignKeys) extras.push(foreignKeyDoc(fk, imports))
  for (const u of table.uniques) extras.push(chain(call(imports.use('unique'), str(u.name)), [{ name: 'on', args: u.columns.map(str) }]))
  for (const c of table.checks) extras.push(call(imports.use('check'), str(c.name), text(sqlTemplate(c.expression, imports))))
  for (const i of table.indexes) extras.push(indexDoc(i, imports))
  const options: Array<{ key: string; value: Doc }> = []
  if (table.schema) options.push({ key: 'schema', value: str(table.schema) })
  if (table.comment != null) options.push({ key: 'comment', value: str(table.comment) })
  if (table.partitionBy) options.push({ key: 'partitionBy', value: partitionByDoc(table.partitionBy) })
  const args = [str(table.name), columns]
  if (extras.length > 0) args.push(array(extras))
  if (options.length > 0) args.push(object(options))
  return args
}
