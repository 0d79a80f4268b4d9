import { display } from '../../operations/base.js'
import type { DialectFamily } from '../../dialects/dialect.js'
import type { LintRule } from '../types.js'

const FIX: Record<DialectFamily, string> = {
  postgres: "op.createCheck(…, { validate: false }) (NOT VALID), then ALTER TABLE … VALIDATE CONSTRAINT in op.autocommit (it lets writes continue); safe: true renders it",
  mysql: 'check the rows first; the server scans the table to add it',
  sqlite: 'check the rows first; the change rebuilds the table',
}

export const addCheckValidating = {
  id: 'add-check-validating',
  severity: 'warning',
  category: 'data',
  dialects: ['sqlite', 'postgres', 'mysql'],
  exemptOnNewTable: true,
  summary: 'a check added to existing rows fails if a row violates it, and validating it scans the table under lock',
  check(operation, context) {
    if (operation.kind !== 'addCheck' || operation.validate === false) return null
    return {
      message: `adds check constraint '${operation.object.name}' on '${display(operation.table, operation.schema)}' (fails if existing rows violate it)`,
      fix: FIX[context.dialect],
      data: { kind: 'rows', table: operation.table, schema: operation.schema },
    }
  },
} satisfies LintRule
