import { relative } from 'node:path'
import type { RenameHints } from '../../autogenerate/index.js'
import { UsageError } from '../../config/errors.js'
import { revision } from '../../commands/revision.js'
import { markText } from '../../lint/marks.js'
import { askYesNo, closePrompts } from '../prompt.js'
import { type GlobalOptions, out, printJson, warn } from '../output.js'

export function parseRenames(values: string[] | undefined): RenameHints | undefined {
  if (!values || values.length === 0) return undefined
  const hints: RenameHints = { tables: {}, columns: {} }
  for (const value of values) {
    const [from, to] = value.split('=')
    if (!from || !to || to.includes('.')) throw new UsageError(`invalid --rename '${value}': use old_table=new_table, schema.old_table=new_table or table.old_column=new_column`)
    const parts = from.split('.')
    if (parts.length === 1) hints.tables![from] = to
    else {
      // `a.b=c` is a column of table a, or (PostgreSQL) table b of schema a: compare uses the hint that names
      // something that exists.
      hints.columns![from] = to
      if (parts.length === 2) hints.tables![from] = to
    }
  }
  return hints
}

export async function action(_args: string[], options: Record<string, unknown>, globals: GlobalOptions): Promise<number> {
  const renames = parseRenames(options.rename as string[] | undefined)
  const json = options.json === true
  const result = await revision(globals.config, {
    message: String(options.message ?? ''),
    autogenerate: options.autogenerate === true,
    ...(typeof options.head === 'string' ? { head: options.head } : {}),
    splice: options.splice === true,
    branchLabel: (options.branchLabel as string[] | undefined) ?? [],
    dependsOn: (options.dependsOn as string[] | undefined) ?? [],
    ...(typeof options.revId === 'string' ? { revId: options.revId } : {}),
    ...(renames ? { renames } : {}),
    ...(process.stdin.isTTY && !json ? { askRename: askRenameQuestion } : {}),
    allowEmpty: options.allowEmpty === true,
    ...(typeof options.url === 'string' ? { url: options.url } : {}),
  }).finally(closePrompts)
  if (json) {
    printJson({
      path: result.path,
      revision: result.revision,
      changes: result.changes.map((c) => ({
        kind: c.operation.kind,
        message: c.message,
        warning: c.warning,
        findings: c.marks.map((m) => ({ rule: m.rule, category: m.category, message: m.message })),
      })),
    })
    return 0
  }
  for (const change of result.changes) {
    out(`Detected ${change.message}`)
    for (const mark of change.marks) out(warn(`  ${markText(mark)}`))
  }
  if (result.path === null) {
    out('No changes detected; no revision written (use --allow-empty to write one anyway)')
    return 0
  }
  out(`Generating ${relative(process.cwd(), result.path)} ... done`)
  return 0
}

async function askRenameQuestion(question: { kind: 'table' | 'column'; table?: string; from: string; to: string }): Promise<boolean> {
  const where = question.kind === 'column' ? `column '${question.table}.${question.from}'` : `table '${question.from}'`
  return askYesNo(`Was ${where} renamed to '${question.to}'? (otherwise it is dropped and a new one added)`)
}
