import type { AnyOperation } from './index.js'
import type { CreateExtensionOp, CreatePolicyOp, DropExtensionOp, DropPolicyOp, ReplacePolicyOp, SetRowSecurityOp } from './postgres-object-ops.js'
import type { CreateRoutineOp, CreateTriggerOp, DropRoutineOp, DropTriggerOp, ReplaceRoutineOp, ReplaceTriggerOp } from './routine-ops.js'
import type { CreateViewOp, DropViewOp, ReplaceViewOp } from './view-ops.js'
import type { AlterPartitionBoundOp, CreatePartitionOp, DropPartitionOp } from './partition-ops.js'
import type { AlterSequenceOp, CreateSequenceOp, DropSequenceOp } from './sequence-ops.js'

/** The operation families beyond tables, each compiled and rendered by a module of its own. */
export type ViewOperation = CreateViewOp | DropViewOp | ReplaceViewOp
export type RoutineOperation = CreateRoutineOp | DropRoutineOp | ReplaceRoutineOp | CreateTriggerOp | DropTriggerOp | ReplaceTriggerOp
export type PostgresObjectOperation = CreateExtensionOp | DropExtensionOp | SetRowSecurityOp | CreatePolicyOp | DropPolicyOp | ReplacePolicyOp
export type PartitionOperation = CreatePartitionOp | DropPartitionOp | AlterPartitionBoundOp
export type SequenceOperation = CreateSequenceOp | DropSequenceOp | AlterSequenceOp

const VIEW_KINDS = new Set<string>(['createView', 'dropView', 'replaceView'])
const ROUTINE_KINDS = new Set<string>(['createRoutine', 'dropRoutine', 'replaceRoutine', 'createTrigger', 'dropTrigger', 'replaceTrigger'])
const POSTGRES_OBJECT_KINDS = new Set<string>(['createExtension', 'dropExtension', 'setRowSecurity', 'createPolicy', 'dropPolicy', 'replacePolicy'])

export function isViewOperation(op: AnyOperation): op is ViewOperation {
  return VIEW_KINDS.has(op.kind)
}

export function isRoutineOperation(op: AnyOperation): op is RoutineOperation {
  return ROUTINE_KINDS.has(op.kind)
}

export function isPostgresObjectOperation(op: AnyOperation): op is PostgresObjectOperation {
  return POSTGRES_OBJECT_KINDS.has(op.kind)
}

const PARTITION_KINDS = new Set<string>(['createPartition', 'dropPartition', 'alterPartitionBound'])

export function isPartitionOperation(op: AnyOperation): op is PartitionOperation {
  return PARTITION_KINDS.has(op.kind)
}

const SEQUENCE_KINDS = new Set<string>(['createSequence', 'dropSequence', 'alterSequence'])

export function isSequenceOperation(op: AnyOperation): op is SequenceOperation {
  return SEQUENCE_KINDS.has(op.kind)
}
