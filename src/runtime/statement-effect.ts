import type { Connection, Dialect } from '../dialects/dialect.js'
import type { AnyOperation } from '../operations/index.js'
import type { SchemaModel } from '../schema/model.js'
import { StrataError } from '../errors.js'
import type { StatementInfo } from './step-sink.js'
import { oneLine } from './step-failure.js'
import { isIdempotentDdl } from './idempotent-ddl.js'

export { isIdempotentDdl }

/**
 * Whether a statement that may or may not have run (the process died between the statement and its progress
 * record) took effect. Only the operation can tell: it knows what it creates, drops or alters. The live schema is
 * reflected and the operation replayed on a copy: if it cannot apply (what it creates exists, what it drops is
 * gone) or applying it changes nothing, its effect is there. Operations compiled together (a batch: SQLite's one
 * rebuild for several changes to a table) are replayed together, in order.
 *
 * - `present`: the effect is in the database; the statement is counted as done.
 * - `absent`: it is not; the statement runs.
 * - `unknown`: raw SQL, or a statement in the middle of a multi-statement operation whose effect is incomplete.
 */
export type StatementEffect = 'present' | 'absent' | 'unknown'

/** Operations whose effect cannot be read from the schema. */
const OPAQUE = new Set(['execute', 'bulkInsert'])

export async function statementEffect(
  dialect: Dialect,
  connection: Connection,
  operations: Array<AnyOperation | undefined>,
  position: { index: number; count: number },
): Promise<StatementEffect> {
  if (operations.length === 0 || operations.some((o) => !o || OPAQUE.has(o.kind))) return 'unknown'
  const reflected = await dialect.introspect(connection)
  // canonicalize gives tables and enums; views, routines, triggers and the other objects are compared as reflected.
  const state = (model: SchemaModel) => JSON.stringify({ ...model, ...dialect.canonicalize(model) })
  const before = state(structuredClone(reflected))
  const after = structuredClone(reflected)
  let present: boolean
  try {
    for (const operation of operations) operation!.apply(after)
    present = state(after) === before
  } catch {
    // What it creates already exists, or what it drops or renames is gone: it ran.
    present = true
  }
  // The whole operation's effect says something about one statement only at its ends: all of it is there after
  // the last statement, none of it before the first.
  if (present) return position.index === position.count - 1 ? 'present' : 'unknown'
  return position.index === 0 ? 'absent' : 'unknown'
}

/**
 * Statements that a transaction can hold together with their progress record (data changes). Everything else is
 * treated as DDL: on MySQL it commits by itself, and a `transaction = false` migration runs it outside one.
 */
export function isDataStatement(sql: string): boolean {
  const head = sql.replace(/^(\s+|--[^\n]*\n|\/\*[\s\S]*?\*\/)+/, '').slice(0, 16).toUpperCase()
  return /^(INSERT|UPDATE|DELETE|REPLACE|MERGE|WITH|SELECT)\b/.test(head)
}


/**
 * Whether the statement an interrupted run may have left half-way took effect: as the user said (`--resume-skip` /
 * `--resume-redo`), yes for DDL that is safe to run twice, else from the schema. Stops the run where it cannot tell.
 */
export async function interruptedStatementDone(
  info: StatementInfo,
  dialect: Dialect,
  connection: Connection,
  options: { resumeChoice?: 'skip' | 'redo' | undefined; log: (line: string) => void },
): Promise<boolean> {
  const choice = options.resumeChoice
  if (choice) {
    options.log(`Statement ${info.number} of the interrupted step: assumed ${choice === 'skip' ? 'done (--resume-skip)' : 'not done (--resume-redo)'}`)
    return choice === 'skip'
  }
  if (isIdempotentDdl(info.sql)) {
    options.log(`Statement ${info.number} of the interrupted step (${info.operation.kind}) has the same effect run twice: running it`)
    return false
  }
  const effect = await statementEffect(dialect, connection, info.batch ?? [info.operation], info)
  if (effect === 'unknown')
    throw new StrataError(
      `the last run stopped during statement ${info.number} (${info.operation.kind}: ${oneLine(info.sql)}) and strata cannot tell from the schema whether it took effect; check the database, then rerun with --resume-skip if it did or --resume-redo if it did not`,
      { code: 'uncertain-statement' },
    )
  options.log(`Statement ${info.number} of the interrupted step (${info.operation.kind}) ${effect === 'present' ? 'took effect before the stop: not run again' : 'did not take effect: running it'}`)
  return effect === 'present'
}
