// `strata-db/internals`: building blocks for tools and tests built on strata. They may change in any release; the
// stable surface is 'strata-db'.
export { Operations, type OperationSink } from './operations/api.js'
export { offlineScript, offlineStampScript } from './runtime/offline.js'
export { buildSchemaModel, buildTableModel } from './schema/build.js'
export { maskPasswords } from './runtime/url.js'
export { loadDialect } from './runtime/dialects.js'
export { loadSchemaModel } from './config/load-schema.js'
