import type { ColumnModel } from '../schema/model.js'
import type { CompareDialect } from './types.js'

/** True when a column became or stopped being generated, or its expression or kind (stored / virtual) changed. */
export function generationChanged(target: ColumnModel, reflected: ColumnModel, dialect: CompareDialect): boolean {
  const a = target.generated ?? null
  const b = reflected.generated ?? null
  if (!a || !b) return a !== b
  return a.stored !== b.stored || dialect.normalizeExpression(a.expression) !== dialect.normalizeExpression(b.expression)
}
