import type { DialectFamily } from '../dialects/dialect.js'
import type { AnyOperation } from '../operations/index.js'
import { type SchemaModel, cloneModel, qualifiedName } from '../schema/model.js'
import { type LintRuleId, lintRules } from './catalogue.js'
import { setsLockTimeout } from './raw-sql.js'
import { tableOf } from './subjects.js'
import type { IdentifierLengthUnit, LintContext, LintRule, RuleHit, ServerVersion, Severity } from './types.js'

/** `lint.rules` in the config: turn a rule off or change its severity. */
export type RuleSettings = Partial<Record<LintRuleId, 'off' | Severity>>

export interface LintOperationsOptions {
  dialect: DialectFamily
  maxIdentifierLength: number
  /** Default: bytes. */
  identifierLengthUnit?: IdentifierLengthUnit
  serverVersion?: ServerVersion | null
  /** The schema before the first operation (not modified). */
  model: SchemaModel
  /** True when the run sets lock_timeout itself before the first operation. */
  lockTimeoutSet?: boolean
  rules?: RuleSettings
  /** Per operation: true when it runs outside a transaction (default: none does). */
  outsideTransaction?: boolean[]
}

export interface OperationFinding {
  /** Position of the operation in the list. */
  index: number
  rule: LintRuleId
  severity: Severity
  category: LintRule['category']
  hit: RuleHit
}

function settingOf(rules: RuleSettings | undefined, id: LintRuleId, rule: LintRule): 'off' | Severity {
  return rules?.[id] ?? rule.severity
}

/** The names a created table goes by later in the same migration (it may be renamed). */
function trackCreated(operation: AnyOperation, created: Set<string>): void {
  if (operation.kind === 'createTable') created.add(qualifiedName(operation.table.name, operation.table.schema))
  if (operation.kind === 'renameTable' && created.has(qualifiedName(operation.from, operation.schema))) created.add(qualifiedName(operation.to, operation.schema))
}

/**
 * Checks the operations of one migration, in order, against the catalogue. Each operation sees the schema as the
 * earlier ones left it, and knows which tables the migration itself created (exempt from lock and rewrite rules).
 */
/** `VALIDATE CONSTRAINT name` in raw SQL (what safe: true writes, in op.autocommit). */
const VALIDATES = /\bVALIDATE\s+CONSTRAINT\s+"?([^"\s;]+)"?/giu

/** Follows NOT VALID constraints through the migration: added with validate: false, then validated by raw SQL. */
function trackValidation(operation: AnyOperation, unvalidated: Set<string>): void {
  if ((operation.kind === 'addCheck' || operation.kind === 'addForeignKey') && !operation.validate) unvalidated.add(operation.object.name.toLowerCase())
  if (operation.kind === 'execute') for (const [, name] of operation.sql.matchAll(VALIDATES)) unvalidated.delete(name!.toLowerCase())
}

export function lintOperations(operations: AnyOperation[], options: LintOperationsOptions): OperationFinding[] {
  const model = cloneModel(options.model)
  const created = new Set<string>()
  const reported = new Set<LintRuleId>()
  const context: LintContext = {
    dialect: options.dialect,
    serverVersion: options.serverVersion ?? null,
    maxIdentifierLength: options.maxIdentifierLength,
    identifierLengthUnit: options.identifierLengthUnit ?? 'bytes',
    model,
    lockTimeoutSet: options.lockTimeoutSet ?? false,
    outsideTransaction: false,
    unvalidated: new Set(),
  }
  const findings: OperationFinding[] = []
  for (const [index, operation] of operations.entries()) {
    const table = tableOf(operation)
    const isNew = table !== null && created.has(qualifiedName(table.name, table.schema))
    context.outsideTransaction = options.outsideTransaction?.[index] ?? false
    for (const [id, rule] of Object.entries(lintRules) as Array<[LintRuleId, LintRule]>) {
      const severity = settingOf(options.rules, id, rule)
      if (severity === 'off' || !rule.dialects.includes(options.dialect)) continue
      if ((rule.exemptOnNewTable && isNew) || (rule.oncePerRevision && reported.has(id))) continue
      const hit = rule.check(operation, context)
      if (!hit) continue
      reported.add(id)
      findings.push({ index, rule: id, severity, category: rule.category, hit })
    }
    trackCreated(operation, created)
    if (operation.kind === 'execute' && setsLockTimeout(operation.sql)) context.lockTimeoutSet = true
    trackValidation(operation, context.unvalidated)
    try {
      operation.apply(model)
    } catch {
      // A hand-written migration may name what the replayed model lacks (raw SQL made it): lint what it can.
    }
  }
  return findings
}
