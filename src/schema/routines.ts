import type { RoutineModel, TriggerEvent, TriggerModel } from './model.js'
import { type SqlFragment, isSqlFragment } from './sql.js'
import { type Table, isTable, tableDefinition } from './table.js'

type Text = string | SqlFragment

const textOf = (value: Text): string => (isSqlFragment(value) ? value.text : value).trim()

export interface RoutineOptions {
  schema?: string
  /** The argument list as SQL: `'a integer, b text'` (default: none). */
  args?: string
  language?: string
  body: Text
  volatility?: 'volatile' | 'stable' | 'immutable'
  security?: 'invoker' | 'definer'
  /** The old name: renamed while the database still has it under that name. */
  renamedFrom?: string
}

export interface FunctionOptions extends RoutineOptions {
  returns: string
}

export interface TriggerOptions {
  /** The table: its `table()` value or its name. */
  table: Table | string
  timing: 'before' | 'after' | 'instead of'
  events: TriggerEvent[]
  /** SQLite, PostgreSQL: the update event fires only when one of these columns (database names) is set. */
  updateOf?: string[]
  forEach?: 'row' | 'statement'
  when?: Text
  /** SQLite, MySQL: the statements the trigger runs. */
  body?: Text
  /** PostgreSQL: the trigger function (its `sqlFunction()` value or its name). */
  function?: Routine | string
  /** PostgreSQL: strings passed to the trigger function (`TG_ARGV`), e.g. `tsvector_update_trigger`'s column names. */
  arguments?: string[]
  /** The old name: renamed while the database still has it under that name. */
  renamedFrom?: string
}

/** A function or procedure declared in a schema file. */
export interface Routine {
  readonly routineName: string
  /** @internal */ readonly model: RoutineModel
}

export interface Trigger {
  readonly triggerName: string
  /** @internal */ readonly model: TriggerModel
}

const ROUTINE_MARK = Symbol.for('strata.routine')
const TRIGGER_MARK = Symbol.for('strata.trigger')

function brand<T extends object>(value: T, mark: symbol): T {
  Object.defineProperty(value, mark, { value: true })
  return value
}

/** Builds a routine's model; shared by the DSL and the `op` API. */
export function routineModel(kind: RoutineModel['kind'], name: string, options: RoutineOptions & { returns?: string }): RoutineModel {
  const body = textOf(options.body)
  if (!body) throw new Error(`${kind === 'function' ? 'sqlFunction' : 'procedure'}('${name}') needs a body`)
  if (kind === 'function' && !options.returns) throw new Error(`sqlFunction('${name}') needs returns`)
  const model: RoutineModel = { kind, name, schema: options.schema ?? null, args: (options.args ?? '').trim(), language: (options.language ?? 'sql').toLowerCase(), body }
  if (kind === 'function') model.returns = options.returns!.trim()
  if (options.volatility) model.volatility = options.volatility
  if (options.security) model.security = options.security
  if (options.renamedFrom) model.renamedFrom = options.renamedFrom
  return model
}

export function sqlFunction(name: string, options: FunctionOptions): Routine {
  return brand({ routineName: name, model: routineModel('function', name, options) }, ROUTINE_MARK)
}

export function procedure(name: string, options: RoutineOptions): Routine {
  return brand({ routineName: name, model: routineModel('procedure', name, options) }, ROUTINE_MARK)
}

function tableNameOf(table: TriggerOptions['table']): { name: string; schema: string | null } {
  if (typeof table === 'string') return { name: table, schema: null }
  if (!isTable(table)) throw new Error('trigger: table must be a table() value or a table name')
  const definition = tableDefinition(table)
  return { name: definition.name, schema: definition.options.schema ?? null }
}

/** Builds a trigger's model; shared by the DSL and the `op` API. */
export function triggerModel(name: string, options: TriggerOptions & { schema?: string }): TriggerModel {
  const table = tableNameOf(options.table)
  if (options.events.length === 0) throw new Error(`trigger('${name}') needs at least one event`)
  if (!options.body === !options.function) throw new Error(`trigger('${name}') needs a body (SQLite, MySQL) or a function (PostgreSQL), not both`)
  const model: TriggerModel = {
    name,
    schema: options.schema ?? table.schema,
    table: table.name,
    timing: options.timing,
    events: [...options.events],
    forEach: options.forEach ?? 'row',
  }
  if (options.updateOf?.length) {
    if (!options.events.includes('update')) throw new Error(`trigger('${name}'): updateOf needs the 'update' event`)
    model.updateOf = [...options.updateOf]
  }
  if (options.when) model.when = textOf(options.when)
  if (options.body) model.body = textOf(options.body).replace(/;\s*$/u, '')
  if (options.function) {
    const fn = options.function
    model.function = typeof fn === 'string' ? fn : fn.model.schema && fn.model.schema !== model.schema ? `${fn.model.schema}.${fn.model.name}` : fn.model.name
  }
  if (options.arguments?.length) {
    if (!options.function) throw new Error(`trigger('${name}'): arguments are passed to a trigger function (PostgreSQL): declare function too`)
    if (!options.arguments.every((a) => typeof a === 'string')) throw new Error(`trigger('${name}'): arguments must be strings`)
    model.arguments = [...options.arguments]
  }
  if (options.renamedFrom) model.renamedFrom = options.renamedFrom
  return model
}

export function trigger(name: string, options: TriggerOptions): Trigger {
  return brand({ triggerName: name, model: triggerModel(name, options) }, TRIGGER_MARK)
}

export function isRoutine(value: unknown): value is Routine {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[ROUTINE_MARK] === true
}

export function isTrigger(value: unknown): value is Trigger {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[TRIGGER_MARK] === true
}
