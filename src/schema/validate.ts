/**
 * Schema mistakes a database would only report at upgrade time (or, for a default, at the first insert), caught
 * when the schema loads for that database: names past its identifier limit, two objects of one table with the same
 * name, one index name on two tables where index names share a namespace, defaults calling functions the
 * database does not have, functions or procedures where it has none, and partitioned tables where it has none or
 * a partition that does not fit its parent. Each message names the table and column or object.
 */
import type { Dialect } from '../dialects/dialect.js'
import type { SchemaModel, TableModel } from './model.js'
import { unsupportedDetailIn } from './validate-details.js'
import { partitionProblem } from './validate-partitions.js'

export type SchemaDialect = Pick<Dialect, 'maxIdentifierLength' | 'schemaRules' | 'features'>

/** Throws an Error (one line) for the first mistake found. */
export function validateSchemaFor(model: SchemaModel, dialect: SchemaDialect): void {
  const problem = firstProblem(model, dialect)
  if (problem) throw new Error(problem)
}

function firstProblem(model: SchemaModel, dialect: SchemaDialect): string | null {
  for (const table of model.tables) {
    const found = tooLongIn(table, dialect) ?? sameNameTwice(table) ?? missingFunctionIn(table, dialect) ?? unsupportedDetailIn(table, dialect.schemaRules)
    if (found) return found
  }
  for (const e of model.enums) {
    const found = tooLong(e.name, `enum '${e.name}'`, dialect)
    if (found) return found
  }
  const partitioned = partitionProblem(model, dialect)
  if (partitioned) return partitioned
  const routine = model.routines?.[0]
  if (routine && !dialect.features.storedRoutines)
    return `${dialect.schemaRules.displayName} has no stored functions or procedures (${routine.kind} '${routine.name}'): declare them only in a schema for PostgreSQL or MySQL`
  const objects = unsupportedObject(model, dialect)
  if (objects) return objects
  return dialect.schemaRules.indexNamesPerTable ? null : indexOnTwoTables(model, dialect)
}

/** Sequences and materialized views where the database has none (and a sequence owned by the column it feeds). */
function unsupportedObject(model: SchemaModel, dialect: SchemaDialect): string | null {
  const { displayName } = dialect.schemaRules
  const sequence = model.sequences?.[0]
  if (sequence && !dialect.features.sequences)
    return `${displayName} has no sequences (sequence '${sequence.name}'): declare sequences only in a schema for PostgreSQL`
  const materialized = model.views?.find((v) => v.materialized)
  if (materialized && !dialect.features.materializedViews)
    return `${displayName} has no materialized views (materialized view '${materialized.name}'): declare them only in a schema for PostgreSQL, or use view()`
  for (const s of model.sequences ?? []) {
    const found = tooLong(s.name, `sequence '${s.name}'`, dialect) ?? serialInDisguise(model, s)
    if (found) return found
  }
  return null
}

/**
 * A sequence owned by the column whose default draws from it, named `<table>_<column>_seq` and counting from 1 by
 * 1, is what a serial column is: the server cannot tell them apart (the introspector reads it as a serial). Named
 * or started otherwise it is a sequence of its own (pull writes it so).
 */
function serialInDisguise(model: SchemaModel, s: NonNullable<SchemaModel['sequences']>[number]): string | null {
  if (!s.ownedBy) return null
  const [tableName, columnName] = s.ownedBy.split('.') as [string, string]
  const serialName = `${tableName}_${columnName}_seq`
  const serialLike = (s.name === serialName || Buffer.byteLength(serialName) > 63) && String(s.start ?? 1) === '1' && String(s.increment ?? 1) === '1'
  if (!serialLike) return null
  const column = model.tables.find((t) => t.name === tableName && (t.schema ?? null) === (s.schema ?? null))?.columns.find((c) => c.name === columnName)
  if (column?.default?.kind !== 'sql' || !new RegExp(`nextval\\s*\\(\\s*'[^']*\\b${s.name}\\b`, 'i').test(column.default.sql)) return null
  return `sequence '${s.name}' is owned by '${s.ownedBy}', whose default draws from it: that is a serial column: declare the column customType('serial'), or drop ownedBy`
}

function tooLong(name: string, what: string, dialect: SchemaDialect): string | null {
  const { identifierLengthUnit: unit, displayName } = dialect.schemaRules
  const length = unit === 'bytes' ? Buffer.byteLength(name) : [...name].length
  if (length <= dialect.maxIdentifierLength) return null
  return `${what}: the name is ${length} ${unit} long; ${displayName} allows at most ${dialect.maxIdentifierLength}: shorten it`
}

/** The names of a table's constraints and indexes (labels cost more: `namedObjects` when a message needs them). */
function objectNames(table: TableModel): string[] {
  const names = table.primaryKey?.name ? [table.primaryKey.name] : []
  for (const item of table.indexes) names.push(item.name)
  for (const item of table.uniques) names.push(item.name)
  for (const item of table.foreignKeys) names.push(item.name)
  for (const item of table.checks) names.push(item.name)
  return names
}

/** The named objects of a table, each with how a message names it (`index 'ix_a'`). */
function namedObjects(table: TableModel): Array<{ name: string; label: string }> {
  return [
    ...(table.primaryKey?.name ? [{ name: table.primaryKey.name, label: `primary key '${table.primaryKey.name}'` }] : []),
    ...table.indexes.map((i) => ({ name: i.name, label: `index '${i.name}'` })),
    ...table.uniques.map((u) => ({ name: u.name, label: `unique constraint '${u.name}'` })),
    ...table.foreignKeys.map((f) => ({ name: f.name, label: `foreign key '${f.name}'` })),
    ...table.checks.map((c) => ({ name: c.name, label: `check '${c.name}'` })),
  ]
}

function tooLongIn(table: TableModel, dialect: SchemaDialect): string | null {
  // A label is written only for a name that is too long (17,000 names at 1,000 tables, all fine).
  if (tooLongName(table.name, dialect)) return tooLong(table.name, `table '${table.name}'`, dialect)
  for (const c of table.columns) if (tooLongName(c.name, dialect)) return tooLong(c.name, `column '${table.name}.${c.name}'`, dialect)
  if (!objectNames(table).some((name) => tooLongName(name, dialect))) return null
  for (const { name, label } of namedObjects(table)) if (tooLongName(name, dialect)) return tooLong(name, `${label} on table '${table.name}'`, dialect)
  return null
}

function tooLongName(name: string, dialect: SchemaDialect): boolean {
  const max = dialect.maxIdentifierLength
  // Bounds first (17,000 names at 1,000 tables, nearly all short): a string has at most as many characters as
  // UTF-16 units, and at most 3 UTF-8 bytes per unit.
  if (dialect.schemaRules.identifierLengthUnit === 'bytes') return name.length * 3 > max && Buffer.byteLength(name) > max
  return name.length > max && [...name].length > max
}

/** Two constraints or indexes of one table with one name (a name given twice, or a generated name given again). */
function sameNameTwice(table: TableModel): string | null {
  const names = objectNames(table)
  if (new Set(names).size === names.length) return null
  const seen = new Map<string, string>()
  for (const { name, label } of namedObjects(table)) {
    const earlier = seen.get(name)
    if (earlier) return `table '${table.name}': ${earlier} and ${label} have the same name: name one of them`
    seen.set(name, label)
  }
  return null
}

function indexOnTwoTables(model: SchemaModel, dialect: SchemaDialect): string | null {
  const owner = new Map<string, string>()
  for (const table of model.tables)
    for (const index of table.indexes) {
      const key = `${table.schema ?? ''}.${index.name}`
      const other = owner.get(key)
      if (other !== undefined && other !== table.name)
        return `index '${index.name}' is declared on tables '${other}' and '${table.name}'; ${dialect.schemaRules.displayName} keeps index names unique per schema (MySQL alone allows this): rename one`
      owner.set(key, table.name)
    }
  return null
}

/** Function calls in SQL text, outside string literals and quoted names: `now()` → 'now'. */
function calledFunctions(sql: string): string[] {
  const code = sql.replace(/'(?:[^']|'')*'|"(?:[^"]|"")*"|`[^`]*`/g, ' ')
  return [...code.matchAll(/([A-Za-z_][A-Za-z0-9_]*)\s*\(/g)].map((m) => m[1]!.toLowerCase())
}

function missingFunctionIn(table: TableModel, dialect: SchemaDialect): string | null {
  const { missingFunctions, displayName } = dialect.schemaRules
  for (const column of table.columns) {
    if (column.default?.kind !== 'sql') continue
    for (const name of calledFunctions(column.default.sql)) {
      const instead = missingFunctions[name]
      if (instead !== undefined)
        return `column '${table.name}.${column.name}': the default sql\`${column.default.sql}\` calls ${name}(), which ${displayName} does not have (every insert would fail): use sql\`${instead}\`, which every dialect accepts`
    }
  }
  return null
}
