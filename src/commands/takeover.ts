/**
 * Taking over a database another migration tool manages: its history table is found, its last applied migration
 * is recorded in strata's history by the baseline, and its tables stay out of compare and pull.
 */
import type { Connection, Dialect } from '../dialects/dialect.js'
import type { VersionStore } from '../runtime/version-store.js'

export type ForeignTool = 'alembic' | 'drizzle-kit' | 'prisma' | 'knex' | 'typeorm'

export interface ForeignHistory {
  tool: ForeignTool
  /** The tool's tables (excluded from compare and pull). */
  tables: string[]
  /** Its last applied migration(s): Alembic's heads, drizzle's hash, Prisma's/knex's/TypeORM's name. */
  applied: string[]
}

interface ToolTable {
  tool: ForeignTool
  table: string
  /** PostgreSQL schema drizzle-kit keeps its table in. */
  schema?: string
  /** Columns that identify the tool's table (TypeORM's `migrations` is a common name). */
  columns: string[]
  extraTables?: string[]
  /** The last applied migration(s); `t` is the quoted table. */
  lastApplied: (t: string) => string
}

const TOOLS: ToolTable[] = [
  { tool: 'alembic', table: 'alembic_version', columns: ['version_num'], lastApplied: (t) => `SELECT version_num AS v FROM ${t} ORDER BY version_num` },
  // drizzle-kit keeps its table in the `drizzle` schema on PostgreSQL (schemas mean nothing elsewhere), or in the
  // database itself.
  { tool: 'drizzle-kit', table: '__drizzle_migrations', schema: 'drizzle', columns: ['hash', 'created_at'], lastApplied: (t) => `SELECT hash AS v FROM ${t} ORDER BY created_at DESC, id DESC LIMIT 1` },
  { tool: 'drizzle-kit', table: '__drizzle_migrations', columns: ['hash', 'created_at'], lastApplied: (t) => `SELECT hash AS v FROM ${t} ORDER BY created_at DESC, id DESC LIMIT 1` },
  {
    tool: 'prisma',
    table: '_prisma_migrations',
    columns: ['migration_name', 'finished_at'],
    lastApplied: (t) => `SELECT migration_name AS v FROM ${t} WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY finished_at DESC, migration_name DESC LIMIT 1`,
  },
  { tool: 'knex', table: 'knex_migrations', columns: ['name', 'batch'], extraTables: ['knex_migrations_lock'], lastApplied: (t) => `SELECT name AS v FROM ${t} ORDER BY id DESC LIMIT 1` },
  { tool: 'typeorm', table: 'migrations', columns: ['timestamp', 'name'], lastApplied: (t) => `SELECT name AS v FROM ${t} ORDER BY ${'timestamp'} DESC LIMIT 1` },
]

/** The other tool whose history table the database holds, if any (the first found, in the order above). */
export async function detectForeignHistory(connection: Connection, dialect: Dialect): Promise<ForeignHistory | null> {
  for (const candidate of TOOLS) {
    const wanted = new Set([candidate.table])
    const model = await dialect.introspect(connection, {
      ...(candidate.schema ? { schemas: [candidate.schema] } : {}),
      excludeTables: (name) => !wanted.has(name),
    })
    const table = model.tables.find((t) => t.name === candidate.table)
    if (!table) continue
    const names = new Set(table.columns.map((c) => c.name))
    if (!candidate.columns.every((c) => names.has(c))) continue
    const quoted = table.schema ? `${dialect.quoteIdentifier(table.schema)}.${dialect.quoteIdentifier(table.name)}` : dialect.quoteIdentifier(table.name)
    const rows = await connection.query<{ v: unknown }>(candidate.lastApplied(quoted))
    return { tool: candidate.tool, tables: [candidate.table, ...(candidate.extraTables ?? [])], applied: rows.map((r) => String(r.v)) }
  }
  return null
}

/** Records in strata's history which migration of the other tool the baseline takes over from. */
export async function recordTakeover(connection: Connection, store: VersionStore, revision: string, foreign: ForeignHistory): Promise<void> {
  const now = new Date().toISOString()
  const last = foreign.applied.length > 0 ? foreign.applied.join(', ') : 'none applied'
  await connection.execute(
    store.historyInsert({
      revision,
      direction: 'up',
      checksum: null,
      message: `baseline: takes over from ${foreign.tool} (last applied: ${last})`.slice(0, 255),
      started_at: now,
      finished_at: now,
      duration_ms: null,
      status: 'done',
      statements_done: 0,
      error: null,
    }),
  )
}
