import type { ViewCheckOption, ViewModel } from './model.js'
import { type SqlFragment, isSqlFragment } from './sql.js'

export interface ViewOptions {
  schema?: string
  /** Names for the view's columns (`CREATE VIEW v (a, b) AS …`). */
  columns?: string[]
  /** `WITH LOCAL | CASCADED CHECK OPTION` (PostgreSQL, MySQL). */
  checkOption?: ViewCheckOption
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
  return model
}

export function view(name: string, definition: SqlFragment, options: ViewOptions = {}): View {
  const model = viewModel(name, definition, options)
  return Object.defineProperties({} as View, {
    viewName: { value: name, enumerable: true },
    model: { value: model },
    [VIEW_MARK]: { value: true },
  })
}

export function isView(value: unknown): value is View {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[VIEW_MARK] === true
}
