import type { AnyOperation } from '../operations/index.js'
import type { CheckModel, ColumnModel, ColumnType, DefaultValue, IndexModel, SchemaModel, TableModel } from '../schema/model.js'
import { display } from '../operations/base.js'
import type { CompareDialect } from './types.js'
import { elementExpression, elementOptions } from '../schema/index-elements.js'

/** A table as the applied revisions declare it, and in the dialect's canonical form (what the server reflects). */
interface HistoryTable {
  declared: TableModel
  canonical: TableModel
}

/**
 * The history's tables by name. Canonical forms keep table and object names (SQLite and MySQL drop the schema,
 * hence the lookup by bare name when that is unique).
 */
class HistoryTables {
  private readonly declared: SchemaModel
  private readonly canonical: SchemaModel
  constructor(history: SchemaModel, dialect: CompareDialect, private readonly renamedFrom: Map<string, string>) {
    this.declared = history
    this.canonical = dialect.canonicalize(structuredClone(history))
  }

  find(name: string, schema: string | null): HistoryTable | undefined {
    const old = this.renamedFrom.get(name) ?? name
    const pick = (model: SchemaModel) => {
      const named = model.tables.filter((t) => t.name === old)
      return named.find((t) => (t.schema ?? null) === schema) ?? (named.length === 1 ? named[0] : undefined)
    }
    const declared = pick(this.declared)
    const canonical = pick(this.canonical)
    return declared && canonical ? { declared, canonical } : undefined
  }
}

/**
 * What a downgrade restates (a dropped check, index, column or table) comes from the database, in the server's
 * own spelling: PostgreSQL writes `country = ANY (ARRAY['PT'::bpchar])`, which other dialects reject. Where the
 * applied revisions declared the same object (equal canonical forms), the operations carry the declared spelling
 * instead, and MySQL's nameless enum columns get their enum back. Returns, per operation, what stays in the
 * server's spelling (its reverse may not run on another dialect).
 */
export function restoreDeclaredSpellings(operations: AnyOperation[], history: SchemaModel | undefined, dialect: CompareDialect): Map<AnyOperation, string[]> {
  const renamedFrom = new Map<string, string>()
  for (const op of operations) if (op.kind === 'renameTable') renamedFrom.set(op.to, op.from)
  const tables = history ? new HistoryTables(history, dialect, renamedFrom) : undefined
  const notes = new Map<AnyOperation, string[]>()
  for (const op of operations) {
    const reflectedOnly: string[] = []
    const schema = 'schema' in op ? (op.schema ?? null) : null
    const tableName = op.kind === 'dropTable' ? op.name : 'table' in op && typeof op.table === 'string' ? op.table : null
    if (tableName === null) continue
    const found = tables?.find(tableName, schema)
    const spelling = new Spelling(dialect, found, display(tableName, schema), reflectedOnly)
    switch (op.kind) {
      case 'dropCheck':
        if (op.object) spelling.check(op.object)
        break
      case 'dropIndex':
        if (op.object) spelling.index(op.object)
        break
      case 'dropColumn':
        if (op.column) spelling.column(op.column)
        break
      case 'alterColumn':
        spelling.existing(op.name, op.existing)
        break
      case 'dropTable':
        if (!op.table) break
        for (const c of op.table.checks) spelling.check(c)
        for (const i of op.table.indexes) spelling.index(i)
        for (const c of op.table.columns) spelling.column(c)
        break
    }
    if (reflectedOnly.length > 0) notes.set(op, reflectedOnly)
  }
  return notes
}

/** Puts the declared spelling on one table's reflected objects, noting the expressions it cannot find. */
class Spelling {
  constructor(
    private readonly dialect: CompareDialect,
    private readonly found: HistoryTable | undefined,
    private readonly table: string,
    private readonly reflectedOnly: string[],
  ) {}

  private same(a: string, b: string): boolean {
    return this.dialect.normalizeExpression(a) === this.dialect.normalizeExpression(b)
  }

  /** The dialect's portable spelling of a reflected expression, when it means the same; else null. */
  private portable(sql: string): string | null {
    const rewritten = this.dialect.portableExpression?.(sql) ?? sql
    // What is left of PostgreSQL's own syntax (a cast it could not drop, an array) is not portable.
    if (rewritten === sql || /::|\bARRAY\s*\[/i.test(rewritten)) return null
    return this.same(rewritten, sql) ? rewritten : null
  }

  check(check: CheckModel): void {
    const declared = this.found?.declared.checks.find((c) => c.name === check.name)
    const canonical = this.found?.canonical.checks.find((c) => c.name === check.name)
    const portable = this.portable(check.expression)
    if (declared && canonical && this.same(canonical.expression, check.expression)) check.expression = declared.expression
    else if (portable !== null) check.expression = portable
    else this.reflectedOnly.push(`check '${check.name}' on '${this.table}'`)
  }

  index(index: IndexModel): void {
    const declared = this.found?.declared.indexes.find((i) => i.name === index.name)
    const canonical = this.found?.canonical.indexes.find((i) => i.name === index.name)
    const expressions = index.elements.some((e) => elementExpression(e) !== null)
    if (!index.where && !expressions) return
    const sameWhere = !index.where || (!!canonical?.where && this.same(canonical.where, index.where))
    const sameElements =
      !!canonical &&
      canonical.elements.length === index.elements.length &&
      canonical.elements.every((e, i) => {
        const mine = index.elements[i]!
        const [a, b] = [elementExpression(e), elementExpression(mine)]
        const sameOptions = JSON.stringify(elementOptions(e)) === JSON.stringify(elementOptions(mine))
        return a === null || b === null ? JSON.stringify(e) === JSON.stringify(mine) : sameOptions && this.same(a, b)
      })
    if (declared && sameWhere && sameElements) {
      index.where = declared.where ?? null
      index.elements = structuredClone(declared.elements)
    } else this.reflectedOnly.push(`index '${index.name}' on '${this.table}'`)
  }

  column(column: ColumnModel): void {
    this.existing(column.name, column)
  }

  /** A column's (or an alteration's `existing`) default and enum type. */
  existing(name: string, facts: { type?: ColumnType; default?: DefaultValue | null }): void {
    const declared = this.found?.declared.columns.find((c) => c.name === name)
    const canonical = this.found?.canonical.columns.find((c) => c.name === name)
    if (facts.type?.kind === 'enum' && declared?.type.kind === 'enum' && declared.type.values.join('\u0000') === facts.type.values.join('\u0000'))
      facts.type = { ...declared.type }
    const value = facts.default
    const type = facts.type ?? canonical?.type
    if (value?.kind !== 'sql' || !type) return
    const sameDefault =
      declared &&
      canonical &&
      this.dialect.normalizeDefault(canonical.default ?? null, { type: canonical.type }) === this.dialect.normalizeDefault(value, { type })
    if (sameDefault) facts.default = structuredClone(declared.default ?? null)
    else this.reflectedOnly.push(`the default of '${this.table}.${name}'`)
  }
}
