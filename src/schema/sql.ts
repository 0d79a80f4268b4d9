/** A raw SQL fragment, written with the `sql` template tag: `sql\`CURRENT_TIMESTAMP\``. */
const SQL_MARK = Symbol.for('strata.sql')

export class SqlFragment {
  /** A brand rather than instanceof: a schema file may load its own copy of strata-db. */
  readonly [SQL_MARK] = true
  constructor(readonly text: string) {}
  toString(): string {
    return this.text
  }
}

export function sql(strings: TemplateStringsArray, ...values: unknown[]): SqlFragment {
  let text = strings[0] ?? ''
  for (let i = 0; i < values.length; i++) text += String(values[i]) + (strings[i + 1] ?? '')
  return new SqlFragment(text)
}

export function isSqlFragment(value: unknown): value is SqlFragment {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[SQL_MARK] === true
}
