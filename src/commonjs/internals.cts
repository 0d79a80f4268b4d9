// The `require` condition of 'strata-db/internals' (see require-esm.cts).
import { requireEsm } from './require-esm.cjs'

module.exports = requireEsm(() => require('../bundle/internals.js'))
