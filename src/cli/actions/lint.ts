import { relative } from 'node:path'
import pc from 'picocolors'
import { lint } from '../../commands/lint.js'
import { resolveProject } from '../../commands/project.js'
import type { LintFinding } from '../../lint/lint-revisions.js'
import { type GlobalOptions, outLines, printJson } from '../output.js'

const LABEL: Record<string, (s: string) => string> = { error: pc.red, warning: pc.yellow, info: pc.cyan }

function where(finding: LintFinding): string {
  const file = relative(process.cwd(), finding.file)
  return finding.line === null ? file : `${file}:${finding.line}`
}

/** Findings grouped by revision, each with its rule id, place and fix. */
function humanReport(findings: LintFinding[], messages: Map<string, string>): string[] {
  const lines: string[] = []
  const byRevision = new Map<string, LintFinding[]>()
  for (const finding of findings) byRevision.set(finding.revision, [...(byRevision.get(finding.revision) ?? []), finding])
  for (const [revision, group] of byRevision) {
    lines.push(`${pc.bold(revision)}  ${messages.get(revision) ?? ''}`.trimEnd())
    for (const finding of group) {
      if (finding.silenced !== undefined) {
        lines.push(`  ${pc.dim('silenced')} ${finding.rule}  ${where(finding)} (${finding.silenced})`)
        continue
      }
      lines.push(`  ${LABEL[finding.severity]!(finding.severity.padEnd(8))} ${finding.rule}  ${where(finding)}`)
      lines.push(`           ${finding.message}`, `           fix: ${finding.fix}`)
    }
  }
  const count = (severity: string) => findings.filter((f) => f.severity === severity && f.silenced === undefined).length
  const silenced = findings.filter((f) => f.silenced !== undefined).length
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`
  lines.push(findings.length === 0 ? 'No findings' : [plural(count('error'), 'error'), plural(count('warning'), 'warning'), plural(count('info'), 'info'), `${silenced} silenced`].join(', '))
  return lines
}

export async function action(args: string[], options: Record<string, unknown>, globals: GlobalOptions): Promise<number> {
  const config = await resolveProject(globals.config)
  const url = typeof options.url === 'string' ? options.url : undefined
  const report = await lint(config, {
    ...(args[0] !== undefined ? { range: args[0] } : {}),
    ...(url ? { url } : {}),
    ...(typeof options.dialect === 'string' ? { dialect: options.dialect } : {}),
    database: options.database === true,
  })
  if (options.json === true) printJson({ findings: report.findings })
  else {
    const { loadGraph } = await import('../../commands/project.js')
    const graph = loadGraph(config)
    const messages = new Map(report.revisions.map((id) => [id, graph.require(id).message]))
    outLines(humanReport(report.findings, messages))
  }
  return report.failed ? 1 : 0
}
