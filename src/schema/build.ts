import { type ColumnRef, isColumnBuilder } from './columns.js'
import { type Enumeration, isEnumeration } from './enum.js'
import { type ColumnArg, type IndexArg, type TableExtra } from './extras.js'
import { tableKey } from './model.js'
import type { ColumnModel, EnumModel, ExtensionModel, PartitionByModel, PartitionModel, PolicyModel, RoutineModel, SequenceModel, TriggerModel, ViewModel, ForeignKeyModel, IndexElement, IndexModel, SchemaModel, TableModel } from './model.js'
import { isIndexColumn } from './index-column.js'
import { elementColumn } from './index-elements.js'
import { type NamingConvention, applyConvention, defaultNamingConvention } from './naming.js'
import { type SqlFragment, isSqlFragment } from './sql.js'
import { type ColumnMap, type Table, type TableDefinition, isTable, tableDefinition } from './table.js'
import { isView } from './view.js'
import { isRoutine, isTrigger } from './routines.js'
import { isExtension, isPolicy } from './postgres-objects.js'
import { isPartition } from './partitions.js'
import { isSequence } from './sequence.js'

function columnName(arg: ColumnArg): string {
  return typeof arg === 'string' ? arg : arg.name
}

function indexElement(arg: IndexArg): IndexElement {
  if (isIndexColumn(arg)) return arg.toElement()
  return isSqlFragment(arg) ? { expression: arg.text } : columnName(arg)
}

function elementToken(element: IndexElement): string {
  return elementColumn(element) ?? 'expr'
}

function parseReferenceString(text: string): { schema: string | null; table: string; column: string } {
  const parts = text.split('.')
  if (parts.length === 2) return { schema: null, table: parts[0]!, column: parts[1]! }
  if (parts.length === 3) return { schema: parts[0]!, table: parts[1]!, column: parts[2]! }
  throw new Error(`references('${text}'): expected 'table.column' or 'schema.table.column'`)
}

/** Turns one `table()` declaration into its model, naming every unnamed constraint and index by the convention. */
export function buildTableModel(definition: TableDefinition, naming: NamingConvention = defaultNamingConvention): TableModel {
  const { name, options } = definition
  const model: TableModel = {
    name,
    schema: options.schema ?? null,
    columns: [],
    primaryKey: null,
    indexes: [],
    uniques: [],
    foreignKeys: [],
    checks: [],
    comment: options.comment ?? null,
  }
  if (options.renamedFrom) model.renamedFrom = options.renamedFrom
  if (options.partitionBy) model.partitionBy = partitionByModel(definition)
  const pkColumns: string[] = []
  // `.nullable()` said outright: a table-level primary key leaves such a column nullable (SQLite allows NULL there).
  let explicitlyNullable: Set<string> | null = null
  // MySQL's convention numbers unnamed foreign keys per table, in declaration order.
  const unnamedForeignKeys = { count: 0 }
  // Keys, not entries: destructuring an entry runs the iterator protocol, once per column of the schema.
  for (const key of Object.keys(definition.columns)) {
    const builder = definition.columns[key]!
    const column: ColumnModel = builder.toModel(key)
    if (builder.config.invalidDefault) throw new Error(`column '${name}.${column.name}': ${builder.config.invalidDefault}`)
    model.columns.push(column)
    const c = builder.config
    if (c.primaryKey) pkColumns.push(column.name)
    if (c.explicitNullable) (explicitlyNullable ??= new Set()).add(column.name)
    if (c.unique) {
      const uqName = typeof c.unique === 'string' ? c.unique : applyConvention(naming.unique, { table: name, columns: [column.name] })
      model.uniques.push({ name: uqName, columns: [column.name] })
    }
    if (c.references) {
      const { target, options: ref } = c.references
      let refSchema: string | null
      let refTable: string
      let refColumn: string
      if (typeof target === 'string') {
        const parsed = parseReferenceString(target)
        ;({ schema: refSchema, table: refTable, column: refColumn } = parsed)
      } else {
        const col: ColumnRef = target()
        refSchema = col.tableSchema
        refTable = col.tableName
        refColumn = col.name
      }
      model.foreignKeys.push(
        cleanForeignKey({
          name: ref.name ?? applyConvention(naming.foreignKey, { table: name, columns: [column.name], referredTable: refTable, ordinal: ++unnamedForeignKeys.count }),
          columns: [column.name],
          referencedTable: refTable,
          referencedSchema: refSchema,
          referencedColumns: [refColumn],
          onDelete: ref.onDelete ?? null,
          onUpdate: ref.onUpdate ?? null,
          deferrable: ref.deferrable ?? null,
        }),
      )
    }
  }
  if (pkColumns.length > 0) model.primaryKey = { name: applyConvention(naming.primaryKey, { table: name, columns: pkColumns }), columns: pkColumns }

  const extras: TableExtra[] =
    typeof definition.extras === 'function' ? definition.extras(definition.refs) : (definition.extras ?? [])
  for (const extra of extras) addExtra(model, extra, naming, unnamedForeignKeys, explicitlyNullable)
  return model
}

/** The partition key, by database column name (a property key is accepted too). */
function partitionByModel(definition: TableDefinition): PartitionByModel {
  const { kind, columns } = definition.options.partitionBy!
  if (!['range', 'list', 'hash'].includes(kind)) throw new Error(`table('${definition.name}'): partitionBy.kind must be 'range', 'list' or 'hash'`)
  if (columns.length === 0) throw new Error(`table('${definition.name}'): partitionBy needs at least one column`)
  if (kind === 'list' && columns.length > 1) throw new Error(`table('${definition.name}'): a list partition key has one column`)
  const names = columns.map((c) => definition.refs[c]?.name ?? c)
  const known = new Set(Object.values(definition.refs).map((r) => r.name))
  const unknown = names.find((n) => !known.has(n))
  if (unknown !== undefined) throw new Error(`table('${definition.name}'): partitionBy names column '${unknown}', which the table does not have`)
  return { kind, columns: names }
}

function cleanForeignKey(fk: ForeignKeyModel): ForeignKeyModel {
  if (!fk.onDelete) delete fk.onDelete
  if (!fk.onUpdate) delete fk.onUpdate
  if (!fk.deferrable) delete fk.deferrable
  if (!fk.referencedSchema) delete fk.referencedSchema
  return fk
}

function addExtra(model: TableModel, extra: TableExtra, naming: NamingConvention, unnamedForeignKeys: { count: number }, explicitlyNullable: ReadonlySet<string> | null): void {
  const table = model.name
  switch (extra.extra) {
    case 'index': {
      const elements = extra.elements.map(indexElement)
      if (elements.length === 0) throw new Error(`table('${table}'): an index needs at least one column (.on(...))`)
      const name = extra.name ?? applyConvention(naming.index, { table, columns: elements.map(elementToken) })
      const index: IndexModel = { name, elements, unique: extra.unique, ...(extra.predicate ? { where: extra.predicate } : {}) }
      if (extra.method) index.using = extra.method
      if (extra.included.length) index.include = extra.included.map(columnName)
      if (extra.buildConcurrently) index.concurrently = true
      model.indexes.push(index)
      return
    }
    case 'unique': {
      const columns = extra.columns.map(columnName)
      if (columns.length === 0) throw new Error(`table('${table}'): a unique constraint needs at least one column (.on(...))`)
      model.uniques.push({ name: extra.name ?? applyConvention(naming.unique, { table, columns }), columns })
      return
    }
    case 'check':
      model.checks.push({ name: extra.name, expression: extra.expression })
      return
    case 'primaryKey': {
      const columns = extra.columns.map(columnName)
      model.primaryKey = { name: extra.name ?? applyConvention(naming.primaryKey, { table, columns }), columns }
      for (const column of model.columns) if (columns.includes(column.name) && !explicitlyNullable?.has(column.name)) column.nullable = false
      return
    }
    case 'foreignKey': {
      const o = extra.options
      const columns = o.columns.map(columnName)
      let referencedTable: string
      let referencedSchema: string | null = null
      let referencedColumns: string[]
      if (typeof o.references === 'function') {
        const refs = o.references()
        if (refs.length === 0) throw new Error(`table('${table}'): foreignKey references no column`)
        referencedTable = refs[0]!.tableName
        referencedSchema = refs[0]!.tableSchema
        referencedColumns = refs.map((r) => r.name)
      } else {
        referencedTable = o.references.table
        referencedSchema = o.references.schema ?? null
        referencedColumns = o.references.columns
      }
      model.foreignKeys.push(
        cleanForeignKey({
          name: o.name ?? applyConvention(naming.foreignKey, { table, columns, referredTable: referencedTable, ordinal: ++unnamedForeignKeys.count }),
          columns,
          referencedTable,
          referencedSchema,
          referencedColumns,
          onDelete: o.onDelete ?? null,
          onUpdate: o.onUpdate ?? null,
          deferrable: o.deferrable ?? null,
        }),
      )
      return
    }
  }
}

/** Every exported table and enum of the given modules, as one schema model. Enums used by columns count too. */
export function buildSchemaModel(values: Iterable<unknown>, naming: NamingConvention = defaultNamingConvention): SchemaModel {
  const tables: TableModel[] = []
  const tableKeys = new Set<string>()
  const enums = new Map<string, EnumModel>()
  const seenTables = new Set<Table>()
  const views: ViewModel[] = []
  const routines: RoutineModel[] = []
  const triggers: TriggerModel[] = []
  const extensions: ExtensionModel[] = []
  const sequences: SequenceModel[] = []
  const policies: PolicyModel[] = []
  const rowSecurity: Array<{ table: string; schema: string | null }> = []
  const partitions: PartitionModel[] = []
  const addOnce = <T extends { name: string; schema?: string | null }>(list: T[], model: T, what: string) => {
    const same = list.find((v) => v.name === model.name && (v.schema ?? null) === (model.schema ?? null))
    if (same && JSON.stringify(same) !== JSON.stringify(model)) throw new Error(`${what} '${model.name}' is declared twice`)
    if (!same) list.push(structuredClone(model))
  }
  /** Objects named within their table (policies, triggers). */
  const addOnceOnTable = <T extends { name: string; table: string; schema?: string | null }>(list: T[], model: T, what: string) => {
    const same = list.find((o) => o.name === model.name && o.table === model.table && (o.schema ?? null) === (model.schema ?? null))
    if (same && JSON.stringify(same) !== JSON.stringify(model)) throw new Error(`${what} '${model.name}' on '${model.table}' is declared twice`)
    if (!same) list.push(structuredClone(model))
  }
  const addEnum = (model: EnumModel) => {
    const key = `${model.schema ?? ''}.${model.name}`
    const existing = enums.get(key)
    if (existing && existing.values.join('\u0000') !== model.values.join('\u0000'))
      throw new Error(`enum '${model.name}' is declared twice with different values`)
    if (!existing || (model.renamedValues && !existing.renamedValues)) enums.set(key, structuredClone(model))
  }
  for (const value of values) {
    if (isTable(value)) {
      if (seenTables.has(value)) continue
      seenTables.add(value)
      const model = buildTableModel(tableDefinition(value), naming)
      if (tableKeys.has(tableKey(model))) throw new Error(`table '${model.name}' is declared twice`)
      tableKeys.add(tableKey(model))
      tables.push(model)
      if (tableDefinition(value).options.rls) rowSecurity.push({ table: model.name, schema: model.schema ?? null })
      for (const builder of Object.values(tableDefinition(value).columns as ColumnMap)) {
        if (isColumnBuilder(builder) && builder.config.type.kind === 'enum') {
          const t = builder.config.type
          addEnum({ name: t.name, schema: t.schema ?? null, values: t.values })
        }
      }
    } else if (isEnumeration(value)) {
      addEnum((value as Enumeration).model)
    } else if (isView(value)) {
      addOnce(views, value.model, 'view')
    } else if (isRoutine(value)) {
      addOnce(routines, value.model, value.model.kind)
    } else if (isTrigger(value)) {
      // Unique per table on PostgreSQL; SQLite and MySQL refuse a second one of a name when it is created.
      addOnceOnTable(triggers, value.model, 'trigger')
    } else if (isSequence(value)) {
      addOnce(sequences, value.model, 'sequence')
    } else if (isExtension(value)) {
      addOnce(extensions, value.model, 'extension')
    } else if (isPartition(value)) {
      addOnce(partitions, value.model, 'partition')
    } else if (isPolicy(value)) {
      addOnceOnTable(policies, value.model, 'policy')
    }
  }
  const schemas = [...new Set([...tables, ...views, ...routines, ...sequences].map((t) => t.schema).filter((s): s is string => !!s))]
  return {
    tables,
    enums: [...enums.values()],
    schemas,
    ...(views.length > 0 ? { views } : {}),
    ...(routines.length > 0 ? { routines } : {}),
    ...(triggers.length > 0 ? { triggers } : {}),
    ...(extensions.length > 0 ? { extensions } : {}),
    ...(sequences.length > 0 ? { sequences } : {}),
    ...(policies.length > 0 ? { policies } : {}),
    ...(rowSecurity.length > 0 ? { rowSecurity } : {}),
    ...(partitions.length > 0 ? { partitions } : {}),
  }
}
