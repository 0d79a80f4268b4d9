import { ColumnBuilder } from './columns.js'
import type { EnumModel } from './model.js'

export interface EnumOptions {
  schema?: string
  /** Value rename hints: new value → old value. */
  renamedValues?: Record<string, string>
}

/** An enum type, callable to declare a column of that type: `export const mood = enumeration('mood', [...])`, then `feeling: mood()`. */
export interface Enumeration {
  (columnName?: string): ColumnBuilder
  readonly enumName: string
  readonly values: readonly string[]
  /** @internal */ readonly model: EnumModel
}

const ENUM_MARK = Symbol.for('strata.enum')

export function enumeration(name: string, values: readonly string[], options: EnumOptions = {}): Enumeration {
  if (values.length === 0) throw new Error(`enumeration('${name}') needs at least one value`)
  const model: EnumModel = { name, schema: options.schema ?? null, values: [...values] }
  for (const [now, before] of Object.entries(options.renamedValues ?? {})) {
    // A hint written the wrong way round matched nothing, and autogenerate removed the value (and its rows' data).
    if (!values.includes(now)) {
      const turned = values.includes(before) ? ` (did you mean { ${before}: '${now}' }?)` : ''
      throw new Error(`enumeration('${name}'): renamedValues maps each new value to its old one, and '${now}' is not one of its values${turned}`)
    }
  }
  if (options.renamedValues) model.renamedValues = { ...options.renamedValues }
  const factory = ((columnName?: string) =>
    new ColumnBuilder({ kind: 'enum', name, values: [...values], ...(options.schema ? { schema: options.schema } : {}) }, columnName)) as Enumeration
  Object.defineProperties(factory, {
    enumName: { value: name },
    values: { value: Object.freeze([...values]) },
    model: { value: model },
    [ENUM_MARK]: { value: true },
  })
  return factory
}

export function isEnumeration(value: unknown): value is Enumeration {
  return typeof value === 'function' && (value as unknown as Record<symbol, unknown>)[ENUM_MARK] === true
}
