import { StrataError } from '../errors.js'

/** Set to 1 to let `downgrade` go below a baseline (it drops every table the baseline creates). */
export const BASELINE_DOWNGRADE_ENV = 'STRATA_ALLOW_BASELINE_DOWNGRADE'

/**
 * What a baseline's downgrade calls first: the tables existed before strata, and going below the baseline drops
 * them, data included. A function of strata-db rather than `process.env` in the file, so that a project without
 * `@types/node` still type-checks its baseline.
 */
export function refuseBelowBaseline(): void {
  if (process.env[BASELINE_DOWNGRADE_ENV] === '1') return
  throw new StrataError(`refusing to downgrade below the baseline: it would drop the pre-existing schema (set ${BASELINE_DOWNGRADE_ENV}=1 to do it)`, {
    code: 'not-reversible',
  })
}
