import type { MaterializedViewIndex, ViewCheckOption, ViewModel } from './model.js'
import { type SqlFragment, isSqlFragment } from './sql.js'

export interface ViewOptions {
  schema?: string
  /** Names for the view's columns (`CREATE VIEW v (a, b) AS …`). */
  columns?: string[]
  /** `WITH LOCAL | CASCADED CHECK OPTION` (PostgreSQL, MySQL). */
  checkOption?: ViewCheckOption
  /** The view's old name: renamed while the database still has it under that name. */
  renamedFrom?: string
}

/** A view declared in a schema file: `export const activeCustomers = view('active_customers', sql\`select …\`)`. */
export interface View {
  readonly viewName: string
  /** @internal */ readonly model: ViewModel
}

const VIEW_MARK = Symbol.for('strata.view')

/** Builds the model of a view; shared by the DSL and the `op` API. */
export function viewModel(name: string, definition: SqlFragment | string, options: ViewOptions = {}): ViewModel {
  const text = (isSqlFragment(definition) ? definition.text : definition).trim().replace(/;\s*$/, '')
  if (!text) throw new Error(`view('${name}') needs a SELECT`)
  if (options.columns && options.columns.length === 0) throw new Error(`view('${name}'): columns, when given, must name at least one column`)
  const model: ViewModel = { name, schema: options.schema ?? null, definition: text }
  if (options.columns) model.columns = [...options.columns]
  if (options.checkOption) model.checkOption = options.checkOption
  if (options.renamedFrom) model.renamedFrom = options.renamedFrom
  return model
}

export function view(name: string, definition: SqlFragment, options: ViewOptions = {}): View {
  return declaredView(name, viewModel(name, definition, options))
}

function declaredView(name: string, model: ViewModel): View {
  return Object.defineProperties({} as View, {
    viewName: { value: name, enumerable: true },
    model: { value: model },
    [VIEW_MARK]: { value: true },
  })
}

export function isView(value: unknown): value is View {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[VIEW_MARK] === true
}

export interface MaterializedViewOptions {
  schema?: string
  columns?: string[]
  renamedFrom?: string
  /** false: `WITH NO DATA` (empty until the first REFRESH). Default true. Only used when it is created. */
  withData?: boolean
  /** Its indexes: `{ name: 'mv_totals_customer', columns: ['customer_id'], unique: true }`. */
  indexes?: MaterializedViewIndex[]
}

/** Builds the model of a materialized view (PostgreSQL); shared by the DSL and the `op` API. */
export function materializedViewModel(name: string, definition: SqlFragment | string, options: MaterializedViewOptions = {}): ViewModel {
  const { withData, indexes, ...viewOptions } = options
  const model: ViewModel = { ...viewModel(name, definition, viewOptions), materialized: true }
  if (withData === false) model.withData = false
  if (indexes?.length) {
    for (const index of indexes)
      if (!index.name || index.columns.length === 0) throw new Error(`materializedView('${name}'): each index needs a name and at least one column`)
    model.indexes = [...indexes].map((i) => ({ name: i.name, columns: [...i.columns], ...(i.unique ? { unique: true } : {}) })).sort((a, b) => (a.name < b.name ? -1 : 1))
  }
  return model
}

/** `export const totals = materializedView('order_totals', sql\`select …\`, { indexes: [...] })` (PostgreSQL). */
export function materializedView(name: string, definition: SqlFragment, options: MaterializedViewOptions = {}): View {
  return declaredView(name, materializedViewModel(name, definition, options))
}
