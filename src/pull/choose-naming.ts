import type { ForeignKeyModel, TableModel } from '../schema/model.js'
import { type NamingConvention, type NamingPreset, namingPresets } from '../schema/naming.js'
import { planTable } from './table-plan.js'

/** Presets `pull` tries, in order of preference when they reproduce equally many names ('sqlite' is 'strata'). */
const CANDIDATES: NamingPreset[] = ['strata', 'postgres', 'mysql']

export interface NamingChoice {
  preset: NamingPreset
  convention: NamingConvention
  /** Names the preset reproduces, of `total` names the database keeps. */
  reproduced: number
}

/** The preset that reproduces the most of the database's constraint and index names. */
export function chooseNaming(tables: TableModel[], inlineable: (fk: ForeignKeyModel) => boolean): NamingChoice {
  let best: NamingChoice | null = null
  for (const preset of CANDIDATES) {
    const convention = namingPresets[preset]
    const reproduced = tables.reduce((sum, table) => sum + planTable(table, convention, inlineable).reproduced, 0)
    if (!best || reproduced > best.reproduced) best = { preset, convention, reproduced }
  }
  return best!
}
