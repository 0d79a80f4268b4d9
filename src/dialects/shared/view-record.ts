/**
 * What strata records about a view it creates, where the server rewrites the view's text beyond recognition
 * (PostgreSQL, MySQL): the declared text, column list and check option, plus an md5 of the server's own text at
 * creation. Compare reads the declared text back while the server's text still has that md5; a view replaced
 * by hand since (other md5) is compared by the server's text instead.
 */
import type { ViewModel } from '../../schema/model.js'

export interface ViewRecord {
  definition: string
  columns?: string[]
  checkOption?: ViewModel['checkOption']
}

export const VIEW_RECORD_PREFIX = 'strata:'

export function viewRecordJson(view: ViewModel): string {
  const record: ViewRecord = { definition: view.definition }
  if (view.columns?.length) record.columns = view.columns
  if (view.checkOption) record.checkOption = view.checkOption
  return JSON.stringify(record)
}

export function parseViewRecord(json: string): ViewRecord | null {
  try {
    const value = JSON.parse(json) as ViewRecord
    return typeof value?.definition === 'string' ? value : null
  } catch {
    return null
  }
}

/**
 * A reflected view: the recorded declaration while the server's text is what strata created, else the server's
 * text (a view made or changed outside strata).
 */
export function reflectedView(
  facts: { name: string; schema: string | null; serverDefinition: string; fingerprint: string; checkOption: ViewModel['checkOption'] | null },
  recorded: { fingerprint: string; json: string } | null,
): ViewModel {
  const record = recorded && recorded.fingerprint === facts.fingerprint ? parseViewRecord(recorded.json) : null
  const view: ViewModel = { name: facts.name, schema: facts.schema, definition: (record?.definition ?? facts.serverDefinition).trim().replace(/;\s*$/, '') }
  if (record?.columns?.length) view.columns = record.columns
  if (facts.checkOption) view.checkOption = facts.checkOption
  return view
}
