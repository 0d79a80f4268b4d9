/**
 * `strata squash FROM TO -m MSG`: a linear range of revisions becomes one revision whose upgrade is the range's
 * net effect on the schema, as autogenerate would write it (renames inside the range stay renames), and whose
 * downgrade reverses it. Children of TO are re-parented onto it. Data steps (op.execute, bulkInsert) cannot be
 * folded into a schema difference: a range holding one is refused.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { type RenameHints, compareSchemas, renderOperations } from '../autogenerate/index.js'
import type { DialectName } from '../dialects/dialect.js'
import { StrataError, UsageError } from '../errors.js'
import { type OperationSink, Operations } from '../operations/api.js'
import type { AnyOperation } from '../operations/index.js'
import { type RevisionGraph, type RevisionHeader, planUpgrade, resolveRevisionIds } from '../revisions/index.js'
import { isValidRevisionId, newRevisionId, renderRevisionFile, slugify, writeRevisionFile } from '../revisions/script-writer.js'
import { withMigrationModules } from '../runtime/migration-module.js'
import { applyToReplay } from '../runtime/offline-replay.js'
import { type SchemaModel, emptySchema, qualifiedName } from '../schema/model.js'
import type { NamingConvention } from '../schema/naming.js'
import { type ConfigInput, type ProjectOptions, databaseOf, loadGraph, resolveProject } from './project.js'
import { formatSource, wrapLongImport } from './revision.js'

export interface SquashOptions extends ProjectOptions {
  message?: string
  revId?: string
}

export interface SquashResult {
  path: string
  revision: string
  /** The revisions replaced, oldest first. */
  replaced: string[]
  /** Revisions whose parent is now the squashed revision. */
  reparented: string[]
}

const DATA_STEPS = new Set(['execute', 'bulkInsert'])

function parentsOf(header: RevisionHeader): string[] {
  return header.downRevision === null ? [] : Array.isArray(header.downRevision) ? header.downRevision : [header.downRevision]
}

function childrenOf(graph: RevisionGraph, id: string): RevisionHeader[] {
  return graph.all().filter((h) => parentsOf(h).includes(id))
}

/** FROM … TO, oldest first; refused unless it is a straight line that nothing else joins or leaves. */
function linearRange(graph: RevisionGraph, from: string, to: string): RevisionHeader[] {
  const range: RevisionHeader[] = []
  let at = graph.require(to)
  for (;;) {
    if (at.dependsOn.length > 0 || at.branchLabels.length > 0)
      throw new StrataError(`cannot squash: ${at.revision} has branch labels or dependencies; squash a range without them`, { code: 'revision' })
    range.unshift(at)
    if (at.revision === from) break
    const parents = parentsOf(at)
    if (parents.length !== 1) throw new StrataError(`cannot squash: ${at.revision} is ${parents.length === 0 ? 'a base' : 'a merge'} between ${from} and ${to}`, { code: 'revision' })
    at = graph.require(parents[0]!)
  }
  for (const header of range.slice(0, -1))
    if (childrenOf(graph, header.revision).length !== 1)
      throw new StrataError(`cannot squash: ${header.revision} is a branch point inside ${from}..${to}`, { code: 'revision' })
  return range
}

class RecordingSink implements OperationSink {
  readonly operations: Array<{ revision: string; operation: AnyOperation }> = []
  revision = ''
  constructor(readonly model: SchemaModel) {}
  async run(operation: AnyOperation): Promise<void> {
    this.operations.push({ revision: this.revision, operation })
    applyToReplay(operation, this.model)
  }
  async query<T>(): Promise<T[]> {
    throw new StrataError('cannot squash a revision that reads data (op.query())', { code: 'revision' })
  }
  async setAutocommit(): Promise<void> {}
}

/** Replays `headers` (oldest first) on `model`, recording each operation with its revision. */
async function replay(headers: RevisionHeader[], sink: RecordingSink, dialect: DialectName, naming: NamingConvention): Promise<void> {
  await withMigrationModules(headers, async (modules) => {
    for (const [index, module] of modules.entries()) {
      sink.revision = headers[index]!.revision
      const op = new Operations(sink, naming)
      await module.upgrade({ op, dialect, offline: true })
      await op.drain()
    }
  })
}

/** Renames inside the range, composed (a → b → c is a → c), as hints for the net comparison. */
function renameHints(operations: AnyOperation[]): RenameHints {
  const tables: Record<string, string> = {}
  const columns: Record<string, string> = {}
  for (const op of operations) {
    if (op.kind === 'renameTable') {
      const original = Object.keys(tables).find((k) => tables[k] === op.from) ?? op.from
      tables[original] = op.to
    } else if (op.kind === 'renameColumn') {
      const prefix = op.schema ? `${op.schema}.${op.table}.` : `${op.table}.`
      const original = Object.keys(columns).find((k) => k.startsWith(prefix) && columns[k] === op.from)
      columns[original ?? `${prefix}${op.from}`] = op.to
    }
  }
  return { tables, columns }
}

/**
 * Enum value renames inside the range, composed, as the `renamedValues` hints (new value → old) of the enums in the
 * range's end model: the net comparison then keeps them renames, not a value dropped and another added.
 */
function hintEnumValueRenames(model: SchemaModel, operations: AnyOperation[]): void {
  const renames = new Map<string, { name: string; schema: string | null; values: string[]; renamed: Record<string, string> }>()
  for (const op of operations) {
    if (op.kind !== 'renameEnumValue') continue
    const key = qualifiedName(op.name, op.schema)
    const entry = renames.get(key) ?? { name: op.name, schema: op.schema, values: op.values, renamed: {} }
    const original = entry.renamed[op.from] ?? op.from
    delete entry.renamed[op.from]
    if (original !== op.to) entry.renamed[op.to] = original
    entry.values = op.values
    renames.set(key, entry)
  }
  for (const [key, { name, schema, values, renamed }] of renames) {
    if (Object.keys(renamed).length === 0) continue
    const existing = model.enums.find((e) => qualifiedName(e.name, e.schema) === key)
    // A dialect whose enums live in their columns keeps no enum list: the hint is all the entry is for.
    if (existing) existing.renamedValues = { ...existing.renamedValues, ...renamed }
    else model.enums.push({ name, schema, values: [...values], renamedValues: renamed })
  }
}

/** Points the header of a child revision at `to` instead of `from`. */
function reparent(path: string, from: string, to: string): void {
  const source = readFileSync(path, 'utf8')
  const quoted = (id: string) => new RegExp(`(['"])${id}\\1`, 'g')
  const updated = source
    .replace(/^(export const downRevision\s*=\s*)(.*)$/m, (_line, head: string, value: string) => head + value.replace(quoted(from), `'${to}'`))
    .replace(/^(\s*\*\s*Revises:.*)$/m, (line: string) => line.replace(new RegExp(`\\b${from}\\b`), to))
  writeFileSync(path, updated)
}

export async function squash(input: ConfigInput, fromSpec: string, toSpec: string, options: SquashOptions = {}): Promise<SquashResult> {
  const config = await resolveProject(input)
  const graph = loadGraph(config)
  const resolveOne = (spec: string) => {
    const ids = resolveRevisionIds(graph, spec, [])
    if (ids.length !== 1) throw new UsageError(`'${spec}' must name one revision`)
    return ids[0]!
  }
  const from = resolveOne(fromSpec)
  const to = resolveOne(toSpec)
  const range = linearRange(graph, from, to)
  if (range.length < 2) throw new UsageError(`nothing to squash: ${from}..${to} is one revision`)
  const id = options.revId ?? newRevisionId()
  if (!isValidRevisionId(id)) throw new UsageError(`invalid --rev-id '${id}': use lowercase letters, digits and _ (at most 32)`)
  if (graph.get(id)) throw new StrataError(`revision id ${id} already exists`, { code: 'revision' })
  const { dialect } = await databaseOf(config, options)

  const parent = parentsOf(range[0]!)[0] ?? null
  const before = new RecordingSink(emptySchema())
  if (parent !== null) await replay(planUpgrade(graph, [], parent).map((s) => s.revision), before, dialect.name, config.naming)
  const start = structuredClone(before.model)
  const after = new RecordingSink(before.model)
  await replay(range, after, dialect.name, config.naming)
  const data = after.operations.find(({ operation }) => DATA_STEPS.has(operation.kind))
  if (data)
    throw new StrataError(
      `cannot squash: revision ${data.revision} has a data step (${data.operation.describe()}), which a schema difference cannot carry; squash the ranges before and after it`,
      { code: 'revision' },
    )

  hintEnumValueRenames(after.model, after.operations.map((o) => o.operation))
  // canonicalize gives tables, enums and schemas: the objects before the range (views, routines, triggers,
  // extensions, sequences, policies…) are kept as they are, or compare would see them all as added.
  const changes = await compareSchemas(after.model, { ...start, ...dialect.canonicalize(start) }, {
    dialect,
    renames: renameHints(after.operations.map((o) => o.operation)),
    ...(config.config.schemas ? { managedSchemas: config.config.schemas } : {}),
  })
  const body = renderOperations(changes, { dialect: dialect.name })
  const message = options.message ?? `squash ${from}..${to}`
  const content = renderRevisionFile({ revision: id, message, downRevision: parent, upgrade: body.upgrade, downgrade: body.downgrade, imports: body.imports })
  const fileName = `${config.fileTemplate.replaceAll('{rev}', id).replaceAll('{slug}', slugify(message))}.ts`
  const path = writeRevisionFile(config.versionsDir, fileName, await formatSource(config, wrapLongImport(content)))
  const children = childrenOf(graph, to)
  for (const child of children) reparent(child.path, to, id)
  for (const header of range) rmSync(header.path)
  return { path, revision: id, replaced: range.map((h) => h.revision), reparented: children.map((c) => c.revision) }
}
