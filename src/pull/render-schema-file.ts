/**
 * A reflected schema as a schema file in strata's DSL: enums, then tables in foreign-key order. A reference to a
 * table declared later (a cycle, or the table itself) is a thunk with a `ColumnRef` return type, so the file
 * type-checks under `strict`. Deterministic: the same database gives the same bytes.
 */
import { routineDeclarationDoc, triggerDeclarationDoc } from '../autogenerate/render-routines.js'
import { viewDeclarationDoc } from '../autogenerate/render-views.js'
import { partitionByDoc, partitionValuesDoc } from '../autogenerate/render-partitions.js'
import { sequenceDeclarationDoc } from '../autogenerate/render-sequences.js'
import { extensionArgs, policyEntries } from '../autogenerate/render-postgres-objects.js'
import { dependencyOrder } from '../autogenerate/ordering.js'
import { type Doc, PRINT_WIDTH, arrow, call, chain, object, print, text } from '../autogenerate/render-layout.js'
import { generatedLinks, nullabilityLinks, typeDoc } from '../autogenerate/render-schema.js'
import { ImportSet, defaultDoc, namesDoc, propertyKey, sqlTemplate, stringLiteral } from '../autogenerate/render-values.js'
import type { ColumnModel, ColumnType, EnumModel, ForeignKeyModel, PartitionModel, PolicyModel, SchemaModel, TableModel } from '../schema/model.js'
import { qualifiedName, tableKey } from '../schema/model.js'
import type { NamingConvention } from '../schema/naming.js'
import { ConstNames, isIdentifier } from './identifiers.js'
import { type Named, type TablePlan, planTable } from './table-plan.js'
import { columnDetailLinks, elementChainDoc, indexDetailLinks } from '../autogenerate/render-index.js'

/** Every name the file may import: table and enum consts never take them. */
const DSL_NAMES = [
  'table', 'smallint', 'integer', 'bigint', 'varchar', 'char', 'text', 'boolean', 'real', 'double', 'numeric', 'date', 'time',
  'timestamp', 'json', 'jsonb', 'uuid', 'bytes', 'customType', 'enumeration', 'index', 'uniqueIndex', 'unique', 'check',
  'primaryKey', 'foreignKey', 'sql', 'ColumnRef', 'indexColumn', 'partition', 'minValue', 'maxValue', 'extension', 'policy',
]

export interface SchemaFileOptions {
  naming: NamingConvention
  /** Lines for the header: where the file comes from, the naming preset. */
  header: string[]
  /** Objects the DSL cannot express, listed in the header. */
  unmodelled: string[]
}

const str = (value: string): Doc => text(stringLiteral(value))

function member(object: string, key: string): string {
  return isIdentifier(key) ? `${object}.${key}` : `${object}[${stringLiteral(key)}]`
}

interface FileContext {
  imports: ImportSet
  /** Table key → const name, for tables in the file. */
  tableConsts: Map<string, string>
  plans: Map<string, TablePlan>
  /** Enum (schema.name) → const name; MySQL's unnamed inline enums are keyed by table and column. */
  enumConsts: Map<string, string>
  /** Tables declared so far: a reference to any other needs an annotated thunk. */
  declared: Set<string>
  /** Tables with row-level security enabled (written `rls: true`). */
  rowSecurity: Set<string>
}

function enumKey(type: Extract<ColumnType, { kind: 'enum' }>, table: TableModel, column: ColumnModel): string {
  return type.name ? qualifiedName(type.name, type.schema) : `${tableKey(table)}.${column.name}`
}

/** Enums to declare: the model's own (PostgreSQL), and one per inline enum column (MySQL, SQLite). */
function collectEnums(model: SchemaModel): Array<{ key: string; model: EnumModel }> {
  const found = new Map<string, EnumModel>()
  for (const e of model.enums) if (e.values.length > 0) found.set(qualifiedName(e.name, e.schema), e)
  for (const table of model.tables)
    for (const column of table.columns) {
      const type = column.type
      if (type.kind !== 'enum' || type.values.length === 0) continue
      const key = enumKey(type, table, column)
      if (!found.has(key)) found.set(key, { name: type.name || `${table.name}_${column.name}`, schema: type.schema ?? null, values: type.values })
    }
  return [...found.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([key, e]) => ({ key, model: e }))
}

function enumDeclaration(name: string, e: EnumModel, imports: ImportSet): string {
  const args = [str(e.name), namesDoc(e.values)]
  if (e.schema) args.push(object([{ key: 'schema', value: str(e.schema) }]))
  const head = `export const ${name} = `
  return head + print(call(imports.use('enumeration'), ...args), 0, head.length)
}

/** The type builder, given the column's name when the property key differs from it. */
function columnType(column: ColumnModel, table: TableModel, name: string | null, ctx: FileContext): Doc {
  const type = column.type
  const nameArgs = name === null ? [] : [str(name)]
  if (type.kind === 'enum' && type.values.length > 0) return call(ctx.enumConsts.get(enumKey(type, table, column))!, ...nameArgs)
  if (type.kind === 'raw') return call(ctx.imports.use('customType'), str(type.sql), ...nameArgs)
  const doc = typeDoc(type, ctx.imports)
  return doc.t === 'call' ? call(doc.callee, ...nameArgs, ...doc.args) : doc
}

function referenceThunk(fk: ForeignKeyModel, ctx: FileContext): Doc | null {
  const key = tableKey({ name: fk.referencedTable, schema: fk.referencedSchema ?? null })
  const target = ctx.tableConsts.get(key)
  const column = ctx.plans.get(key)?.keys.get(fk.referencedColumns[0]!)
  if (!target || column === undefined) return null
  const ref = member(target, column)
  return text(ctx.declared.has(key) ? `() => ${ref}` : `(): ${ctx.imports.use('ColumnRef')} => ${ref}`)
}

function actionEntries(fk: ForeignKeyModel): Array<{ key: string; value: Doc }> {
  const entries: Array<{ key: string; value: Doc }> = []
  if (fk.onDelete) entries.push({ key: 'onDelete', value: str(fk.onDelete) })
  if (fk.onUpdate) entries.push({ key: 'onUpdate', value: str(fk.onUpdate) })
  if (fk.deferrable === true) entries.push({ key: 'deferrable', value: text('true') })
  else if (fk.deferrable) entries.push({ key: 'deferrable', value: str(fk.deferrable) })
  return entries
}

function columnDoc(column: ColumnModel, plan: TablePlan, ctx: FileContext): Doc {
  const key = plan.keys.get(column.name)!
  const keyPart = plan.inlinePrimaryKey === column.name ? 'inline' : plan.primaryKey?.object.includes(column.name) ? 'table-level' : null
  const links = nullabilityLinks(column, keyPart)
  const unique = plan.inlineUniques.get(column.name)
  if (unique) links.push({ name: 'unique', args: unique.name === undefined ? [] : [str(unique.name)] })
  if (column.default) links.push({ name: 'default', args: [defaultDoc(column.default, ctx.imports)] })
  if (column.autoincrement === true) links.push({ name: 'autoincrement', args: [] })
  else if (column.autoincrement) links.push({ name: 'autoincrement', args: [str(column.autoincrement)] })
  const reference = plan.inlineForeignKeys.get(column.name)
  if (reference) {
    const options = [...(reference.name === undefined ? [] : [{ key: 'name', value: str(reference.name) }]), ...actionEntries(reference.object)]
    links.push({ name: 'references', args: [referenceThunk(reference.object, ctx)!, ...(options.length ? [object(options)] : [])] })
  }
  if (column.comment != null) links.push({ name: 'comment', args: [str(column.comment)] })
  links.push(...generatedLinks(column, ctx.imports))
  links.push(...columnDetailLinks(column))
  return chain(columnType(column, plan.table, key === column.name ? null : column.name, ctx), links)
}

function columnList(columns: readonly string[], plan: TablePlan): Doc {
  return text(`[${columns.map((c) => member('t', plan.keys.get(c)!)).join(', ')}]`)
}

function foreignKeyExtra(named: Named<ForeignKeyModel>, plan: TablePlan, ctx: FileContext): Doc {
  const fk = named.object
  const references = [
    { key: 'table', value: str(fk.referencedTable) },
    { key: 'columns', value: namesDoc(fk.referencedColumns) },
  ]
  if (fk.referencedSchema) references.push({ key: 'schema', value: str(fk.referencedSchema) })
  const entries = named.name === undefined ? [] : [{ key: 'name', value: str(named.name) }]
  entries.push({ key: 'columns', value: columnList(fk.columns, plan) }, { key: 'references', value: object(references) }, ...actionEntries(fk))
  return call(ctx.imports.use('foreignKey'), object(entries))
}

function extrasDocs(plan: TablePlan, ctx: FileContext): Doc[] {
  const { imports } = ctx
  const extras: Doc[] = []
  const nameArg = (named: Named<unknown>) => (named.name === undefined ? [] : [str(named.name)])
  const columnsOf = (columns: readonly string[]) => columns.map((c) => text(member('t', plan.keys.get(c)!)))
  if (plan.primaryKey) {
    const entries = nameArg(plan.primaryKey).length ? [{ key: 'name', value: str(plan.primaryKey.name!) }] : []
    entries.push({ key: 'columns', value: columnList(plan.primaryKey.object, plan) })
    extras.push(call(imports.use('primaryKey'), object(entries)))
  }
  for (const u of plan.uniques) extras.push(chain(call(imports.use('unique'), ...nameArg(u)), [{ name: 'on', args: columnsOf(u.object) }]))
  for (const fk of plan.foreignKeys) extras.push(foreignKeyExtra(fk, plan, ctx))
  for (const c of [...plan.table.checks].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)))
    extras.push(call(imports.use('check'), str(c.name), text(sqlTemplate(c.expression, imports))))
  for (const named of plan.indexes) {
    const index = named.object
    const columnRef = (name: string) => text(member('t', plan.keys.get(name) ?? name))
    const elements = index.elements.map((e) => elementChainDoc(e, imports, columnRef, true))
    const links = [{ name: 'on', args: elements }]
    if (index.where) links.push({ name: 'where', args: [text(sqlTemplate(index.where, imports))] })
    links.push(...indexDetailLinks(index, columnRef))
    extras.push(chain(call(imports.use(index.unique ? 'uniqueIndex' : 'index'), ...nameArg(named)), links))
  }
  return extras
}

function tableDeclaration(constName: string, plan: TablePlan, ctx: FileContext): string {
  const table = plan.table
  const columns = object(table.columns.map((c) => ({ key: propertyKey(plan.keys.get(c.name)!), value: columnDoc(c, plan, ctx) })), true)
  const args: Doc[] = [str(table.name), columns]
  const extras = extrasDocs(plan, ctx)
  if (extras.length > 0) args.push(arrow('t', { t: 'array', items: extras }))
  const options: Array<{ key: string; value: Doc }> = []
  if (table.schema) options.push({ key: 'schema', value: str(table.schema) })
  if (table.comment != null) options.push({ key: 'comment', value: str(table.comment) })
  if (table.partitionBy) options.push({ key: 'partitionBy', value: partitionByDoc(table.partitionBy) })
  if (ctx.rowSecurity.has(tableKey(table))) options.push({ key: 'rls', value: text('true') })
  if (options.length > 0) args.push(object(options))
  const head = `export const ${constName} = `
  return head + print(call(ctx.imports.use('table'), ...args), 0, head.length)
}

function commentBlock(lines: string[]): string {
  const safe = lines.map((l) => l.replaceAll('*/', '* /'))
  return ['/**', ...safe.map((l) => (l ? ` * ${l}` : ' *')), ' */'].join('\n')
}

/** True for a single-column key whose table is in the file: it can be written as a `.references()` thunk. */
export function referencesTableIn(model: SchemaModel): (fk: ForeignKeyModel) => boolean {
  const keys = new Set(model.tables.map(tableKey))
  return (fk) => keys.has(tableKey({ name: fk.referencedTable, schema: fk.referencedSchema ?? null }))
}

/** The schema file's source text. */
export function renderSchemaFile(model: SchemaModel, options: SchemaFileOptions): string {
  const names = new ConstNames(DSL_NAMES)
  const rowSecurity = new Set((model.rowSecurity ?? []).map((r) => tableKey({ name: r.table, schema: r.schema ?? null })))
  const ctx: FileContext = { imports: new ImportSet(), tableConsts: new Map(), plans: new Map(), enumConsts: new Map(), declared: new Set(), rowSecurity }
  const enums = collectEnums(model)
  for (const e of enums) ctx.enumConsts.set(e.key, names.claim(e.model.name, 'Enum'))
  const { order } = dependencyOrder(model.tables)
  const inFile = referencesTableIn(model)
  for (const table of order) {
    ctx.tableConsts.set(tableKey(table), names.claim(table.schema && order.some((t) => t !== table && t.name === table.name) ? `${table.schema}_${table.name}` : table.name, 'Table'))
    ctx.plans.set(tableKey(table), planTable(table, options.naming, inFile))
  }
  const blocks: string[] = [...extensionDeclarations(model, names, ctx)]
  for (const e of enums) blocks.push(enumDeclaration(ctx.enumConsts.get(e.key)!, e.model, ctx.imports))
  for (const table of order) {
    const key = tableKey(table)
    blocks.push(tableDeclaration(ctx.tableConsts.get(key)!, ctx.plans.get(key)!, ctx))
    // After its own declaration: a reference to the table itself needs the annotated thunk too.
    ctx.declared.add(key)
  }
  blocks.push(...objectDeclarations(model, names, ctx))
  const header = [...options.header]
  if (options.unmodelled.length > 0) header.push('', 'Not expressible in the schema DSL (kept in the database, not in this file):', ...options.unmodelled.map((u) => `- ${u}`))
  const importNames = ctx.imports.list().map((n) => (n === 'ColumnRef' ? 'type ColumnRef' : n))
  const sorted = importNames.sort((a, b) => a.replace(/^type /, '').localeCompare(b.replace(/^type /, ''), 'en'))
  return `${commentBlock(header)}\n${importStatement(sorted)}\n\n${blocks.join('\n\n')}\n`
}

/** Partitions, sequences, views, routines and triggers after the tables they read (routines before the triggers that call them). */
function objectDeclarations(model: SchemaModel, names: ConstNames, ctx: FileContext): string[] {
  const declare = (name: string, suffix: string, doc: Doc) => {
    const head = `export const ${names.claim(name, suffix)} = `
    return head + print(doc, 0, head.length)
  }
  const byName = <T extends { name: string }>(items: T[] | undefined) => [...(items ?? [])].sort((a, b) => a.name.localeCompare(b.name, 'en'))
  const partitionDoc = (p: PartitionModel) => {
    const parent = ctx.tableConsts.get(tableKey({ name: p.parent, schema: p.schema ?? null }))
    const of = parent ? [{ key: 'of', value: text(parent) }] : [{ key: 'of', value: str(p.parent) }, ...(p.schema ? [{ key: 'schema', value: str(p.schema) }] : [])]
    return call(ctx.imports.use('partition'), str(p.name), object([...of, { key: 'values', value: partitionValuesDoc(p.bound, ctx.imports) }]))
  }
  return [
    ...byName(model.partitions).map((p) => declare(p.name, 'Partition', partitionDoc(p))),
    ...byName(model.sequences).map((s) => declare(s.name, 'Sequence', sequenceDeclarationDoc(s, ctx.imports))),
    ...byName(model.views).map((v) => declare(v.name, 'View', viewDeclarationDoc(v, ctx.imports))),
    ...byName(model.routines).map((r) => declare(r.name, r.kind === 'function' ? 'Function' : 'Procedure', routineDeclarationDoc(r, ctx.imports))),
    ...byName(model.triggers).map((t) => declare(t.name, 'Trigger', triggerDeclarationDoc(t, ctx.imports))),
    ...[...(model.policies ?? [])].sort(byTableThenName).map((p) => declare(p.name, 'Policy', policyDeclarationDoc(p, ctx))),
  ]
}

/** The extensions the schema needs (PostgreSQL), first in the file: `export const uuidOssp = extension('uuid-ossp')`. */
function extensionDeclarations(model: SchemaModel, names: ConstNames, ctx: FileContext): string[] {
  return [...(model.extensions ?? [])]
    .sort((a, b) => a.name.localeCompare(b.name, 'en'))
    .map((e) => `export const ${names.claim(e.name, 'Extension')} = ${print(call(ctx.imports.use('extension'), ...extensionArgs(e)), 0, 0)}`)
}

const byTableThenName = (a: PolicyModel, b: PolicyModel) => a.table.localeCompare(b.table, 'en') || a.name.localeCompare(b.name, 'en')

/** `policy('name', { table: orders, for: 'select', to: [...], using: sql\`…\` })`, naming the table's const when it is in the file. */
function policyDeclarationDoc(p: PolicyModel, ctx: FileContext): Doc {
  const tableConst = ctx.tableConsts.get(tableKey({ name: p.table, schema: p.schema ?? null }))
  const table = tableConst ? [{ key: 'table', value: text(tableConst) }] : [{ key: 'table', value: str(p.table) }, ...(p.schema ? [{ key: 'schema', value: str(p.schema) }] : [])]
  return call(ctx.imports.use('policy'), str(p.name), object([...table, ...policyEntries(p, ctx.imports)]))
}

function importStatement(names: string[]): string {
  const line = `import { ${names.join(', ')} } from 'strata-db'`
  if (line.length <= PRINT_WIDTH) return line
  return `import {\n${names.map((n) => `  ${n},\n`).join('')}} from 'strata-db'`
}
