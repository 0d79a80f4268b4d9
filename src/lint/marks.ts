import type { DialectFamily } from '../dialects/dialect.js'
import { AddColumnOp, type AnyOperation } from '../operations/index.js'
import { type SchemaModel, emptySchema } from '../schema/model.js'
import { lintRules } from './catalogue.js'
import { type RuleSettings, lintOperations } from './lint-operations.js'
import { dialectFamilies } from '../dialects/registry.js'
import type { IdentifierLengthUnit, LintRule, RuleCategory } from './types.js'

/** A finding autogenerate writes above an operation: `!` for data, `lock:` for lock findings. */
export interface OperationMark {
  rule: string
  category: Exclude<RuleCategory, 'hygiene'>
  message: string
}

export interface MarkOptions {
  /** The dialect the migration was generated against; absent: only what holds on every dialect. */
  dialect?: DialectFamily
  maxIdentifierLength?: number
  identifierLengthUnit?: IdentifierLengthUnit
  /** The schema before the first operation (the reflected database). */
  model?: SchemaModel
  rules?: RuleSettings
  /** Per operation: true when the file runs it outside the transaction (in `op.autocommit`). */
  outsideTransaction?: boolean[]
}

function marksOn(operations: AnyOperation[], dialect: DialectFamily, options: MarkOptions): OperationMark[][] {
  const marks: OperationMark[][] = operations.map(() => [])
  const findings = lintOperations(operations, {
    dialect,
    maxIdentifierLength: options.maxIdentifierLength ?? Infinity,
    ...(options.identifierLengthUnit ? { identifierLengthUnit: options.identifierLengthUnit } : {}),
    model: options.model ?? emptySchema(),
    ...(options.rules ? { rules: options.rules } : {}),
    ...(options.outsideTransaction ? { outsideTransaction: options.outsideTransaction } : {}),
  })
  // Not a rule of the catalogue: the operation itself knows its downgrade cannot restore what was dropped.
  for (const [index, operation] of operations.entries()) {
    const lossy = operation instanceof AddColumnOp ? operation.lossyDowngrade() : null
    if (lossy) marks[index]!.push({ rule: 'lossy-downgrade', category: 'data', message: lossy })
  }
  for (const finding of findings)
    // A revision-level finding (missing-lock-timeout) belongs to `strata lint`, not above one operation.
    if (finding.severity !== 'info' && finding.category !== 'hygiene' && !(lintRules[finding.rule] as LintRule).oncePerRevision)
      marks[finding.index]!.push({ rule: finding.rule, category: finding.category, message: finding.hit.message })
  return marks
}

/**
 * The marks of each operation, from the lint catalogue: what autogenerate writes above it and prints under its
 * "Detected" line. Info findings are left to `strata lint`. Without a dialect, a mark must hold on every dialect.
 */
export function operationMarks(operations: AnyOperation[], options: MarkOptions = {}): OperationMark[][] {
  if (options.dialect) return marksOn(operations, options.dialect, options)
  const [first, ...others] = dialectFamilies.map((dialect) => marksOn(operations, dialect, options))
  return first!.map((marks, index) => marks.filter((mark) => others.every((other) => other[index]!.some((m) => m.rule === mark.rule))))
}

/** The one-line text of a mark, as written in the file and printed. */
export function markText(mark: OperationMark): string {
  return `${mark.category === 'data' ? '!' : 'lock:'} ${mark.message} [${mark.rule}]`
}
