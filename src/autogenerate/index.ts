export { compareSchemas } from './compare.js'
export { renderOperations, type RenderOptions, type RenderedMigration } from './render.js'
export { globToRegExp } from './filters.js'
export {
  STRATA_TABLES,
  type CompareDialect,
  type CompareOptions,
  type ComparedObjectType,
  type DetectedChange,
  type IncludeObject,
  type RenameHints,
  type RenameQuestion,
} from './types.js'
