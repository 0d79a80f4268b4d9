/** Type names and identifiers in the server's own spelling, shared by the expression parser and renderer. */

const TYPE_ALIASES: Record<string, string> = {
  int: 'integer',
  int4: 'integer',
  integer: 'integer',
  int2: 'smallint',
  smallint: 'smallint',
  int8: 'bigint',
  bigint: 'bigint',
  float8: 'double precision',
  'double precision': 'double precision',
  float4: 'real',
  real: 'real',
  bool: 'boolean',
  boolean: 'boolean',
  varchar: 'character varying',
  'character varying': 'character varying',
  'char varying': 'character varying',
  char: 'character',
  character: 'character',
  decimal: 'numeric',
  numeric: 'numeric',
  timestamptz: 'timestamp with time zone',
  timetz: 'time with time zone',
}

/** The server's spelling of a type name (`int4` → `integer`, `timestamptz(3)` → `timestamp(3) with time zone`). */
export function canonicalTypeName(base: string, args: string[], zone: 'with' | 'without' | null, arrayDims: number): string {
  let name = TYPE_ALIASES[base] ?? base
  let tz = zone
  if (name === 'timestamp with time zone' || name === 'time with time zone') {
    name = name.split(' ')[0]!
    tz = 'with'
  }
  if (name === 'float') name = args.length && Number(args[0]) <= 24 ? 'real' : 'double precision'
  if (name === 'float' || name === 'real' || name === 'double precision') args = []
  let text = args.length ? `${name}(${args.join(',')})` : name
  if (name === 'timestamp' || name === 'time') text += tz === 'with' ? ' with time zone' : ' without time zone'
  return text + '[]'.repeat(arrayDims)
}

/** Words the server quotes when it prints an identifier (reserved and type/function-name keywords). */
const RESERVED = new Set(
  (
    'all analyse analyze and any array as asc asymmetric both case cast check collate column constraint create ' +
    'current_catalog current_date current_role current_time current_timestamp current_user default deferrable desc ' +
    'distinct do else end except false fetch for foreign from grant group having in initially intersect into lateral ' +
    'leading limit localtime localtimestamp not null offset on only or order placing primary references returning ' +
    'select session_user some symmetric table then to trailing true union unique user using variadic when where ' +
    'window with authorization binary collation concurrently cross current_schema freeze full ilike inner is isnull ' +
    'join left like natural notnull outer overlaps right similar tablesample verbose between bigint bit boolean char ' +
    'character coalesce dec decimal exists extract float greatest grouping inout int integer interval least national ' +
    'nchar none normalize nullif numeric out overlay position precision real row setof smallint substring time ' +
    'timestamp treat trim values varchar'
  ).split(' '),
)

/** An identifier as the server prints it: bare when it is a plain lower-case word, quoted otherwise. */
export function quoteIfNeeded(name: string, _quoted = false): string {
  if (/^[a-z_][a-z0-9_$]*$/.test(name) && !RESERVED.has(name)) return name
  return `"${name.replaceAll('"', '""')}"`
}
