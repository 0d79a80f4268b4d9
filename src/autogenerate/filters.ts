import type { TableModel } from '../schema/model.js'
import { tableKey } from '../schema/model.js'
import { type CompareOptions, type ComparedObjectType, STRATA_TABLES } from './types.js'

/** A simple glob (`*` any run of characters, `?` one character) as an anchored regular expression. */
export function globToRegExp(pattern: string): RegExp {
  let source = ''
  for (const ch of pattern) {
    if (ch === '*') source += '.*'
    else if (ch === '?') source += '.'
    else source += ch.replace(/[.+^${}()|[\]\\/-]/g, '\\$&')
  }
  return new RegExp(`^${source}$`)
}

function matchesAny(patterns: RegExp[], table: { name: string; schema?: string | null }): boolean {
  const qualified = tableKey(table)
  // A table without a schema has its name as its key: one test is enough (twice per table, every table).
  for (const p of patterns) if (p.test(table.name) || (qualified !== table.name && p.test(qualified))) return true
  return false
}

/** Decides which tables and objects take part in a comparison. */
export class CompareScope {
  private readonly include: RegExp[]
  private readonly exclude: RegExp[]
  private readonly ignored: RegExp[]

  constructor(private readonly options: CompareOptions) {
    this.include = (options.include ?? []).map(globToRegExp)
    this.exclude = (options.exclude ?? []).map(globToRegExp)
    this.ignored = [...STRATA_TABLES, ...(options.ignoreTables ?? [])].map(globToRegExp)
  }

  /** strata's own tables and tables outside include/exclude: never created, dropped, renamed or altered. */
  tableInScope(table: { name: string; schema?: string | null }): boolean {
    if (matchesAny(this.ignored, table)) return false
    if (this.include.length > 0 && !matchesAny(this.include, table)) return false
    return !matchesAny(this.exclude, table)
  }

  /** True when the user's includeObject hook may leave objects out. */
  get hasObjectHook(): boolean {
    return this.options.includeObject !== undefined
  }

  /** The user's includeObject hook; true when there is none. */
  includes(type: ComparedObjectType, object: { name: string; schema?: string | null }, table: TableModel | null, reflected: boolean, compareTo: unknown): boolean {
    const hook = this.options.includeObject
    if (!hook) return true
    const schema = table ? (table.schema ?? null) : (object.schema ?? null)
    return hook({
      type,
      name: object.name,
      ...(table ? { table: table.name } : {}),
      schema,
      reflected,
      compareTo: compareTo ?? null,
    })
  }
}
