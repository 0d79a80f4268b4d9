import { CreateExtensionOp, CreatePolicyOp, DropExtensionOp, DropPolicyOp, ReplacePolicyOp, SetRowSecurityOp } from '../operations/postgres-object-ops.js'
import type { PolicyModel, SchemaModel } from '../schema/model.js'
import { qualifiedName } from '../schema/model.js'
import type { CompareScope } from './filters.js'
import { Phase, type Plan } from './ordering.js'
import type { CompareDialect } from './types.js'
import { normalizeViewSql } from './view-sql.js'

/** Extensions: added or removed; a declared schema or version that differs is a drop and a create. */
function diffExtensions(plan: Plan, target: SchemaModel, reflected: SchemaModel, scope: CompareScope): void {
  const present = new Map((reflected.extensions ?? []).filter((e) => scope.includes('extension', e, null, true, null)).map((e) => [e.name, e]))
  for (const e of (target.extensions ?? []).filter((x) => scope.includes('extension', x, null, false, null))) {
    const old = present.get(e.name)
    present.delete(e.name)
    const differs = old && ((e.schema && (old.schema ?? null) !== e.schema) || (e.version && old.version !== e.version))
    if (old && !differs) continue
    if (old) plan.add(Phase.DropExtension, [e.name], new DropExtensionOp(old.name, structuredClone(old)))
    plan.add(Phase.CreateExtension, [e.name], new CreateExtensionOp(structuredClone(e)))
  }
  for (const old of present.values()) plan.add(Phase.DropExtension, [old.name], new DropExtensionOp(old.name, structuredClone(old)))
}

function policyShape(p: PolicyModel): string {
  const roles = p.to.map((r) => r.toLowerCase()).filter((r) => r !== 'public').sort()
  return JSON.stringify([p.for, roles, normalizeViewSql(p.using ?? ''), normalizeViewSql(p.withCheck ?? ''), p.permissive])
}

/** Row-level security switches and policies, on tables in scope. Policies go before table changes and come back last. */
function diffPolicies(plan: Plan, target: SchemaModel, reflected: SchemaModel, scope: CompareScope): void {
  const inScope = (t: { table: string; schema?: string | null }) => scope.tableInScope({ name: t.table, schema: t.schema ?? null })
  const rlsKey = (r: { table: string; schema?: string | null }) => qualifiedName(r.table, r.schema)
  const enabled = new Set((reflected.rowSecurity ?? []).filter(inScope).map(rlsKey))
  const wanted = new Set((target.rowSecurity ?? []).filter(inScope).map(rlsKey))
  const tableExists = new Set(reflected.tables.map((t) => qualifiedName(t.name, t.schema)))
  for (const r of target.rowSecurity ?? [])
    if (inScope(r) && !enabled.has(rlsKey(r))) plan.add(Phase.CreatePolicy, [0, rlsKey(r)], new SetRowSecurityOp(r.table, true, r.schema ?? null))
  // A table dropped by this plan takes its setting with it.
  for (const r of reflected.rowSecurity ?? [])
    if (inScope(r) && !wanted.has(rlsKey(r)) && tableExists.has(rlsKey(r)) && target.tables.some((t) => qualifiedName(t.name, t.schema) === rlsKey(r)))
      plan.add(Phase.DropPolicy, [1, rlsKey(r)], new SetRowSecurityOp(r.table, false, r.schema ?? null))

  const policyKey = (p: PolicyModel) => `${qualifiedName(p.table, p.schema)}.${p.name}`
  const present = new Map((reflected.policies ?? []).filter((p) => inScope(p) && scope.includes('policy', p, null, true, null)).map((p) => [policyKey(p), p]))
  for (const p of (target.policies ?? []).filter((x) => inScope(x) && scope.includes('policy', x, null, false, null))) {
    const old = present.get(policyKey(p))
    present.delete(policyKey(p))
    if (!old) plan.add(Phase.CreatePolicy, [1, policyKey(p)], new CreatePolicyOp(structuredClone(p)))
    else if (policyShape(old) !== policyShape(p)) plan.add(Phase.CreatePolicy, [1, policyKey(p)], new ReplacePolicyOp(structuredClone(p), structuredClone(old)))
  }
  for (const [key, old] of present) plan.add(Phase.DropPolicy, [0, key], new DropPolicyOp(old.name, old.table, old.schema ?? null, structuredClone(old)))
}

/** PostgreSQL's extensions and row-level security, where the dialect has them. */
export function diffPostgresObjects(plan: Plan, target: SchemaModel, reflected: SchemaModel, scope: CompareScope, dialect: CompareDialect): void {
  if (dialect.features.extensions) diffExtensions(plan, target, reflected, scope)
  if (dialect.features.rowSecurity) diffPolicies(plan, target, reflected, scope)
}
