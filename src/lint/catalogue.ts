import { addCheckValidating } from './rules/add-check-validating.js'
import { addColumnNotNullWithoutDefault } from './rules/add-column-not-null-without-default.js'
import { addForeignKeyValidating } from './rules/add-foreign-key-validating.js'
import { addPrimaryKeyBlocking } from './rules/add-primary-key-blocking.js'
import { addUniqueConstraintBlocking } from './rules/add-unique-constraint-blocking.js'
import { changeColumnType } from './rules/change-column-type.js'
import { columnTypeRewrite } from './rules/column-type-rewrite.js'
import { concurrentIndexInTransaction } from './rules/concurrent-index-in-transaction.js'
import { createIndexBlocking } from './rules/create-index-blocking.js'
import { dropColumn } from './rules/drop-column.js'
import { dropIndexBlocking } from './rules/drop-index-blocking.js'
import { dropSchema } from './rules/drop-schema.js'
import { dropSequence } from './rules/drop-sequence.js'
import { dropTable } from './rules/drop-table.js'
import { enumValueRemoved } from './rules/enum-value-removed.js'
import { identifierTooLong } from './rules/identifier-too-long.js'
import { missingLockTimeout } from './rules/missing-lock-timeout.js'
import { mysqlCopyAlgorithm } from './rules/mysql-copy-algorithm.js'
import { preferBigintOverInt } from './rules/prefer-bigint-over-int.js'
import { preferTextOverVarchar } from './rules/prefer-text-over-varchar.js'
import { preferTimestamptz } from './rules/prefer-timestamptz.js'
import { rawDdlUnchecked } from './rules/raw-ddl-unchecked.js'
import { renameColumn } from './rules/rename-column.js'
import { renameTable } from './rules/rename-table.js'
import { setNotNull } from './rules/set-not-null.js'
import { sqliteRebuild } from './rules/sqlite-rebuild.js'
import { volatileDefaultRewrite } from './rules/volatile-default-rewrite.js'
import type { LintRule } from './types.js'

/** Every lint rule, by id. Autogenerate's `!` marks and `strata lint` read the same catalogue. */
export const lintRules = {
  'drop-schema': dropSchema,
  'drop-table': dropTable,
  'drop-column': dropColumn,
  'drop-sequence': dropSequence,
  'rename-table': renameTable,
  'rename-column': renameColumn,
  'add-column-not-null-without-default': addColumnNotNullWithoutDefault,
  'set-not-null': setNotNull,
  'change-column-type': changeColumnType,
  'column-type-rewrite': columnTypeRewrite,
  'enum-value-removed': enumValueRemoved,
  'create-index-blocking': createIndexBlocking,
  'drop-index-blocking': dropIndexBlocking,
  'concurrent-index-in-transaction': concurrentIndexInTransaction,
  'add-unique-constraint-blocking': addUniqueConstraintBlocking,
  'add-foreign-key-validating': addForeignKeyValidating,
  'add-check-validating': addCheckValidating,
  'volatile-default-rewrite': volatileDefaultRewrite,
  'add-primary-key-blocking': addPrimaryKeyBlocking,
  'missing-lock-timeout': missingLockTimeout,
  'mysql-copy-algorithm': mysqlCopyAlgorithm,
  'sqlite-rebuild': sqliteRebuild,
  'identifier-too-long': identifierTooLong,
  'prefer-bigint-over-int': preferBigintOverInt,
  'prefer-timestamptz': preferTimestamptz,
  'prefer-text-over-varchar': preferTextOverVarchar,
  'raw-ddl-unchecked': rawDdlUnchecked,
} satisfies Record<string, LintRule>

export type LintRuleId = keyof typeof lintRules

export const lintRuleIds = Object.keys(lintRules) as LintRuleId[]

export function isLintRuleId(id: string): id is LintRuleId {
  return Object.hasOwn(lintRules, id)
}
