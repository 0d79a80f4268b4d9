/**
 * Partitioned tables (PostgreSQL): `PARTITION BY` on the parent, `PARTITION OF … FOR VALUES` for each partition,
 * new bounds by DETACH + ATTACH (the rows stay; the server checks them against the new bound). Reflected from
 * pg_partitioned_table and pg_inherits, bounds parsed from the server's `FOR VALUES …` text.
 */
import type { Connection } from '../dialect.js'
import type { PartitionOperation } from '../../operations/object-kinds.js'
import type { PartitionBound, PartitionByModel, PartitionKind, PartitionModel, PartitionValue } from '../../schema/model.js'
import { qualify, quoteIdentifier, quoteLiteral } from './postgres-quote.js'

export function partitionByClause(by: PartitionByModel): string {
  return ` PARTITION BY ${by.kind.toUpperCase()} (${by.columns.map(quoteIdentifier).join(', ')})`
}

function valueSql(value: PartitionValue): string {
  if (value !== null && typeof value === 'object') return value.bound.toUpperCase()
  return quoteLiteral(value)
}

const valueList = (values: PartitionValue[]) => `(${values.map(valueSql).join(', ')})`

/** `FOR VALUES FROM (…) TO (…)`, `FOR VALUES IN (…)`, `FOR VALUES WITH (MODULUS m, REMAINDER r)` or `DEFAULT`. */
export function boundSql(bound: PartitionBound): string {
  switch (bound.kind) {
    case 'default':
      return 'DEFAULT'
    case 'range':
      return `FOR VALUES FROM ${valueList(bound.from)} TO ${valueList(bound.to)}`
    case 'list':
      return `FOR VALUES IN ${valueList(bound.in)}`
    case 'hash':
      return `FOR VALUES WITH (MODULUS ${bound.modulus}, REMAINDER ${bound.remainder})`
  }
}

export function compilePostgresPartition(op: PartitionOperation): string[] {
  switch (op.kind) {
    case 'createPartition': {
      const p = op.partition
      return [`CREATE TABLE ${qualify(p.name, p.schema)} PARTITION OF ${qualify(p.parent, p.schema)} ${boundSql(p.bound)}`]
    }
    case 'dropPartition':
      return [`DROP TABLE ${qualify(op.name, op.schema)}`]
    case 'alterPartitionBound': {
      const p = op.partition
      const parent = `ALTER TABLE ${qualify(p.parent, p.schema)}`
      return [`${parent} DETACH PARTITION ${qualify(p.name, p.schema)}`, `${parent} ATTACH PARTITION ${qualify(p.name, p.schema)} ${boundSql(p.bound)}`]
    }
  }
}

/** The server's literal tokens of a bound: quoted strings, bare numbers, true/false, NULL, MINVALUE/MAXVALUE. */
function parseValues(list: string): PartitionValue[] {
  const values: PartitionValue[] = []
  const token = /\s*(?:'((?:[^']|'')*)'|([^,'\s][^,]*?))\s*(?:,|$)/gy
  let match: RegExpExecArray | null
  while (token.lastIndex < list.length && (match = token.exec(list)) !== null) {
    if (match[1] !== undefined) values.push(match[1].replaceAll("''", "'"))
    else values.push(bareValue(match[2]!.trim()))
  }
  return values
}

function bareValue(word: string): PartitionValue {
  const lower = word.toLowerCase()
  if (lower === 'minvalue' || lower === 'maxvalue') return { bound: lower }
  if (lower === 'null') return null
  if (lower === 'true' || lower === 'false') return lower === 'true'
  const number = Number(word)
  return Number.isFinite(number) && String(number) === word ? number : word
}

/** Reads `pg_get_expr(relpartbound)`: the inverse of boundSql. */
export function parseBound(text: string): PartitionBound {
  const trimmed = text.trim()
  if (/^DEFAULT$/i.test(trimmed)) return { kind: 'default' }
  const range = /^FOR VALUES FROM \((.*)\) TO \((.*)\)$/is.exec(trimmed)
  if (range) return { kind: 'range', from: parseValues(range[1]!), to: parseValues(range[2]!) }
  const list = /^FOR VALUES IN \((.*)\)$/is.exec(trimmed)
  if (list) return { kind: 'list', in: parseValues(list[1]!) }
  const hash = /^FOR VALUES WITH \(modulus (\d+), remainder (\d+)\)$/i.exec(trimmed)
  if (hash) return { kind: 'hash', modulus: Number(hash[1]), remainder: Number(hash[2]) }
  throw new Error(`cannot read the partition bound '${text}'`)
}

const STRATEGIES: Record<string, PartitionKind> = { r: 'range', l: 'list', h: 'hash' }

/**
 * Partition keys of partitioned tables and their (first-level) partitions, one query. Keys on expressions are not
 * modelled: only their plain columns are read.
 */
const PARTITIONS_SQL = `
SELECT
  (SELECT COALESCE(json_agg(json_build_object('oid', p.partrelid, 'strategy', p.partstrat,
      'columns', ARRAY(SELECT a.attname::text FROM unnest(p.partattrs::int2[]) WITH ORDINALITY AS k(num, ord)
                       JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = k.num ORDER BY k.ord))), '[]')
     FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid
     WHERE c.relnamespace = ANY($1::oid[]) AND NOT c.relispartition) AS keys,
  (SELECT COALESCE(json_agg(json_build_object('name', c.relname, 'nsp', c.relnamespace, 'parent', pc.relname,
      'bound', pg_get_expr(c.relpartbound, c.oid)) ORDER BY c.relname), '[]')
     FROM pg_class c JOIN pg_inherits i ON i.inhrelid = c.oid JOIN pg_class pc ON pc.oid = i.inhparent
     WHERE c.relispartition AND c.relkind IN ('r', 'p') AND NOT pc.relispartition AND c.relnamespace = ANY($1::oid[])) AS partitions`

export interface PostgresPartitions {
  /** Partition keys by the partitioned table's oid. */
  keys: Map<number, PartitionByModel>
  partitions: PartitionModel[]
}

export async function introspectPostgresPartitions(connection: Connection, oids: number[], schemaOf: (nsp: number) => string | null): Promise<PostgresPartitions> {
  type Row = { keys: Array<{ oid: number; strategy: string; columns: string[] }>; partitions: Array<{ name: string; nsp: number; parent: string; bound: string }> }
  const [row] = await connection.query<Row>(PARTITIONS_SQL, [oids])
  const keys = new Map<number, PartitionByModel>()
  for (const k of row?.keys ?? []) keys.set(Number(k.oid), { kind: STRATEGIES[k.strategy] ?? 'range', columns: k.columns })
  const partitions = (row?.partitions ?? []).map((p): PartitionModel => ({ name: p.name, schema: schemaOf(Number(p.nsp)), parent: p.parent, bound: parseBound(p.bound) }))
  return { keys, partitions }
}
