import type { SchemaDialect } from './validate.js'
import type { PartitionModel, SchemaModel, TableModel } from './model.js'
import { findTable, qualifiedName } from './model.js'

/** Partitioned tables where the database has none, and partitions that do not fit their parent: one line, or null. */
export function partitionProblem(model: SchemaModel, dialect: SchemaDialect): string | null {
  const { displayName } = dialect.schemaRules
  if (!dialect.features.partitionedTables) {
    const table = model.tables.find((t) => t.partitionBy)
    const name = table?.name ?? model.partitions?.[0]?.name
    if (name !== undefined)
      return `table '${name}': partitioned tables are supported on PostgreSQL only, not ${displayName}: declare it without partitionBy/partition() in a schema for ${displayName}`
    return null
  }
  for (const p of model.partitions ?? []) {
    const found = partitionMisfit(p, model)
    if (found) return `partition '${qualifiedName(p.name, p.schema)}': ${found}`
  }
  return null
}

function partitionMisfit(p: PartitionModel, model: SchemaModel): string | null {
  const parent: TableModel | undefined = findTable(model, p.parent, p.schema)
  if (findTable(model, p.name, p.schema)) return 'a table has the same name: rename one'
  if (!parent) return `its parent table '${qualifiedName(p.parent, p.schema)}' is not declared: export the table too`
  const by = parent.partitionBy
  if (!by) return `table '${p.parent}' is not partitioned: give it table(…, { partitionBy: { kind, columns } })`
  const { bound } = p
  if (bound.kind === 'default') return by.kind === 'hash' ? `a hash-partitioned table has no default partition` : null
  if (bound.kind !== by.kind) return `'${p.parent}' is partitioned by ${by.kind}; the values must be ${VALUES_FOR[by.kind]}`
  if (bound.kind === 'range' && (bound.from.length !== by.columns.length || bound.to.length !== by.columns.length))
    return `'${p.parent}' has ${by.columns.length} key column(s): from and to need one value each`
  return null
}

const VALUES_FOR = { range: '{ from, to }', list: '{ in: [...] }', hash: '{ modulus, remainder }' }
