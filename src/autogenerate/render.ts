import type { ColumnChanges } from '../operations/column-ops.js'
import { familyOf } from '../dialects/registry.js'
import type { DialectName } from '../dialects/dialect.js'
import type { AnyOperation } from '../operations/index.js'
import { type Autoincrement, type SchemaModel, cloneModel } from '../schema/model.js'
import type { RuleSettings } from '../lint/lint-operations.js'
import type { IdentifierLengthUnit } from '../lint/types.js'
import { type MarkOptions, type OperationMark, markText, operationMarks } from '../lint/marks.js'
import { addedValueUsedLater } from './render-autocommit.js'
import { runsOutsideTransaction, safeOperations } from './render-safe.js'
import { type Doc, call, object, print, text } from './render-layout.js'
import { columnDoc, createTableArgs, typeDoc } from './render-schema.js'
import { viewOperationDoc } from './render-views.js'
import { isPartitionOperation, isPostgresObjectOperation, isRoutineOperation, isSequenceOperation, isViewOperation } from '../operations/object-kinds.js'
import { partitionOperationDoc } from './render-partitions.js'
import { sequenceOperationDoc } from './render-sequences.js'
import { renameObjectDoc } from './render-renames.js'
import { routineOperationDoc } from './render-routines.js'
import { postgresObjectDoc } from './render-postgres-objects.js'
import { ImportSet, defaultDoc, namesDoc, sqlTemplate, stringLiteral, valueDoc } from './render-values.js'
import type { DetectedChange } from './types.js'
import { elementDataDoc, indexDetailEntries } from './render-index.js'

export interface RenderOptions {
  /**
   * The dialect the changes were compared on. It changes nothing in the file: a revision reads the same, and runs,
   * on every dialect (an enum value used right away is added outside the transaction wherever it was generated).
   */
  dialect?: DialectName
  /** The schema before the upgrade (the reflected database): the lint marks read the tables' shapes from it. */
  model?: SchemaModel
  maxIdentifierLength?: number
  identifierLengthUnit?: IdentifierLengthUnit
  /** `lint.rules` of the config. */
  lintRules?: RuleSettings
  /** `safe: true`: write operations on existing tables in their zero-downtime form (docs/lint.md). */
  safe?: boolean
}

export interface RenderedMigration {
  /** Body of `upgrade({ op })`: one statement per line group, indented by two spaces. */
  upgrade: string
  /** Body of `downgrade({ op })`: the reverse operations in reverse order. */
  downgrade: string
  /** strata-db names the bodies use (column builders, `sql`, `index`…), sorted. */
  imports: string[]
  /** Lines for the file's header: what keeps the revision from reading the same on every dialect. */
  notes?: string[]
}

type Entry = { key: string; value: Doc }
const str = (value: string): Doc => text(stringLiteral(value))
const entry = (key: string, value: Doc): Entry => ({ key, value })

/** `{ schema: 's' }` entries when the operation is not in the default schema. */
function schemaEntries(schema: string | null | undefined): Entry[] {
  return schema ? [entry('schema', str(schema))] : []
}

/** `{ validate: false }` for a constraint added NOT VALID. */
function notValid(validate: boolean): Entry[] {
  return validate ? [] : [entry('validate', text('false'))]
}

/** Options as a trailing argument, left out when empty. */
function withOptions(args: Doc[], entries: Entry[]): Doc[] {
  return entries.length > 0 ? [...args, object(entries)] : args
}

function autoincrementDoc(value: Autoincrement): Doc {
  return typeof value === 'string' ? str(value) : text(String(value))
}

/**
 * The entries of an alteration's `changes`, or of its `existing` facts (`changing` given). Existing facts that
 * only say "none" (no default, no comment, no autoincrement) are left out unless the alteration changes them (the
 * reverse needs them): every dialect reads them from the table when it needs the whole column.
 */
function alterEntries(changes: ColumnChanges, imports: ImportSet, changing?: ColumnChanges): Entry[] {
  const key = (name: string) => (changing ? `existing${name[0]!.toUpperCase()}${name.slice(1)}` : name)
  const needed = (name: keyof ColumnChanges, empty: boolean) => !changing || !empty || name in changing
  const entries: Entry[] = []
  if ('type' in changes && changes.type) entries.push(entry(key('type'), typeDoc(changes.type, imports)))
  if ('nullable' in changes && changes.nullable !== undefined) entries.push(entry(key('nullable'), text(String(changes.nullable))))
  if ('default' in changes && changes.default !== undefined && needed('default', changes.default === null))
    entries.push(entry(key('default'), defaultDoc(changes.default, imports)))
  if ('comment' in changes && changes.comment !== undefined && needed('comment', changes.comment === null))
    entries.push(entry(key('comment'), changes.comment === null ? text('null') : str(changes.comment)))
  if ('autoincrement' in changes && changes.autoincrement !== undefined && needed('autoincrement', changes.autoincrement === false))
    entries.push(entry(key('autoincrement'), autoincrementDoc(changes.autoincrement)))
  if ('collation' in changes && changes.collation !== undefined && needed('collation', changes.collation === null))
    entries.push(entry(key('collation'), changes.collation === null ? text('null') : str(changes.collation)))
  if ('onUpdateNow' in changes && changes.onUpdateNow !== undefined && needed('onUpdateNow', changes.onUpdateNow === false))
    entries.push(entry(key('onUpdateNow'), text(String(changes.onUpdateNow))))
  return entries
}

/** One operation as the `op.method(…)` call that rebuilds it. */
export function operationDoc(operation: AnyOperation, imports: ImportSet): Doc {
  if (isViewOperation(operation)) return viewOperationDoc(operation, imports)
  if (isRoutineOperation(operation)) return routineOperationDoc(operation, imports)
  if (isPostgresObjectOperation(operation)) return postgresObjectDoc(operation, imports)
  if (isPartitionOperation(operation)) return partitionOperationDoc(operation, imports)
  if (isSequenceOperation(operation)) return sequenceOperationDoc(operation)
  if (operation.kind === 'renameObject') return renameObjectDoc(operation, imports)
  const op = (method: string, ...args: Doc[]) => call(`op.${method}`, ...args)
  switch (operation.kind) {
    case 'createTable':
      return op('createTable', ...createTableArgs(operation.table, imports))
    case 'dropTable':
      return op('dropTable', ...withOptions([str(operation.name)], schemaEntries(operation.schema)))
    case 'renameTable':
      return op('renameTable', ...withOptions([str(operation.from), str(operation.to)], schemaEntries(operation.schema)))
    case 'setTableComment': {
      const entries = operation.existing === undefined ? [] : [entry('existing', valueDoc(operation.existing))]
      return op('setTableComment', ...withOptions([str(operation.table), valueDoc(operation.comment)], [...entries, ...schemaEntries(operation.schema)]))
    }
    case 'addColumn':
      return op('addColumn', ...withOptions([str(operation.table), str(operation.column.name), columnDoc(operation.column, imports)], schemaEntries(operation.schema)))
    case 'dropColumn':
      return op('dropColumn', ...withOptions([str(operation.table), str(operation.name)], schemaEntries(operation.schema)))
    case 'renameColumn':
      return op('renameColumn', ...withOptions([str(operation.table), str(operation.from), str(operation.to)], schemaEntries(operation.schema)))
    case 'alterColumn': {
      const entries = [...alterEntries(operation.changes, imports), ...alterEntries(operation.existing, imports, operation.changes)]
      if (operation.using !== undefined) entries.push(entry('using', str(operation.using)))
      if (operation.online) entries.push(entry('online', text('true')))
      return op('alterColumn', str(operation.table), str(operation.name), object([...entries, ...schemaEntries(operation.schema)]))
    }
    case 'createIndex': {
      const index = operation.object
      const elements = index.elements.map((e) => elementDataDoc(e, imports))
      const entries: Entry[] = []
      if (index.unique) entries.push(entry('unique', text('true')))
      if (index.where) entries.push(entry('where', text(sqlTemplate(index.where, imports))))
      entries.push(...indexDetailEntries(index))
      if (operation.online) entries.push(entry('online', text('true')))
      return op('createIndex', ...withOptions([str(index.name), str(operation.table), { t: 'array', items: elements }], [...entries, ...schemaEntries(operation.schema)]))
    }
    case 'dropIndex':
      return op('dropIndex', ...withOptions([str(operation.name), str(operation.table)], [...(operation.online ? [entry('online', text('true'))] : []), ...schemaEntries(operation.schema)]))
    case 'addUnique':
      return op('createUnique', ...withOptions([str(operation.object.name), str(operation.table), namesDoc(operation.object.columns)], schemaEntries(operation.schema)))
    case 'dropUnique':
      return op('dropUnique', ...withOptions([str(operation.name), str(operation.table)], schemaEntries(operation.schema)))
    case 'addCheck':
      return op('createCheck', ...withOptions([str(operation.object.name), str(operation.table), text(sqlTemplate(operation.object.expression, imports))], [...notValid(operation.validate), ...schemaEntries(operation.schema)]))
    case 'dropCheck':
      return op('dropCheck', ...withOptions([str(operation.name), str(operation.table)], schemaEntries(operation.schema)))
    case 'addForeignKey': {
      const fk = operation.object
      const entries: Entry[] = []
      if (fk.referencedSchema) entries.push(entry('referencedSchema', str(fk.referencedSchema)))
      if (fk.onDelete) entries.push(entry('onDelete', str(fk.onDelete)))
      if (fk.onUpdate) entries.push(entry('onUpdate', str(fk.onUpdate)))
      if (fk.deferrable) entries.push(entry('deferrable', valueDoc(fk.deferrable)))
      entries.push(...notValid(operation.validate))
      const args = [str(fk.name), str(operation.table), namesDoc(fk.columns), str(fk.referencedTable), namesDoc(fk.referencedColumns)]
      return op('createForeignKey', ...withOptions(args, [...entries, ...schemaEntries(operation.schema)]))
    }
    case 'dropForeignKey':
      return op('dropForeignKey', ...withOptions([str(operation.name), str(operation.table)], schemaEntries(operation.schema)))
    case 'addPrimaryKey': {
      const pk = operation.primaryKey
      return op('createPrimaryKey', ...withOptions([pk.name ? str(pk.name) : text('null'), str(operation.table), namesDoc(pk.columns)], schemaEntries(operation.schema)))
    }
    case 'dropPrimaryKey': {
      const pk = operation.primaryKey
      const entries: Entry[] = []
      if (pk?.name) entries.push(entry('name', str(pk.name)))
      if (pk) entries.push(entry('columns', namesDoc(pk.columns)))
      return op('dropPrimaryKey', ...withOptions([str(operation.table)], [...entries, ...schemaEntries(operation.schema)]))
    }
    case 'renameConstraint':
      return op('renameConstraint', str(operation.table), str(operation.from), str(operation.to), object([entry('kind', str(operation.objectKind)), ...schemaEntries(operation.schema)]))
    case 'createEnum':
      return op('createEnum', ...withOptions([str(operation.enumType.name), namesDoc(operation.enumType.values)], schemaEntries(operation.enumType.schema)))
    case 'dropEnum':
      return op('dropEnum', ...withOptions([str(operation.name)], schemaEntries(operation.schema)))
    case 'addEnumValue': {
      const entries: Entry[] = []
      if (operation.position.before !== undefined) entries.push(entry('before', str(operation.position.before)))
      if (operation.position.after !== undefined) entries.push(entry('after', str(operation.position.after)))
      entries.push(entry('existing', namesDoc(operation.existing)))
      if (operation.columns.length > 0) entries.push(entry('columns', valueDoc(operation.columns)))
      return op('addEnumValue', str(operation.name), str(operation.value), object([...entries, ...schemaEntries(operation.schema)]))
    }
    case 'renameEnumValue': {
      const entries = [entry('existing', namesDoc(operation.existing))]
      if (operation.columns.length > 0) entries.push(entry('columns', valueDoc(operation.columns)))
      return op('renameEnumValue', str(operation.name), str(operation.from), str(operation.to), object([...entries, ...schemaEntries(operation.schema)]))
    }
    case 'alterEnum': {
      const entries = [entry('existing', namesDoc(operation.existing))]
      if (Object.keys(operation.renames).length > 0) entries.push(entry('renames', valueDoc(operation.renames)))
      if (operation.columns.length > 0) entries.push(entry('columns', valueDoc(operation.columns)))
      return op('alterEnum', str(operation.name), namesDoc(operation.values), object([...entries, ...schemaEntries(operation.schema)]))
    }
    case 'createSchema':
      return op('createSchema', str(operation.name))
    case 'dropSchema':
      return op('dropSchema', str(operation.name))
    case 'execute':
      return operation.reverseSql === undefined ? op('execute', str(operation.sql)) : op('execute', str(operation.sql), str(operation.reverseSql))
    case 'bulkInsert':
      return op('bulkInsert', ...withOptions([str(operation.table), valueDoc(operation.rows)], schemaEntries(operation.schema)))
  }
}

const INDENT = 2

/** A comment line's text on one line, whatever the names inside it hold. */
function oneLine(message: string): string {
  return message.replace(/[\r\n\u2028\u2029]+/g, ' ')
}

/** The lines of one statement, indented by `indent`, with its lint marks above it. */
function statement(operation: AnyOperation, marks: OperationMark[], imports: ImportSet, indent = INDENT): string[] {
  const pad = ' '.repeat(indent)
  const lines: string[] = []
  for (const mark of marks) lines.push(`${pad}// ${oneLine(markText(mark))}`)
  const prefix = 'await '
  lines.push(pad + prefix + print(operationDoc(operation, imports), indent, indent + prefix.length))
  return lines
}

/** An operation, or the reason the downgrade has none where it should stand. */
type BodyItem = AnyOperation | { irreversible: string }

/**
 * An `addEnumValue` whose value a later operation uses: on PostgreSQL it must run outside the transaction. Decided
 * by what the migration does, not where it was generated, so the file runs on PostgreSQL too.
 */
function ownTransaction(entries: BodyItem[], at: number): boolean {
  const item = entries[at]!
  if ('irreversible' in item || item.kind !== 'addEnumValue') return false
  return addedValueUsedLater(item, entries.slice(at + 1).filter((e): e is AnyOperation => !('irreversible' in e)))
}

/** A function body: statements in order, runs of values added outside the transaction in one autocommit block. */
function renderBody(entries: BodyItem[], imports: ImportSet, options: RenderOptions, model: SchemaModel | undefined): string {
  const pad = ' '.repeat(INDENT)
  const lines: string[] = []
  const operations = entries.filter((e): e is AnyOperation => !('irreversible' in e))
  const found = operationMarks(operations, {
    ...markOptions(options, model),
    outsideTransaction: operations.map((operation) => runsOutsideTransaction(operation, options.dialect && familyOf(options.dialect))),
  })
  const marks = new Map(operations.map((operation, i) => [operation, found[i]!]))
  for (let i = 0; i < entries.length; i++) {
    const item = entries[i]!
    if ('irreversible' in item) {
      lines.push(`${pad}// ! cannot reverse: ${item.irreversible}`)
      continue
    }
    if (runsOutsideTransaction(item, options.dialect && familyOf(options.dialect))) {
      lines.push(`${pad}// CONCURRENTLY and VALIDATE run outside the transaction, so writes continue meanwhile.`)
      lines.push(`${pad}await op.autocommit(async () => {`)
      lines.push(...statement(item, marks.get(item)!, imports, INDENT * 2))
      lines.push(`${pad}})`)
      continue
    }
    if (!ownTransaction(entries, i)) {
      lines.push(...statement(item, marks.get(item)!, imports))
      continue
    }
    lines.push(`${pad}// PostgreSQL cannot use an enum value in the transaction that adds it: these run outside it.`)
    lines.push(`${pad}await op.autocommit(async () => {`)
    lines.push(...statement(item, marks.get(item)!, imports, INDENT * 2))
    while (i + 1 < entries.length && ownTransaction(entries, i + 1)) {
      const next = entries[++i] as AnyOperation
      lines.push(...statement(next, marks.get(next)!, imports, INDENT * 2))
    }
    lines.push(`${pad}})`)
  }
  return (lines.length > 0 ? lines : [`${pad}// no changes`]).join('\n')
}

function markOptions(options: RenderOptions, model: SchemaModel | undefined): MarkOptions {
  return {
    ...(options.dialect ? { dialect: familyOf(options.dialect) } : {}),
    ...(options.maxIdentifierLength !== undefined ? { maxIdentifierLength: options.maxIdentifierLength } : {}),
    ...(options.identifierLengthUnit ? { identifierLengthUnit: options.identifierLengthUnit } : {}),
    ...(model ? { model } : {}),
    ...(options.lintRules ? { rules: options.lintRules } : {}),
  }
}

/** The schema after the upgrade: what the downgrade's marks see. */
function modelAfter(model: SchemaModel, operations: AnyOperation[]): SchemaModel {
  const after = cloneModel(model)
  for (const operation of operations) {
    try {
      operation.apply(after)
    } catch {
      // An operation the model cannot follow: the marks work with what is known.
    }
  }
  return after
}

function isDetectedChange(item: DetectedChange | AnyOperation): item is DetectedChange {
  return 'operation' in item && typeof (item as DetectedChange).message === 'string'
}

/**
 * Renders operations as the bodies of a revision's `upgrade` and `downgrade`. The downgrade is built from each
 * operation's `reverse()`, in reverse order; an operation that cannot be reversed makes the downgrade throw
 * (with a comment where it stands) so that running it never half-succeeds silently.
 */
export function renderOperations(changes: DetectedChange[] | AnyOperation[], options: RenderOptions = {}): RenderedMigration {
  const detected = (changes as Array<DetectedChange | AnyOperation>).map((c) => (isDetectedChange(c) ? c.operation : c))
  const operations = options.safe && options.dialect ? safeOperations(detected, familyOf(options.dialect)) : detected
  const imports = new ImportSet()
  const upgrade = renderBody(operations, imports, options, options.model)
  const reversed: BodyItem[] = []
  const irreversible: string[] = []
  for (const operation of [...operations].reverse()) {
    try {
      reversed.push(...operation.reverseSteps())
    } catch (error) {
      const reason = oneLine((error as Error).message)
      irreversible.push(reason)
      reversed.push({ irreversible: reason })
    }
  }
  let downgrade = renderBody(reversed, imports, options, options.model && modelAfter(options.model, operations))
  if (irreversible.length > 0)
    downgrade = `${' '.repeat(INDENT)}throw new Error(${stringLiteral(`downgrade not written: ${irreversible.join('; ')}`)})\n${downgrade}`
  const reflected = [...new Set((changes as Array<DetectedChange | AnyOperation>).flatMap((c) => (isDetectedChange(c) ? (c.reflectedSpelling ?? []) : [])))]
  const notes = reflected.length > 0 ? [portabilityNote(reflected)] : []
  return { upgrade, downgrade, imports: imports.list(), ...(notes.length > 0 ? { notes } : {}) }
}

/** Said at the top of a revision whose downgrade restates what no revision declares, in the server's spelling. */
function portabilityNote(objects: string[]): string {
  return `Not portable: the downgrade restates ${objects.join(', ')} as this database spells it (no earlier revision declares it); check it before running it on another dialect.`
}
