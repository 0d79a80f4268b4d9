import { readFileSync } from 'node:fs'
import { familyOf } from '../dialects/registry.js'
import type { Dialect } from '../dialects/dialect.js'
import type { MigrationStep } from '../revisions/index.js'
import { withMigrationModules } from '../runtime/migration-module.js'
import { type SchemaModel, emptySchema } from '../schema/model.js'
import type { NamingConvention } from '../schema/naming.js'
import type { DataProbe } from './data-probe.js'
import { type RuleSettings, lintOperations } from './lint-operations.js'
import { recordOperations } from './recorder.js'
import { silencedReason } from './silencing.js'
import type { ServerVersion, Severity } from './types.js'

/** One finding of `strata lint`, as `--json` prints it. */
export interface LintFinding {
  rule: string
  severity: Severity
  revision: string
  file: string
  line: number | null
  /** The operation kind (`createIndex`). */
  operation: string
  message: string
  fix: string
  /** The reason given in a `strata-lint-ignore` comment; the finding no longer fails the run. */
  silenced?: string
  /** Counts read with `--database`. */
  data?: Record<string, number>
}

export interface LintRevisionsOptions {
  dialect: Dialect
  naming: NamingConvention
  rules?: RuleSettings
  serverVersion?: ServerVersion | null
  lockTimeoutSet?: boolean
  probe?: DataProbe
}

/**
 * Lints the revisions `linted` (ids) among `plan`, the upgrade plan from base that contains them: every step is
 * recorded and replayed on a model, so each linted revision sees the schema the revisions before it leave.
 */
export async function lintRevisions(plan: MigrationStep[], linted: ReadonlySet<string>, options: LintRevisionsOptions): Promise<LintFinding[]> {
  const model = emptySchema()
  const findings: LintFinding[] = []
  await withMigrationModules(
    plan.map((step) => step.revision),
    async (modules) => {
      for (const [index, step] of plan.entries()) {
        const { path, revision } = step.revision
        const module = modules[index]!
        const recorded = await recordOperations(module.upgrade, { dialect: familyOf(options.dialect.name), file: path, naming: options.naming })
        if (linted.has(revision) && !isBaseline(module.downgrade)) findings.push(...(await lintOne(revision, path, recorded, model, { ...options, transaction: module.transaction })))
        for (const { operation } of recorded) {
          try {
            operation.apply(model)
          } catch {
            // Raw SQL the model cannot follow: later revisions are linted against what is known.
          }
        }
      }
    },
  )
  return findings
}

/**
 * A baseline (`strata revision --baseline`, `init --from-database`) describes tables that existed before strata:
 * stamped, never run on that database, and on a fresh one they are empty. Its downgrade starts with the guard
 * (older baselines read the variable themselves). It is replayed, not linted.
 */
function isBaseline(downgrade: unknown): boolean {
  const source = typeof downgrade === 'function' ? Function.prototype.toString.call(downgrade) : ''
  return source.includes('refuseBelowBaseline()') || source.includes('STRATA_ALLOW_BASELINE_DOWNGRADE')
}

async function lintOne(
  revision: string,
  file: string,
  recorded: Awaited<ReturnType<typeof recordOperations>>,
  model: SchemaModel,
  options: LintRevisionsOptions & { transaction: boolean },
): Promise<LintFinding[]> {
  const hits = lintOperations(
    recorded.map((r) => r.operation),
    {
      dialect: familyOf(options.dialect.name),
      maxIdentifierLength: options.dialect.maxIdentifierLength,
      identifierLengthUnit: options.dialect.schemaRules.identifierLengthUnit,
      model,
      serverVersion: options.serverVersion ?? null,
      lockTimeoutSet: options.lockTimeoutSet ?? false,
      outsideTransaction: recorded.map((r) => r.autocommit || !options.transaction),
      ...(options.rules ? { rules: options.rules } : {}),
    },
  )
  const source = readFileSync(file, 'utf8').split('\n')
  const findings: LintFinding[] = []
  for (const hit of hits) {
    const { operation, line } = recorded[hit.index]!
    const finding: LintFinding = { rule: hit.rule, severity: hit.severity, revision, file, line, operation: operation.kind, message: hit.hit.message, fix: hit.hit.fix }
    const reason = silencedReason(source, line, hit.rule)
    if (reason !== null) finding.silenced = reason
    const answer = hit.hit.data && options.probe ? await options.probe.answer(hit.hit.data) : null
    if (answer) {
      finding.message += ` (${answer.text})`
      finding.data = answer.data
    }
    findings.push(finding)
  }
  return findings
}

/** True when a finding fails `strata lint`: an error that was not silenced. */
export function failsLint(finding: LintFinding): boolean {
  return finding.severity === 'error' && finding.silenced === undefined
}
