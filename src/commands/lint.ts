import { UsageError } from '../config/errors.js'
import type { Dialect } from '../dialects/dialect.js'
import { DataProbe } from '../lint/data-probe.js'
import { type LintFinding, failsLint, lintRevisions } from '../lint/lint-revisions.js'
import { ruleSettings } from '../lint/settings.js'
import type { ServerVersion } from '../lint/types.js'
import { type RevisionGraph, planUpgrade, resolveRevisionIds } from '../revisions/index.js'
import { loadDialect } from '../runtime/dialects.js'
import { connect } from '../runtime/run-session.js'
import { databaseIsThere, readCurrentVersions } from './current.js'
import { type ConfigInput, type ProjectOptions, databaseOf, loadGraph, resolveProject } from './project.js'
import { schemeList } from '../dialects/registry.js'
import { dialectNamed } from './offline.js'

export interface LintOptions extends ProjectOptions {
  /** `A:B`, `base:head`…; default: the revisions the database has not applied (all of them without a URL). */
  range?: string
  /** Lint for this dialect without a URL (CI without a database): `sqlite`, `postgresql`, `mysql`… */
  dialect?: string
  /** Connect and add row, NULL and duplicate counts to the findings, and read the server version. */
  database?: boolean
}

export interface LintReport {
  findings: LintFinding[]
  /** The revisions linted, oldest first. */
  revisions: string[]
  /** True when an error-severity finding is not silenced: `strata lint` exits 1. */
  failed: boolean
}

/** Which revisions to lint, and the plan from base that reaches them. */
function selection(graph: RevisionGraph, range: string | undefined, applied: string[]) {
  if (range === undefined) {
    const pending = planUpgrade(graph, applied, 'heads')
    return { plan: planUpgrade(graph, [], 'heads'), linted: pending.map((s) => s.revision.revision) }
  }
  const at = range.indexOf(':')
  if (at < 0) throw new UsageError(`lint takes a range FROM:TO (e.g. 'base:head'), got '${range}'`)
  const from = range.slice(0, at)
  const to = range.slice(at + 1) || 'heads'
  const start = from === '' || from === 'base' ? [] : resolveRevisionIds(graph, from, [])
  return { plan: planUpgrade(graph, [], to), linted: planUpgrade(graph, start, to).map((s) => s.revision.revision) }
}

/** `strata lint`: the findings of the rule catalogue on a range of revisions. */
export async function lint(config: ConfigInput, options: LintOptions = {}): Promise<LintReport> {
  const resolved = await resolveProject(config)
  const rules = ruleSettings(resolved.config.lint, resolved.file)
  const graph = loadGraph(resolved)
  const named = options.dialect === undefined ? undefined : dialectNamed(options.dialect)
  const hasUrl = options.url !== undefined || resolved.urlText !== undefined
  if (!hasUrl && options.dialect === undefined) throw new UsageError(`lint needs a dialect: set a database URL, or pass --dialect (${schemeList()})`)
  if (!hasUrl && options.database) throw new UsageError(`--database needs a database URL`)
  let dialect: Dialect
  let applied: string[] = []
  let probe: DataProbe | undefined
  let serverVersion: ServerVersion | null = null
  let close = async () => {}
  if (hasUrl) {
    const { url, dialect: urlDialect } = await databaseOf(resolved, options)
    dialect = urlDialect
    if (options.range === undefined) applied = await readCurrentVersions(resolved, options)
    if (options.database && (await databaseIsThere(dialect, url))) {
      const connection = await connect(dialect, url)
      close = () => connection.close().catch(() => undefined)
      probe = new DataProbe(dialect, connection)
      serverVersion = await probe.serverVersion()
    }
  } else dialect = await loadDialect(named!)
  try {
    const { plan, linted } = selection(graph, options.range, applied)
    const findings = await lintRevisions(plan, new Set(linted), {
      dialect,
      naming: resolved.naming,
      rules,
      serverVersion,
      // strata bounds every statement's lock wait itself (docs/lint.md, missing-lock-timeout).
      lockTimeoutSet: resolved.ddlLock !== null,
      ...(probe ? { probe } : {}),
    })
    return { findings, revisions: linted, failed: findings.some(failsLint) }
  } finally {
    await close()
  }
}
