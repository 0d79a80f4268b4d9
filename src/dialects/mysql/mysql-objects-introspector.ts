/**
 * Views, routines and triggers of a MySQL/MariaDB database, read as JSON columns of the introspector's first
 * query (no extra round trip: introspection keeps its fixed query count), plus strata's records
 * (strata_objects) in one more query only when the database has such objects and the table.
 */
import type { Connection } from '../dialect.js'
import type { RoutineModel, TriggerModel, ViewModel } from '../../schema/model.js'
import { quoteMysqlIdentifier as q } from './mysql-sql.js'
import { type ParameterRow, type RoutineRow, type TriggerRow, reflectRoutine, reflectTrigger } from './mysql-routines.js'
import { OBJECTS_TABLE, type ViewRow, reflectView } from './mysql-views.js'

/** Columns to add to a `SELECT DATABASE() AS db` query. */
export const MYSQL_OBJECT_COLUMNS = `
  (SELECT JSON_ARRAYAGG(JSON_OBJECT('name', TABLE_NAME, 'definition', VIEW_DEFINITION, 'fingerprint', md5(VIEW_DEFINITION), 'checkOption', CHECK_OPTION))
     FROM information_schema.VIEWS WHERE TABLE_SCHEMA = DATABASE()) AS views_json,
  (SELECT JSON_ARRAYAGG(JSON_OBJECT('name', ROUTINE_NAME, 'type', ROUTINE_TYPE, 'body', ROUTINE_DEFINITION, 'returns', DTD_IDENTIFIER,
          'deterministic', IS_DETERMINISTIC, 'security', SECURITY_TYPE, 'fingerprint', md5(ROUTINE_DEFINITION)))
     FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = DATABASE()) AS routines_json,
  (SELECT JSON_ARRAYAGG(JSON_OBJECT('name', SPECIFIC_NAME, 'position', ORDINAL_POSITION, 'param', PARAMETER_NAME, 'type', DTD_IDENTIFIER, 'mode', PARAMETER_MODE))
     FROM information_schema.PARAMETERS WHERE SPECIFIC_SCHEMA = DATABASE() AND ORDINAL_POSITION > 0) AS parameters_json,
  (SELECT JSON_ARRAYAGG(JSON_OBJECT('name', TRIGGER_NAME, 'table', EVENT_OBJECT_TABLE, 'timing', ACTION_TIMING, 'event', EVENT_MANIPULATION,
          'body', ACTION_STATEMENT, 'fingerprint', md5(ACTION_STATEMENT)))
     FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE()) AS triggers_json,
  (SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '${OBJECTS_TABLE}') AS has_records`

export interface ObjectColumns {
  db: string | null
  views_json: string | unknown[] | null
  routines_json: string | unknown[] | null
  parameters_json: string | unknown[] | null
  triggers_json: string | unknown[] | null
  has_records: number | string
}

/** MariaDB returns JSON as text, MySQL as parsed values. */
function list<T>(value: string | unknown[] | null): T[] {
  if (value === null) return []
  return (typeof value === 'string' ? JSON.parse(value) : value) as T[]
}

const byName = <T extends { name: string }>(a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)

export async function mysqlObjects(connection: Connection, row: ObjectColumns): Promise<{ views: ViewModel[]; routines: RoutineModel[]; triggers: TriggerModel[] }> {
  const views = list<ViewRow>(row.views_json).sort(byName)
  const routines = list<RoutineRow>(row.routines_json).sort(byName)
  const parameters = list<ParameterRow>(row.parameters_json).sort((a, b) => a.position - b.position)
  const triggers = list<TriggerRow>(row.triggers_json).sort(byName)
  const records = new Map<string, { fingerprint: string; json: string }>()
  if (Number(row.has_records) > 0 && views.length + routines.length + triggers.length > 0)
    for (const r of await connection.query<{ kind: string; name: string; fingerprint: string; record: string }>(`SELECT kind, name, fingerprint, record FROM ${q(OBJECTS_TABLE)}`))
      records.set(`${r.kind}:${r.name}`, { fingerprint: r.fingerprint, json: r.record })
  const recordOf = (kind: string, name: string) => records.get(`${kind}:${name}`)
  return {
    views: views.map((v) => reflectView(v, recordOf('view', v.name), row.db)),
    routines: routines.map((r) => reflectRoutine(r, parameters, recordOf)),
    triggers: triggers.map((t) => reflectTrigger(t, recordOf('trigger', t.name))),
  }
}
