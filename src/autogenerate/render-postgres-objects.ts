import type { PostgresObjectOperation } from '../operations/object-kinds.js'
import type { ExtensionModel, PolicyModel } from '../schema/model.js'
import { type Doc, call, object, text } from './render-layout.js'
import { type ImportSet, namesDoc, sqlTemplate, stringLiteral } from './render-values.js'

type Entry = { key: string; value: Doc }
const str = (value: string): Doc => text(stringLiteral(value))
const entry = (key: string, value: Doc): Entry => ({ key, value })

export function extensionArgs(e: ExtensionModel): Doc[] {
  const entries: Entry[] = []
  if (e.schema) entries.push(entry('schema', str(e.schema)))
  if (e.version) entries.push(entry('version', str(e.version)))
  return entries.length ? [str(e.name), object(entries)] : [str(e.name)]
}

/** A policy's options, its table and schema left out. */
export function policyEntries(p: PolicyModel, imports: ImportSet): Entry[] {
  const entries: Entry[] = [entry('for', str(p.for))]
  if (p.to.length) entries.push(entry('to', namesDoc(p.to)))
  if (p.using) entries.push(entry('using', text(sqlTemplate(p.using, imports))))
  if (p.withCheck) entries.push(entry('withCheck', text(sqlTemplate(p.withCheck, imports))))
  if (!p.permissive) entries.push(entry('permissive', text('false')))
  return entries
}

const tableEntries = (table: string, schema: string | null | undefined): Entry[] => [entry('table', str(table)), ...(schema ? [entry('schema', str(schema))] : [])]


export function postgresObjectDoc(operation: PostgresObjectOperation, imports: ImportSet): Doc {
  const op = (name: string, ...args: Doc[]) => call(`op.${name}`, ...args)
  switch (operation.kind) {
    case 'createExtension':
      return op('createExtension', ...extensionArgs(operation.extension))
    case 'dropExtension':
      return op('dropExtension', ...extensionArgs(operation.extension ?? { name: operation.name }))
    case 'setRowSecurity': {
      const args = [str(operation.table), text(String(operation.enabled))]
      return operation.schema ? op('setRowSecurity', ...args, object([entry('schema', str(operation.schema))])) : op('setRowSecurity', ...args)
    }
    case 'createPolicy': {
      const p = operation.policy
      return op('createPolicy', str(p.name), object([...tableEntries(p.table, p.schema), ...policyEntries(p, imports)]))
    }
    case 'dropPolicy': {
      const existing = operation.policy ? [entry('existing', object(policyEntries(operation.policy, imports)))] : []
      return op('dropPolicy', str(operation.name), object([...tableEntries(operation.table, operation.schema), ...existing]))
    }
    case 'replacePolicy': {
      const p = operation.policy
      const existing = operation.existing ? [entry('existing', object(policyEntries(operation.existing, imports)))] : []
      return op('replacePolicy', str(p.name), object([...tableEntries(p.table, p.schema), ...policyEntries(p, imports), ...existing]))
    }
  }
}
