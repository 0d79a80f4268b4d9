// The `require` condition of 'strata-db' (see require-esm.cts).
import { requireEsm } from './require-esm.cjs'

module.exports = requireEsm(() => require('../bundle/index.js'))
