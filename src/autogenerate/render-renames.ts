import type { RenameObjectOp } from '../operations/rename-object-op.js'
import { CreateRoutineOp, CreateTriggerOp } from '../operations/routine-ops.js'
import { CreateSequenceOp } from '../operations/sequence-ops.js'
import { CreateViewOp } from '../operations/view-ops.js'
import { type Doc, call, text } from './render-layout.js'
import { routineOperationDoc } from './render-routines.js'
import { sequenceOperationDoc } from './render-sequences.js'
import { type ImportSet, stringLiteral } from './render-values.js'
import { viewOperationDoc } from './render-views.js'

/** The `op.create…(…)` call for the object at its new name. */
function creationDoc(operation: RenameObjectOp, imports: ImportSet): Doc {
  const o = operation.object
  switch (o.kind) {
    case 'view':
      return viewOperationDoc(new CreateViewOp(o.model), imports)
    case 'sequence':
      return sequenceOperationDoc(new CreateSequenceOp(o.model))
    case 'routine':
      return routineOperationDoc(new CreateRoutineOp(o.model), imports)
    case 'trigger':
      return routineOperationDoc(new CreateTriggerOp(o.model), imports)
  }
}

/**
 * `op.renameView('old', 'new', sql\`…\`, { … })`, `op.renameSequence('old', 'new', { … })`…: the old name, then
 * what `op.create…` takes for the object as it is named now (a database that cannot rename it re-creates it).
 */
export function renameObjectDoc(operation: RenameObjectOp, imports: ImportSet): Doc {
  const created = creationDoc(operation, imports)
  if (created.t !== 'call' || created.callee.t !== 'text') throw new Error(`cannot render ${operation.describe()}`)
  return call(created.callee.text.replace('op.create', 'op.rename'), text(stringLiteral(operation.from)), ...created.args)
}
