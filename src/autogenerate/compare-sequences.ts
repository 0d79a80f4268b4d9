import { AlterSequenceOp, CreateSequenceOp, DropSequenceOp } from '../operations/sequence-ops.js'
import type { SchemaModel, SequenceModel } from '../schema/model.js'
import { qualifiedName } from '../schema/model.js'
import { effectiveSequence } from '../schema/sequence.js'
import type { CompareScope } from './filters.js'
import { Phase, type Plan } from './ordering.js'
import type { CompareDialect } from './types.js'

const sequenceKey = (s: SequenceModel) => qualifiedName(s.name, s.schema)

/** Every option with the server's defaults filled in, and the owner. */
function shape(s: SequenceModel): string {
  return JSON.stringify([effectiveSequence(s), s.ownedBy ?? null])
}

function unowned(s: SequenceModel): SequenceModel {
  const { ownedBy: _owner, ...rest } = s
  return structuredClone(rest)
}

/**
 * Sequences: created before the tables whose defaults use them, owners set once the owning column exists (an
 * option change goes with them: ALTER SEQUENCE keeps the current value), dropped after the defaults using them.
 * An owned sequence is disowned before it is dropped: dropping its table would otherwise drop it first.
 */
export function diffSequences(plan: Plan, target: SchemaModel, reflected: SchemaModel, scope: CompareScope, dialect: CompareDialect): void {
  if (!dialect.features.sequences) return
  const inScope = (s: SequenceModel, isReflected: boolean) => scope.tableInScope(s) && scope.includes('sequence', s, null, isReflected, null)
  const present = new Map((reflected.sequences ?? []).filter((s) => inScope(s, true)).map((s) => [sequenceKey(s), s]))
  for (const s of (target.sequences ?? []).filter((x) => inScope(x, false))) {
    const key = sequenceKey(s)
    const old = present.get(key)
    present.delete(key)
    if (!old) {
      plan.add(Phase.CreateSequence, [key], new CreateSequenceOp(unowned(s)))
      if (s.ownedBy) plan.add(Phase.AlterSequence, [key], new AlterSequenceOp(structuredClone(s), unowned(s)))
    } else if (shape(s) !== shape(old)) {
      plan.add(Phase.AlterSequence, [key], new AlterSequenceOp(structuredClone(s), structuredClone(old)))
    }
  }
  for (const [key, old] of present) {
    if (old.ownedBy) plan.add(Phase.AlterSequence, [key], new AlterSequenceOp(unowned(old), structuredClone(old)))
    plan.add(Phase.DropSequence, [key], new DropSequenceOp(old.name, old.schema ?? null, unowned(old)))
  }
}
