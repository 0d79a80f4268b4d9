import type { AnyOperation } from './index.js'
import type { ExtensionModel, PolicyModel, SchemaModel } from '../schema/model.js'
import { NotReversibleError, Operation, display } from './base.js'

export class CreateExtensionOp extends Operation {
  readonly kind = 'createExtension'
  constructor(readonly extension: ExtensionModel) {
    super()
  }
  reverse(): AnyOperation {
    return new DropExtensionOp(this.extension.name, structuredClone(this.extension))
  }
  describe(): string {
    return `added extension '${this.extension.name}'`
  }
  apply(model: SchemaModel): void {
    model.extensions = [...(model.extensions ?? []).filter((e) => e.name !== this.extension.name), structuredClone(this.extension)]
  }
}

export class DropExtensionOp extends Operation {
  readonly kind = 'dropExtension'
  constructor(readonly name: string, readonly extension?: ExtensionModel) {
    super()
  }
  reverse(): AnyOperation {
    return new CreateExtensionOp(structuredClone(this.extension ?? { name: this.name, schema: null }))
  }
  describe(): string {
    return `removed extension '${this.name}'`
  }
  apply(model: SchemaModel): void {
    model.extensions = (model.extensions ?? []).filter((e) => e.name !== this.name)
  }
}

/** `ALTER TABLE … ENABLE | DISABLE ROW LEVEL SECURITY`. */
export class SetRowSecurityOp extends Operation {
  readonly kind = 'setRowSecurity'
  constructor(readonly table: string, readonly enabled: boolean, readonly schema: string | null = null) {
    super()
  }
  reverse(): AnyOperation {
    return new SetRowSecurityOp(this.table, !this.enabled, this.schema)
  }
  describe(): string {
    return `${this.enabled ? 'enabled' : 'disabled'} row-level security on '${display(this.table, this.schema)}'`
  }
  apply(model: SchemaModel): void {
    const others = (model.rowSecurity ?? []).filter((r) => !(r.table === this.table && (r.schema ?? null) === this.schema))
    model.rowSecurity = this.enabled ? [...others, { table: this.table, schema: this.schema }] : others
  }
}

const samePolicy = (a: { name: string; table: string; schema?: string | null }, b: { name: string; table: string; schema?: string | null }) =>
  a.name === b.name && a.table === b.table && (a.schema ?? null) === (b.schema ?? null)

export class CreatePolicyOp extends Operation {
  readonly kind = 'createPolicy'
  constructor(readonly policy: PolicyModel) {
    super()
  }
  reverse(): AnyOperation {
    return new DropPolicyOp(this.policy.name, this.policy.table, this.policy.schema ?? null, structuredClone(this.policy))
  }
  describe(): string {
    return `added policy '${this.policy.name}' on '${display(this.policy.table, this.policy.schema)}'`
  }
  apply(model: SchemaModel): void {
    model.policies = [...(model.policies ?? []).filter((p) => !samePolicy(p, this.policy)), structuredClone(this.policy)]
  }
}

export class DropPolicyOp extends Operation {
  readonly kind = 'dropPolicy'
  constructor(readonly name: string, readonly table: string, readonly schema: string | null = null, readonly policy?: PolicyModel) {
    super()
  }
  reverse(): AnyOperation {
    if (!this.policy) throw new NotReversibleError(`dropPolicy('${this.name}')`, 'its definition is unknown')
    return new CreatePolicyOp(structuredClone(this.policy))
  }
  describe(): string {
    return `removed policy '${this.name}' on '${display(this.table, this.schema)}'`
  }
  apply(model: SchemaModel): void {
    model.policies = (model.policies ?? []).filter((p) => !samePolicy(p, this))
  }
}

export class ReplacePolicyOp extends Operation {
  readonly kind = 'replacePolicy'
  constructor(readonly policy: PolicyModel, readonly existing?: PolicyModel) {
    super()
  }
  reverse(): AnyOperation {
    if (!this.existing) throw new NotReversibleError(`replacePolicy('${this.policy.name}')`, 'the old definition is unknown')
    return new ReplacePolicyOp(structuredClone(this.existing), structuredClone(this.policy))
  }
  describe(): string {
    return `changed policy '${this.policy.name}' on '${display(this.policy.table, this.policy.schema)}'`
  }
  apply(model: SchemaModel): void {
    model.policies = [...(model.policies ?? []).filter((p) => !samePolicy(p, this.policy)), structuredClone(this.policy)]
  }
}
