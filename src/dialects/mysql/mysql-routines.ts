/**
 * Functions, procedures and triggers on MySQL/MariaDB. A MySQL trigger has one event, runs for each row, has no
 * WHEN, and its body is SQL (`INSERT …`, or `BEGIN … END`). strata records each declaration in strata_objects
 * with an md5 of the server's text (mysql-views.ts).
 */
import type { RoutineOperation } from '../../operations/object-kinds.js'
import type { CompilersFor } from '../shared/compiler-table.js'
import type { RoutineModel, TriggerModel } from '../../schema/model.js'
import { recorded, routineRecordJson, triggerRecordJson } from '../shared/object-record.js'
import { checkIdentifierLength, quoteMysqlIdentifier as q, quoteMysqlString } from './mysql-sql.js'
import { ENSURE_OBJECTS_TABLE, OBJECTS_TABLE } from './mysql-views.js'

const KEYWORD = { function: 'FUNCTION', procedure: 'PROCEDURE' } as const

function createRoutineSql(r: RoutineModel): string {
  checkIdentifierLength(r.name, r.kind)
  if (r.language !== 'sql') throw new Error(`${r.kind} '${r.name}': MySQL routines are written in SQL (language '${r.language}' is PostgreSQL's)`)
  const parts = [`CREATE ${KEYWORD[r.kind]} ${q(r.name)}(${r.args})`]
  if (r.kind === 'function') parts.push(`RETURNS ${r.returns}`)
  if (r.volatility === 'immutable') parts.push('DETERMINISTIC')
  if (r.security) parts.push(`SQL SECURITY ${r.security.toUpperCase()}`)
  return `${parts.join(' ')}\n${r.body}`
}

/** Upserts the record of a routine or trigger; `serverText` selects the server's text of it. */
function recordSql(kind: string, name: string, serverText: string, json: string): string[] {
  return [
    ENSURE_OBJECTS_TABLE,
    `REPLACE INTO ${q(OBJECTS_TABLE)} (kind, name, fingerprint, record)
SELECT ${quoteMysqlString(kind)}, ${quoteMysqlString(name)}, md5(${serverText}), ${quoteMysqlString(json)}`,
  ]
}

function routineRecordSql(r: RoutineModel): string[] {
  const text = `(SELECT ROUTINE_DEFINITION FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = DATABASE() AND ROUTINE_TYPE = '${KEYWORD[r.kind]}' AND ROUTINE_NAME = ${quoteMysqlString(r.name)})`
  return recordSql(r.kind, r.name, text, routineRecordJson(r))
}

function createTriggerSql(t: TriggerModel): string {
  checkIdentifierLength(t.name, 'trigger')
  if (!t.body) throw new Error(`trigger '${t.name}': MySQL triggers run a body (body: sql\`…\`), not a function`)
  if (t.events.length !== 1 || t.events[0] === 'truncate') throw new Error(`trigger '${t.name}': a MySQL trigger has exactly one event (insert, update or delete): declare one trigger per event`)
  if (t.forEach !== 'row') throw new Error(`trigger '${t.name}': MySQL triggers run for each row`)
  if (t.when) throw new Error(`trigger '${t.name}': MySQL triggers have no WHEN condition: put an IF in the body`)
  if (t.arguments?.length) throw new Error(`trigger '${t.name}': MySQL triggers take no arguments (they run a body)`)
  if (t.updateOf?.length) throw new Error(`trigger '${t.name}': MySQL triggers have no UPDATE OF columns: compare NEW and OLD in the body`)
  if (t.timing === 'instead of') throw new Error(`trigger '${t.name}': MySQL has no INSTEAD OF triggers`)
  return `CREATE TRIGGER ${q(t.name)} ${t.timing.toUpperCase()} ${t.events[0]!.toUpperCase()} ON ${q(t.table)}\nFOR EACH ROW ${t.body}`
}

function triggerRecordSql(t: TriggerModel): string[] {
  const text = `(SELECT ACTION_STATEMENT FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE() AND TRIGGER_NAME = ${quoteMysqlString(t.name)})`
  return recordSql('trigger', t.name, text, triggerRecordJson(t))
}

function forgetSql(kind: string, name: string): string[] {
  return [ENSURE_OBJECTS_TABLE, `DELETE FROM ${q(OBJECTS_TABLE)} WHERE kind = ${quoteMysqlString(kind)} AND name = ${quoteMysqlString(name)}`]
}


export const mysqlRoutineCompilers = {
  createRoutine: (op) => [createRoutineSql(op.routine), ...routineRecordSql(op.routine)],
  dropRoutine: (op) => [`DROP ${KEYWORD[op.routineKind]} ${q(op.name)}`, ...forgetSql(op.routineKind, op.name)],
  replaceRoutine: (op) => [`DROP ${KEYWORD[op.routine.kind]} ${q(op.routine.name)}`, createRoutineSql(op.routine), ...routineRecordSql(op.routine)],
  createTrigger: (op) => [createTriggerSql(op.trigger), ...triggerRecordSql(op.trigger)],
  dropTrigger: (op) => [`DROP TRIGGER ${q(op.name)}`, ...forgetSql('trigger', op.name)],
  replaceTrigger: (op) => {
    const old = op.existing ?? op.trigger
    return [`DROP TRIGGER ${q(old.name)}`, createTriggerSql(op.trigger), ...triggerRecordSql(op.trigger)]
  },
} satisfies CompilersFor<RoutineOperation>

export interface RoutineRow {
  name: string
  type: 'FUNCTION' | 'PROCEDURE'
  body: string
  returns: string | null
  deterministic: string
  security: string
  fingerprint: string
}

export interface ParameterRow {
  name: string
  position: number
  param: string | null
  type: string
  mode: string | null
}

export interface TriggerRow {
  name: string
  table: string
  timing: string
  event: string
  body: string
  fingerprint: string
}

type RecordOf = (kind: string, name: string) => { fingerprint: string; json: string } | undefined

/** A routine from information_schema, with strata's record where it has one (else from the catalog). */
export function reflectRoutine(row: RoutineRow, parameters: ParameterRow[], recordOf: RecordOf): RoutineModel {
  const kind = row.type === 'PROCEDURE' ? 'procedure' : 'function'
  const own = recorded<RoutineModel>(recordOf(kind, row.name), row.fingerprint, { name: row.name, schema: null })
  if (own) return own
  const args = parameters.filter((p) => p.name === row.name).map((p) => `${kind === 'procedure' && p.mode ? `${p.mode} ` : ''}${p.param} ${p.type}`)
  const routine: RoutineModel = { kind, name: row.name, schema: null, args: args.join(', '), language: 'sql', body: row.body }
  if (kind === 'function') routine.returns = row.returns
  if (row.deterministic === 'YES') routine.volatility = 'immutable'
  if (row.security === 'INVOKER') routine.security = 'invoker'
  return routine
}

export function reflectTrigger(row: TriggerRow, record: { fingerprint: string; json: string } | undefined): TriggerModel {
  return (
    recorded<TriggerModel>(record, row.fingerprint, { name: row.name, schema: null, table: row.table }) ?? {
      name: row.name,
      schema: null,
      table: row.table,
      timing: row.timing.toLowerCase() === 'before' ? 'before' : 'after',
      events: [row.event.toLowerCase() as TriggerModel['events'][number]],
      forEach: 'row',
      body: row.body,
    }
  )
}
