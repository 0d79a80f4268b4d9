import { display } from '../../operations/base.js'
import type { DialectFamily } from '../../dialects/dialect.js'
import type { LintRule } from '../types.js'

const FIX: Record<DialectFamily, string> = {
  postgres: "op.createForeignKey(…, { validate: false }) (NOT VALID), then ALTER TABLE … VALIDATE CONSTRAINT in op.autocommit (it lets writes continue); safe: true renders it",
  mysql: 'check the rows first; with foreign_key_checks on, MySQL copies the table to add it',
  sqlite: 'check the rows first (PRAGMA foreign_key_check)',
}

export const addForeignKeyValidating = {
  id: 'add-foreign-key-validating',
  severity: 'warning',
  category: 'data',
  dialects: ['sqlite', 'postgres', 'mysql'],
  exemptOnNewTable: true,
  summary: 'a foreign key added to existing rows fails if a row violates it, and validating it locks both tables',
  check(operation, context) {
    if (operation.kind !== 'addForeignKey' || operation.validate === false) return null
    return {
      message: `adds foreign key '${operation.object.name}' on '${display(operation.table, operation.schema)}' (fails if existing rows violate it)`,
      fix: FIX[context.dialect],
      data: { kind: 'rows', table: operation.table, schema: operation.schema },
    }
  },
} satisfies LintRule
