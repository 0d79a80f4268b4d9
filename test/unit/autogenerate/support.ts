/** Shared helpers for the autogenerate unit tests: an identity dialect, model builders, and a renderer harness. */
import assert from 'node:assert/strict'
import { compareSchemas } from '../../../src/autogenerate/compare.js'
import { renderOperations } from '../../../src/autogenerate/render.js'
import type { CompareDialect, CompareOptions, DetectedChange } from '../../../src/autogenerate/types.js'
import { dialectEntry } from '../../../src/dialects/registry.js'
import { Operations, type OperationSink } from '../../../src/operations/api.js'
import type { AnyOperation } from '../../../src/operations/index.js'
import { buildSchemaModel } from '../../../src/schema/build.js'
import * as columns from '../../../src/schema/columns.js'
import { enumeration } from '../../../src/schema/enum.js'
import * as extras from '../../../src/schema/extras.js'
import type { SchemaModel } from '../../../src/schema/model.js'
import { sql } from '../../../src/schema/sql.js'
import { maxValue, minValue } from '../../../src/schema/partitions.js'

/** canonicalize = clone, defaults compared as JSON, expressions whitespace-collapsed and lower-cased. */
export function identityDialect(name: CompareDialect['name'] = 'postgres'): CompareDialect {
  return {
    name,
    features: dialectEntry(name).features,
    canonicalize: (model) => structuredClone(model),
    normalizeDefault: (value) => (value == null ? null : JSON.stringify(value)),
    normalizeExpression: (text) => text.replace(/\s+/g, ' ').trim().toLowerCase(),
  }
}

/** A schema model from DSL values (tables and enums). */
export function model(...values: unknown[]): SchemaModel {
  return buildSchemaModel(values)
}

/** What a database would reflect for a model: no rename hints. */
export function reflect(m: SchemaModel): SchemaModel {
  const copy = structuredClone(m)
  for (const t of copy.tables) {
    delete t.renamedFrom
    for (const c of t.columns) delete c.renamedFrom
  }
  for (const e of copy.enums) delete e.renamedValues
  return copy
}

/**
 * Compares with the reflected model frozen: compare must never change the model it is given (it plans against it
 * until a change is needed, then against a copy), and a missed change throws here instead of passing unseen.
 */
export function compare(target: SchemaModel, reflected: SchemaModel, options: Partial<CompareOptions> = {}): Promise<DetectedChange[]> {
  return compareSchemas(target, deepFreeze(reflected), { dialect: identityDialect(), ...options })
}

/** Freezes a value and everything reachable from it; returns it. */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value
  Object.freeze(value)
  for (const child of Object.values(value)) deepFreeze(child)
  return value
}

export function messages(changes: DetectedChange[]): string[] {
  return changes.map((c) => c.message)
}

export function kinds(changes: DetectedChange[]): string[] {
  return changes.map((c) => c.operation.kind)
}

/** Replays operations on a copy of `start` (what running them would leave in the database). */
export function applyAll(start: SchemaModel, operations: AnyOperation[]): SchemaModel {
  const result = structuredClone(start)
  for (const op of operations) op.apply(result)
  return result
}

/** The reverse operations in reverse order: what a downgrade runs. */
export function reverseAll(operations: AnyOperation[]): AnyOperation[] {
  return [...operations].reverse().flatMap((op) => op.reverseSteps())
}

/**
 * The full cycle every detected change list must pass: applying it gives a database equal to the target
 * (nothing left to detect), and reversing it gives back the database it started from.
 */
export async function assertRoundTrip(target: SchemaModel, reflected: SchemaModel, options: Partial<CompareOptions> = {}): Promise<DetectedChange[]> {
  const changes = await compare(target, reflected, options)
  const ops = changes.map((c) => c.operation)
  const upgraded = applyAll(reflected, ops)
  assert.deepEqual(messages(await compare(target, upgraded, { ...options, askRename: undefined })), [], 'nothing left after upgrade')
  const downgraded = applyAll(upgraded, reverseAll(ops))
  assert.deepEqual(messages(await compare(reflect(reflected), downgraded, { ...options, askRename: undefined })), [], 'back after downgrade')
  return changes
}

/** Every name a rendered migration may import from strata-db. */
export const LIBRARY: Record<string, unknown> = { ...columns, ...extras, enumeration, sql, minValue, maxValue }

const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor as new (...args: string[]) => (...values: unknown[]) => Promise<void>

/** Runs a rendered body against a recording sink; only the names listed in `imports` are in scope. */
export async function runRendered(body: string, imports: string[]): Promise<AnyOperation[]> {
  const recorded: AnyOperation[] = []
  const sink: OperationSink = {
    run: async (operation) => {
      recorded.push(operation)
    },
    query: async () => [],
    setAutocommit: async () => {},
  }
  const op = new Operations(sink)
  for (const name of imports) assert.ok(name in LIBRARY, `unknown import ${name}`)
  const fn = new AsyncFunction('op', ...imports, body)
  await fn(op, ...imports.map((name) => LIBRARY[name]))
  await op.drain()
  return recorded
}

// Payloads only reverse() needs: the op API cannot take them, so a rendered drop does not carry them.
const REVERSE_ONLY: Record<string, string> = {
  dropTable: 'table',
  dropColumn: 'column',
  dropIndex: 'object',
  dropUnique: 'object',
  dropCheck: 'object',
  dropForeignKey: 'object',
  dropEnum: 'enumType',
}

/** Plain data for comparing operations: absent, null and undefined optional facts are the same. */
export function normalizeOp(operation: AnyOperation): unknown {
  const plain: Record<string, unknown> = { ...operation }
  const drop = REVERSE_ONLY[operation.kind]
  if (drop) delete plain[drop]
  return prune(plain)
}

function prune(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(prune)
  if (value && typeof value === 'object' && !(value instanceof Date) && !Buffer.isBuffer(value)) {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) {
      if (v === null || v === undefined) continue
      if (k === 'withTimezone' && v === false) continue
      out[k] = prune(v)
    }
    return out
  }
  return value
}

/** Renders operations, runs both bodies, and checks they rebuild the operations and their reverses. */
export async function assertRenderRoundTrip(operations: AnyOperation[]): Promise<{ upgrade: string; downgrade: string; imports: string[] }> {
  const rendered = renderOperations(operations)
  const up = await runRendered(rendered.upgrade, rendered.imports)
  assert.deepEqual(up.map(normalizeOp), operations.map(normalizeOp), `upgrade round trip:\n${rendered.upgrade}`)
  const down = await runRendered(rendered.downgrade, rendered.imports)
  assert.deepEqual(down.map(normalizeOp), reverseAll(operations).map(normalizeOp), `downgrade round trip:\n${rendered.downgrade}`)
  return rendered
}

export { columns, extras, enumeration, sql }
