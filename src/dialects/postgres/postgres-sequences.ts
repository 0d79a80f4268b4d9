/**
 * Sequences on PostgreSQL. A serial column's or identity column's own sequence belongs to its column (the column
 * is reflected as serial or identity), so it is never reflected as a declared sequence.
 */
import type { SequenceOperation } from '../../operations/object-kinds.js'
import type { SequenceModel } from '../../schema/model.js'
import { effectiveSequence, withoutDefaults } from '../../schema/sequence.js'
import { qualify, quoteIdentifier } from './postgres-quote.js'

function ownerSql(ownedBy: string | null | undefined, schema: string | null | undefined): string {
  if (!ownedBy) return 'OWNED BY NONE'
  const [table, column] = ownedBy.split('.') as [string, string]
  return `OWNED BY ${qualify(table, schema)}.${quoteIdentifier(column)}`
}

/** The option clauses that take `to` from `from` (every clause when `from` is absent). */
function optionClauses(to: SequenceModel, from: SequenceModel | null): string[] {
  const want = effectiveSequence(to)
  const had = from ? effectiveSequence(from) : null
  const clauses: string[] = []
  const changed = (key: 'increment' | 'min' | 'max' | 'start' | 'cache' | 'cycle') => !had || had[key] !== want[key]
  if (changed('increment')) clauses.push(`INCREMENT BY ${want.increment}`)
  if (changed('min')) clauses.push(`MINVALUE ${want.min}`)
  if (changed('max')) clauses.push(`MAXVALUE ${want.max}`)
  if (changed('start')) clauses.push(`START WITH ${want.start}`)
  if (changed('cache')) clauses.push(`CACHE ${want.cache}`)
  if (changed('cycle')) clauses.push(want.cycle ? 'CYCLE' : 'NO CYCLE')
  return clauses
}

export function compilePostgresSequence(op: SequenceOperation): string[] {
  switch (op.kind) {
    case 'createSequence': {
      const s = op.sequence
      const owner = s.ownedBy ? [ownerSql(s.ownedBy, s.schema)] : []
      return [[`CREATE SEQUENCE ${qualify(s.name, s.schema)}`, ...optionClauses(s, null), ...owner].join(' ')]
    }
    case 'dropSequence':
      return [`DROP SEQUENCE ${qualify(op.name, op.schema)}`]
    case 'alterSequence': {
      const s = op.sequence
      // Without the old options every option is restated; START WITH never restarts the sequence.
      const clauses = optionClauses(s, op.existing ?? null)
      if (!op.existing || (op.existing.ownedBy ?? null) !== (s.ownedBy ?? null)) clauses.push(ownerSql(s.ownedBy, s.schema))
      return clauses.length ? [`ALTER SEQUENCE ${qualify(s.name, s.schema)} ${clauses.join(' ')}`] : []
    }
  }
}

/**
 * A sequence as `serial` makes it: named `<table>_<column>_seq` (or a longer name the server shortened), starting
 * at 1 and counting by 1. An owned sequence named or started otherwise is a sequence of its own (`sequence()` with
 * `ownedBy`, and a nextval default): written as a serial, a fresh database would name it the serial way and start
 * it at 1, and new values would collide with the old ones.
 */
export const SERIAL_SEQUENCE = (seqClass: string, seq: string, table: string, column: string) =>
  `${seq}.seqstart = 1 AND ${seq}.seqincrement = 1 AND (${seqClass}.relname = ${table} || '_' || ${column} || '_seq' OR octet_length(${table} || '_' || ${column} || '_seq') > 63)`

// A sequence owned by a column whose default calls nextval() is that column's serial sequence (if serial-like, see
// above). A subquery of the objects query (postgres-objects.ts): introspection keeps its fixed number of queries.
export const SEQUENCES_JSON = `SELECT COALESCE(json_agg(json_build_object(
    'name', c.relname, 'nsp', c.relnamespace, 'start', s.seqstart::text, 'increment', s.seqincrement::text,
    'min', s.seqmin::text, 'max', s.seqmax::text, 'cache', s.seqcache::text, 'cycle', s.seqcycle,
    'owned_by', (SELECT t.relname || '.' || a.attname FROM pg_depend d
       JOIN pg_class t ON t.oid = d.refobjid JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
       WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.refclassid = 'pg_class'::regclass AND d.deptype = 'a')
  ) ORDER BY c.relname), '[]')
FROM pg_class c JOIN pg_sequence s ON s.seqrelid = c.oid
WHERE c.relkind = 'S' AND c.relnamespace = ANY($1::oid[])
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('i', 'e'))
  AND NOT EXISTS (SELECT 1 FROM pg_depend d JOIN pg_attrdef ad ON ad.adrelid = d.refobjid AND ad.adnum = d.refobjsubid
     JOIN pg_class t ON t.oid = d.refobjid JOIN pg_attribute at ON at.attrelid = d.refobjid AND at.attnum = d.refobjsubid
     WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'a' AND pg_get_expr(ad.adbin, ad.adrelid) LIKE 'nextval(%'
       AND ${SERIAL_SEQUENCE('c', 's', 't.relname', 'at.attname')})`

export interface SequenceRow {
  name: string
  nsp: number
  start: string
  increment: string
  min: string
  max: string
  cache: string
  cycle: boolean
  owned_by: string | null
}

/** Reflected sequences, with the options that are the server's defaults left out. */
export function reflectPostgresSequences(rows: SequenceRow[], schemaOf: (nsp: number) => string | null): SequenceModel[] {
  return rows.map((r) =>
    withoutDefaults({
      name: r.name,
      schema: schemaOf(Number(r.nsp)),
      start: r.start,
      increment: r.increment,
      min: r.min,
      max: r.max,
      cache: r.cache,
      cycle: r.cycle,
      ...(r.owned_by ? { ownedBy: r.owned_by } : {}),
    }),
  )
}
