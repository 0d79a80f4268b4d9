import type { ExtensionModel, PolicyCommand, PolicyModel } from './model.js'
import { type SqlFragment, isSqlFragment } from './sql.js'
import { type Table, isTable, tableDefinition } from './table.js'

export interface ExtensionOptions {
  schema?: string
  version?: string
}

export interface PolicyOptions {
  table: Table | string
  /** The table's schema, when `table` is a name. */
  schema?: string
  for?: PolicyCommand
  to?: string[]
  using?: SqlFragment | string
  withCheck?: SqlFragment | string
  /** false: RESTRICTIVE (every restrictive policy must pass too). Default true. */
  permissive?: boolean
}

export interface Extension {
  readonly extensionName: string
  /** @internal */ readonly model: ExtensionModel
}

export interface Policy {
  readonly policyName: string
  /** @internal */ readonly model: PolicyModel
}

const EXTENSION_MARK = Symbol.for('strata.extension')
const POLICY_MARK = Symbol.for('strata.policy')

export function extensionModel(name: string, options: ExtensionOptions = {}): ExtensionModel {
  const model: ExtensionModel = { name, schema: options.schema ?? null }
  if (options.version) model.version = options.version
  return model
}

/** A PostgreSQL extension the schema needs: `export const crypto = extension('pgcrypto')`. Ignored on other dialects. */
export function extension(name: string, options: ExtensionOptions = {}): Extension {
  const value = { extensionName: name, model: extensionModel(name, options) }
  Object.defineProperty(value, EXTENSION_MARK, { value: true })
  return value
}

const text = (value: SqlFragment | string | undefined) => (value === undefined ? undefined : (isSqlFragment(value) ? value.text : value).trim())

export function policyModel(name: string, options: PolicyOptions): PolicyModel {
  const table = typeof options.table === 'string' ? { name: options.table, schema: options.schema ?? null } : tableOf(options.table)
  const model: PolicyModel = { name, schema: table.schema, table: table.name, for: options.for ?? 'all', to: [...(options.to ?? [])].sort(), permissive: options.permissive ?? true }
  const using = text(options.using)
  const withCheck = text(options.withCheck)
  if (using) model.using = using
  if (withCheck) model.withCheck = withCheck
  return model
}

function tableOf(value: Table): { name: string; schema: string | null } {
  if (!isTable(value)) throw new Error('policy: table must be a table() value or a table name')
  const definition = tableDefinition(value)
  return { name: definition.name, schema: definition.options.schema ?? null }
}

/** A row-level security policy (PostgreSQL); its table needs `table(…, { rls: true })`. Ignored on other dialects. */
export function policy(name: string, options: PolicyOptions): Policy {
  const value = { policyName: name, model: policyModel(name, options) }
  Object.defineProperty(value, POLICY_MARK, { value: true })
  return value
}

export function isExtension(value: unknown): value is Extension {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[EXTENSION_MARK] === true
}

export function isPolicy(value: unknown): value is Policy {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[POLICY_MARK] === true
}
