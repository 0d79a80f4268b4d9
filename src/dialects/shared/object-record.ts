/**
 * Records of routines and triggers strata created (PostgreSQL: the object's comment; MySQL: strata_objects): the
 * declared model as JSON. Read back while the md5 of the server's text is the one recorded; otherwise the object
 * is reflected from the catalogs (made or changed outside strata).
 */
import type { RoutineModel, TriggerModel } from '../../schema/model.js'

export function routineRecordJson(routine: RoutineModel): string {
  const { name: _name, schema: _schema, ...rest } = routine
  return JSON.stringify(rest)
}

export function triggerRecordJson(trigger: TriggerModel): string {
  const { name: _name, schema: _schema, table: _table, ...rest } = trigger
  return JSON.stringify(rest)
}

/** The recorded model when the record is there and the server's text is unchanged since, else null. */
export function recorded<T>(record: { fingerprint: string; json: string } | null | undefined, fingerprint: string, identity: Partial<T>): T | null {
  if (!record || record.fingerprint !== fingerprint) return null
  try {
    const value = JSON.parse(record.json) as T
    return typeof value === 'object' && value !== null ? { ...value, ...identity } : null
  } catch {
    return null
  }
}
