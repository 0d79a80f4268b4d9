export { Operation, NotReversibleError } from './base.js'
export { CreateTableOp, DropTableOp, RenameTableOp, SetTableCommentOp } from './table-ops.js'
export { AddColumnOp, DropColumnOp, RenameColumnOp, AlterColumnOp, type ColumnChanges } from './column-ops.js'
export {
  CreateIndexOp,
  DropIndexOp,
  AddUniqueOp,
  DropUniqueOp,
  AddCheckOp,
  DropCheckOp,
  AddForeignKeyOp,
  DropForeignKeyOp,
  AddPrimaryKeyOp,
  DropPrimaryKeyOp,
} from './constraint-ops.js'
export { CreateEnumOp, DropEnumOp, AddEnumValueOp, RenameEnumValueOp, AlterEnumOp, type EnumUsage } from './enum-ops.js'
export { CreateSchemaOp, DropSchemaOp, ExecuteOp, BulkInsertOp, type RowValue } from './misc-ops.js'
export { RenameConstraintOp, type RenamedKind } from './rename-constraint-op.js'
export { CreateViewOp, DropViewOp, ReplaceViewOp, type RecreateReason } from './view-ops.js'
export { CreateExtensionOp, DropExtensionOp, SetRowSecurityOp, CreatePolicyOp, DropPolicyOp, ReplacePolicyOp } from './postgres-object-ops.js'
export { CreateRoutineOp, DropRoutineOp, ReplaceRoutineOp, CreateTriggerOp, DropTriggerOp, ReplaceTriggerOp } from './routine-ops.js'
export { CreatePartitionOp, DropPartitionOp, AlterPartitionBoundOp } from './partition-ops.js'
export { CreateSequenceOp, DropSequenceOp, AlterSequenceOp } from './sequence-ops.js'
export { RenameObjectOp, type RenamedObject } from './rename-object-op.js'

import type { CreateTableOp, DropTableOp, RenameTableOp, SetTableCommentOp } from './table-ops.js'
import type { AddColumnOp, DropColumnOp, RenameColumnOp, AlterColumnOp } from './column-ops.js'
import type {
  CreateIndexOp,
  DropIndexOp,
  AddUniqueOp,
  DropUniqueOp,
  AddCheckOp,
  DropCheckOp,
  AddForeignKeyOp,
  DropForeignKeyOp,
  AddPrimaryKeyOp,
  DropPrimaryKeyOp,
} from './constraint-ops.js'
import type { CreateEnumOp, DropEnumOp, AddEnumValueOp, RenameEnumValueOp, AlterEnumOp } from './enum-ops.js'
import type { CreateSchemaOp, DropSchemaOp, ExecuteOp, BulkInsertOp } from './misc-ops.js'
import type { RenameConstraintOp } from './rename-constraint-op.js'
import type { CreateViewOp, DropViewOp, ReplaceViewOp } from './view-ops.js'
import type { CreateExtensionOp, DropExtensionOp, SetRowSecurityOp, CreatePolicyOp, DropPolicyOp, ReplacePolicyOp } from './postgres-object-ops.js'
import type { CreateRoutineOp, DropRoutineOp, ReplaceRoutineOp, CreateTriggerOp, DropTriggerOp, ReplaceTriggerOp } from './routine-ops.js'
import type { CreatePartitionOp, DropPartitionOp, AlterPartitionBoundOp } from './partition-ops.js'
import type { CreateSequenceOp, DropSequenceOp, AlterSequenceOp } from './sequence-ops.js'
import type { RenameObjectOp } from './rename-object-op.js'

/** Every operation, as a discriminated union on `kind`: dialect compilers and the renderer switch over it. */
export type AnyOperation =
  | CreateTableOp
  | DropTableOp
  | RenameTableOp
  | SetTableCommentOp
  | AddColumnOp
  | DropColumnOp
  | RenameColumnOp
  | AlterColumnOp
  | CreateIndexOp
  | DropIndexOp
  | AddUniqueOp
  | DropUniqueOp
  | AddCheckOp
  | DropCheckOp
  | AddForeignKeyOp
  | DropForeignKeyOp
  | AddPrimaryKeyOp
  | DropPrimaryKeyOp
  | RenameConstraintOp
  | CreateEnumOp
  | DropEnumOp
  | AddEnumValueOp
  | RenameEnumValueOp
  | AlterEnumOp
  | CreateSchemaOp
  | DropSchemaOp
  | ExecuteOp
  | BulkInsertOp
  | CreateViewOp
  | DropViewOp
  | ReplaceViewOp
  | CreateRoutineOp
  | DropRoutineOp
  | ReplaceRoutineOp
  | CreateTriggerOp
  | DropTriggerOp
  | ReplaceTriggerOp
  | CreateExtensionOp
  | DropExtensionOp
  | SetRowSecurityOp
  | CreatePolicyOp
  | DropPolicyOp
  | ReplacePolicyOp
  | CreatePartitionOp
  | DropPartitionOp
  | AlterPartitionBoundOp
  | CreateSequenceOp
  | DropSequenceOp
  | AlterSequenceOp
  | RenameObjectOp
