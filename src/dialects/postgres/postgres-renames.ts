/**
 * Renames of views, materialized views, sequences, functions, procedures and triggers: ALTER … RENAME TO keeps the
 * object (its rows, current value, grants, and what refers to it by oid). A routine's or trigger's record comment is
 * written again: the server's text it fingerprints names the object.
 */
import type { RenameObjectOp } from '../../operations/rename-object-op.js'
import { qualify, quoteIdentifier } from './postgres-quote.js'
import { routineRecordSql, triggerRecordSql } from './postgres-routines.js'

export function compilePostgresRename(op: RenameObjectOp): string[] {
  const o = op.object
  const to = quoteIdentifier(op.to)
  switch (o.kind) {
    case 'view':
      return [`ALTER ${o.model.materialized ? 'MATERIALIZED VIEW' : 'VIEW'} ${qualify(op.from, op.schema)} RENAME TO ${to}`]
    case 'sequence':
      return [`ALTER SEQUENCE ${qualify(op.from, op.schema)} RENAME TO ${to}`]
    case 'routine':
      return [`ALTER ${o.model.kind.toUpperCase()} ${qualify(op.from, op.schema)}(${o.model.args}) RENAME TO ${to}`, routineRecordSql(o.model)]
    case 'trigger':
      return [`ALTER TRIGGER ${quoteIdentifier(op.from)} ON ${qualify(o.model.table, op.schema)} RENAME TO ${to}`, triggerRecordSql(o.model)]
  }
}
