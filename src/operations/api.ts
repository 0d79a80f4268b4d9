import type { SqlFragment } from '../schema/sql.js'
import { CreateViewOp, DropViewOp, ReplaceViewOp } from './view-ops.js'
import { type MaterializedViewOptions, type ViewOptions, materializedViewModel, viewModel } from '../schema/view.js'
import { type SequenceOptions, sequenceModel } from '../schema/sequence.js'
import { AlterSequenceOp, CreateSequenceOp, DropSequenceOp } from './sequence-ops.js'
import { RenameObjectOp } from './rename-object-op.js'
import { type FunctionOptions, type RoutineOptions, type TriggerOptions, routineModel, triggerModel } from '../schema/routines.js'
import { type ExtensionOptions, type PolicyOptions, extensionModel, policyModel } from '../schema/postgres-objects.js'
import { CreateExtensionOp, CreatePolicyOp, DropExtensionOp, DropPolicyOp, ReplacePolicyOp, SetRowSecurityOp } from './postgres-object-ops.js'
import { type PartitionValues, partitionBound } from '../schema/partitions.js'
import { AlterPartitionBoundOp, CreatePartitionOp, DropPartitionOp } from './partition-ops.js'
import { CreateRoutineOp, CreateTriggerOp, DropRoutineOp, DropTriggerOp, ReplaceRoutineOp, ReplaceTriggerOp } from './routine-ops.js'
import { type SchemaOption, TableOperations } from './table-api.js'

export { type AlterColumnOptions, type CreateIndexOptions, type DefaultInput, type ForeignKeyOpOptions, type IndexElementInput, type OperationSink, type SchemaOption } from './table-api.js'

/**
 * The `op` object a migration receives: the table operations and their queue (table-api.ts), and the database
 * objects beside tables (views, materialized views, sequences, routines, triggers, extensions, row-level security,
 * partitions).
 */
export class Operations extends TableOperations {
  createView(name: string, definition: string | SqlFragment, options: ViewOptions = {}): Promise<void> {
    return this.emit(new CreateViewOp(viewModel(name, definition, options)))
  }

  /** `definition` (and the view's other options) make the drop reversible. */
  dropView(name: string, options: ViewOptions & { definition?: string | SqlFragment } = {}): Promise<void> {
    const { definition, ...rest } = options
    const old = definition === undefined ? undefined : viewModel(name, definition, rest)
    return this.emit(new DropViewOp(name, options.schema ?? null, old))
  }

  /** A new definition for a view; `existing` (the old one) makes it reversible. */
  replaceView(name: string, definition: string | SqlFragment, options: ViewOptions & { existing?: Omit<ViewOptions, 'schema'> & { definition: string | SqlFragment } } = {}): Promise<void> {
    const { existing, ...rest } = options
    const old = existing ? viewModel(name, existing.definition, { ...existing, ...(rest.schema ? { schema: rest.schema } : {}) }) : undefined
    return this.emit(new ReplaceViewOp(viewModel(name, definition, rest), old))
  }

  /** A materialized view (PostgreSQL) with its indexes; `withData: false` leaves it empty until a REFRESH. */
  createMaterializedView(name: string, definition: string | SqlFragment, options: MaterializedViewOptions = {}): Promise<void> {
    return this.emit(new CreateViewOp(materializedViewModel(name, definition, options)))
  }

  /** `definition` (and the view's other options) make the drop reversible. */
  dropMaterializedView(name: string, options: MaterializedViewOptions & { definition?: string | SqlFragment } = {}): Promise<void> {
    const { definition, ...rest } = options
    const old = definition === undefined ? undefined : materializedViewModel(name, definition, rest)
    return this.emit(new DropViewOp(name, options.schema ?? null, old, null, true))
  }

  /** A sequence (PostgreSQL). */
  createSequence(name: string, options: SequenceOptions = {}): Promise<void> {
    return this.emit(new CreateSequenceOp(sequenceModel(name, options)))
  }

  /** The options are the sequence's as it is: what the downgrade creates again. */
  dropSequence(name: string, options: SequenceOptions = {}): Promise<void> {
    return this.emit(new DropSequenceOp(name, options.schema ?? null, sequenceModel(name, options)))
  }

  /** New options or owner (the current value is kept); `existing` (the options before) makes it reversible. */
  alterSequence(name: string, options: SequenceOptions & { existing?: Omit<SequenceOptions, 'schema'> }): Promise<void> {
    const { existing, ...rest } = options
    const old = existing ? sequenceModel(name, { ...existing, ...(rest.schema ? { schema: rest.schema } : {}) }) : undefined
    return this.emit(new AlterSequenceOp(sequenceModel(name, rest), old))
  }

  /**
   * Renames (ALTER … RENAME TO where the database can; dropped and created again where it cannot): the old name,
   * then what the matching `create…` takes for the object under its new name.
   */
  renameView(from: string, to: string, definition: string | SqlFragment, options: ViewOptions = {}): Promise<void> {
    return this.emit(new RenameObjectOp(from, to, { kind: 'view', model: viewModel(to, definition, options) }))
  }

  renameMaterializedView(from: string, to: string, definition: string | SqlFragment, options: MaterializedViewOptions = {}): Promise<void> {
    return this.emit(new RenameObjectOp(from, to, { kind: 'view', model: materializedViewModel(to, definition, options) }))
  }

  renameSequence(from: string, to: string, options: SequenceOptions = {}): Promise<void> {
    return this.emit(new RenameObjectOp(from, to, { kind: 'sequence', model: sequenceModel(to, options) }))
  }

  renameFunction(from: string, to: string, options: FunctionOptions): Promise<void> {
    return this.emit(new RenameObjectOp(from, to, { kind: 'routine', model: routineModel('function', to, options) }))
  }

  renameProcedure(from: string, to: string, options: RoutineOptions): Promise<void> {
    return this.emit(new RenameObjectOp(from, to, { kind: 'routine', model: routineModel('procedure', to, options) }))
  }

  renameTrigger(from: string, to: string, options: TriggerOptions & SchemaOption): Promise<void> {
    return this.emit(new RenameObjectOp(from, to, { kind: 'trigger', model: triggerModel(to, options) }))
  }

  createFunction(name: string, options: FunctionOptions): Promise<void> {
    return this.emit(new CreateRoutineOp(routineModel('function', name, options)))
  }

  createProcedure(name: string, options: RoutineOptions): Promise<void> {
    return this.emit(new CreateRoutineOp(routineModel('procedure', name, options)))
  }

  /** `existing` (the function as it is) makes the drop reversible. */
  dropFunction(name: string, options: { schema?: string; existing?: FunctionOptions } = {}): Promise<void> {
    const old = options.existing ? routineModel('function', name, { ...options.existing, ...(options.schema ? { schema: options.schema } : {}) }) : undefined
    return this.emit(new DropRoutineOp('function', name, options.schema ?? null, old))
  }

  dropProcedure(name: string, options: { schema?: string; existing?: RoutineOptions } = {}): Promise<void> {
    const old = options.existing ? routineModel('procedure', name, { ...options.existing, ...(options.schema ? { schema: options.schema } : {}) }) : undefined
    return this.emit(new DropRoutineOp('procedure', name, options.schema ?? null, old))
  }

  replaceFunction(name: string, options: FunctionOptions & { existing?: FunctionOptions }): Promise<void> {
    const { existing, ...rest } = options
    const old = existing ? routineModel('function', name, { ...existing, ...(rest.schema ? { schema: rest.schema } : {}) }) : undefined
    return this.emit(new ReplaceRoutineOp(routineModel('function', name, rest), old))
  }

  replaceProcedure(name: string, options: RoutineOptions & { existing?: RoutineOptions }): Promise<void> {
    const { existing, ...rest } = options
    const old = existing ? routineModel('procedure', name, { ...existing, ...(rest.schema ? { schema: rest.schema } : {}) }) : undefined
    return this.emit(new ReplaceRoutineOp(routineModel('procedure', name, rest), old))
  }

  createTrigger(name: string, options: TriggerOptions & SchemaOption): Promise<void> {
    return this.emit(new CreateTriggerOp(triggerModel(name, options)))
  }

  /** `existing` (the trigger as it is, without its table) makes the drop reversible. */
  dropTrigger(name: string, options: SchemaOption & { table: string; existing?: Omit<TriggerOptions, 'table'> }): Promise<void> {
    const old = options.existing ? triggerModel(name, { ...options.existing, table: options.table, ...(options.schema ? { schema: options.schema } : {}) }) : undefined
    return this.emit(new DropTriggerOp(name, options.table, options.schema ?? null, old))
  }

  replaceTrigger(name: string, options: TriggerOptions & SchemaOption & { existing?: Omit<TriggerOptions, 'table'> }): Promise<void> {
    const { existing, ...rest } = options
    const old = existing ? triggerModel(name, { ...existing, table: rest.table, ...(rest.schema ? { schema: rest.schema } : {}) }) : undefined
    return this.emit(new ReplaceTriggerOp(triggerModel(name, rest), old))
  }

  createExtension(name: string, options: ExtensionOptions = {}): Promise<void> {
    return this.emit(new CreateExtensionOp(extensionModel(name, options)))
  }

  dropExtension(name: string, options: ExtensionOptions = {}): Promise<void> {
    return this.emit(new DropExtensionOp(name, extensionModel(name, options)))
  }

  /** `ALTER TABLE … ENABLE | DISABLE ROW LEVEL SECURITY` (PostgreSQL). */
  setRowSecurity(tableName: string, enabled: boolean, options: SchemaOption = {}): Promise<void> {
    return this.emit(new SetRowSecurityOp(tableName, enabled, options.schema ?? null))
  }

  createPolicy(name: string, options: PolicyOptions): Promise<void> {
    return this.emit(new CreatePolicyOp(policyModel(name, options)))
  }

  /** `existing` (the policy as it is, without its table) makes the drop reversible. */
  dropPolicy(name: string, options: SchemaOption & { table: string; existing?: Omit<PolicyOptions, 'table' | 'schema'> }): Promise<void> {
    const old = options.existing ? policyModel(name, { ...options.existing, table: options.table, ...(options.schema ? { schema: options.schema } : {}) }) : undefined
    return this.emit(new DropPolicyOp(name, options.table, options.schema ?? null, old))
  }

  replacePolicy(name: string, options: PolicyOptions & { existing?: Omit<PolicyOptions, 'table' | 'schema'> }): Promise<void> {
    const { existing, ...rest } = options
    const old = existing ? policyModel(name, { ...existing, table: rest.table, ...(rest.schema ? { schema: rest.schema } : {}) }) : undefined
    return this.emit(new ReplacePolicyOp(policyModel(name, rest), old))
  }

  /** `CREATE TABLE name PARTITION OF of FOR VALUES …` (PostgreSQL). */
  createPartition(name: string, options: SchemaOption & { of: string; values: PartitionValues }): Promise<void> {
    return this.emit(new CreatePartitionOp({ name, schema: options.schema ?? null, parent: options.of, bound: partitionBound(name, options.values) }))
  }

  /** Drops a partition and its rows; `existing` (its parent and values) makes the drop reversible. */
  dropPartition(name: string, options: SchemaOption & { existing?: { of: string; values: PartitionValues } } = {}): Promise<void> {
    const schema = options.schema ?? null
    const old = options.existing ? { name, schema, parent: options.existing.of, bound: partitionBound(name, options.existing.values) } : undefined
    return this.emit(new DropPartitionOp(name, schema, old))
  }

  /** New values for a partition, keeping its rows (DETACH, then ATTACH); `existing` makes it reversible. */
  alterPartitionBound(name: string, options: SchemaOption & { of: string; values: PartitionValues; existing?: PartitionValues }): Promise<void> {
    const partition = { name, schema: options.schema ?? null, parent: options.of, bound: partitionBound(name, options.values) }
    return this.emit(new AlterPartitionBoundOp(partition, options.existing ? partitionBound(name, options.existing) : undefined))
  }
}
