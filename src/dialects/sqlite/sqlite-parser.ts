/**
 * A small SQL reader for the CREATE TABLE / CREATE INDEX text SQLite keeps verbatim in sqlite_master.
 * The pragmas do not report constraint names, deferrability, CHECK expressions, AUTOINCREMENT, index expressions
 * or partial-index predicates: they are read back from that text. Expressions are kept as the exact source slice.
 */

export type TokenKind = 'word' | 'quoted' | 'string' | 'number' | 'blob' | 'punct' | 'variable'

export interface Token {
  kind: TokenKind
  /** The source text of the token. */
  text: string
  /** Identifier name (words and quoted identifiers, dequoted) or string value. */
  value: string
  start: number
  end: number
}

const IDENT_START = /[A-Za-z_\u0080-\uffff]/
const IDENT_PART = /[A-Za-z0-9_$\u0080-\uffff]/

/** Splits SQL into tokens, dropping whitespace and comments. */
export function tokenize(sql: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  const push = (kind: TokenKind, start: number, end: number, value?: string) =>
    tokens.push({ kind, text: sql.slice(start, end), value: value ?? sql.slice(start, end), start, end })
  while (i < sql.length) {
    const ch = sql[i]!
    if (/\s/.test(ch)) {
      i++
    } else if (ch === '-' && sql[i + 1] === '-') {
      while (i < sql.length && sql[i] !== '\n') i++
    } else if (ch === '/' && sql[i + 1] === '*') {
      const close = sql.indexOf('*/', i + 2)
      i = close < 0 ? sql.length : close + 2
    } else if (ch === "'" || ch === '"' || ch === '`') {
      const start = i
      let value = ''
      i++
      while (i < sql.length) {
        if (sql[i] === ch) {
          if (sql[i + 1] === ch) {
            value += ch
            i += 2
            continue
          }
          break
        }
        value += sql[i]
        i++
      }
      i++
      push(ch === "'" ? 'string' : 'quoted', start, Math.min(i, sql.length), value)
    } else if (ch === '[') {
      const start = i
      const close = sql.indexOf(']', i + 1)
      i = close < 0 ? sql.length : close + 1
      push('quoted', start, i, sql.slice(start + 1, close < 0 ? sql.length : close))
    } else if ((ch === 'x' || ch === 'X') && sql[i + 1] === "'") {
      const start = i
      const close = sql.indexOf("'", i + 2)
      i = close < 0 ? sql.length : close + 1
      push('blob', start, i)
    } else if (/[0-9]/.test(ch) || (ch === '.' && /[0-9]/.test(sql[i + 1] ?? ''))) {
      const start = i
      const match = /^(0x[0-9a-f]+|([0-9][0-9_]*)?(\.[0-9_]*)?(e[+-]?[0-9]+)?)/i.exec(sql.slice(i))
      i += Math.max(1, match?.[0].length ?? 1)
      push('number', start, i)
    } else if (IDENT_START.test(ch)) {
      const start = i
      while (i < sql.length && IDENT_PART.test(sql[i]!)) i++
      push('word', start, i)
    } else if (ch === '?' || ch === ':' || ch === '@' || ch === '$') {
      const start = i
      i++
      while (i < sql.length && IDENT_PART.test(sql[i]!)) i++
      push('variable', start, i)
    } else {
      const start = i
      const two = sql.slice(i, i + 2)
      i += ['<=', '>=', '<>', '!=', '==', '||', '<<', '>>', '->'].includes(two) ? (sql.slice(i, i + 3) === '->>' ? 3 : 2) : 1
      push('punct', start, i)
    }
  }
  return tokens
}

export function isWord(token: Token | undefined, ...words: string[]): boolean {
  return !!token && token.kind === 'word' && words.includes(token.value.toUpperCase())
}

function isPunct(token: Token | undefined, text: string): boolean {
  return !!token && token.kind === 'punct' && token.text === text
}

/** A name: a bare word, a quoted identifier, or (SQLite accepts it) a string literal. */
function isName(token: Token | undefined): boolean {
  return !!token && (token.kind === 'word' || token.kind === 'quoted' || token.kind === 'string')
}

/** A cursor over a token list with the helpers the statement readers need. */
class Reader {
  pos = 0
  constructor(readonly sql: string, readonly tokens: Token[]) {}
  peek(offset = 0): Token | undefined {
    return this.tokens[this.pos + offset]
  }
  next(): Token | undefined {
    return this.tokens[this.pos++]
  }
  done(): boolean {
    return this.pos >= this.tokens.length
  }
  acceptWord(...words: string[]): boolean {
    if (isWord(this.peek(), ...words)) {
      this.pos++
      return true
    }
    return false
  }
  acceptPunct(text: string): boolean {
    if (isPunct(this.peek(), text)) {
      this.pos++
      return true
    }
    return false
  }
  name(): string {
    const token = this.next()
    if (!isName(token)) throw new Error(`expected a name near '${token?.text ?? 'end of statement'}'`)
    return token!.value
  }
  /** A possibly schema-qualified name; returns the last part. */
  qualifiedName(): string {
    let name = this.name()
    while (isPunct(this.peek(), '.')) {
      this.pos++
      name = this.name()
    }
    return name
  }
  /** Reads a parenthesised group; returns the exact source text inside and the inner tokens. */
  group(): { text: string; tokens: Token[] } {
    const open = this.next()
    if (!isPunct(open, '(')) throw new Error(`expected '(' near '${open?.text ?? 'end of statement'}'`)
    const startIndex = this.pos
    let depth = 1
    while (!this.done()) {
      const token = this.next()!
      if (isPunct(token, '(')) depth++
      else if (isPunct(token, ')') && --depth === 0) {
        const inner = this.tokens.slice(startIndex, this.pos - 1)
        return { text: this.sql.slice(open!.end, token.start).trim(), tokens: inner }
      }
    }
    throw new Error('unbalanced parentheses')
  }
  /** A parenthesised list of names. */
  nameList(): string[] {
    const { tokens } = this.group()
    return splitTopLevel(tokens).map((part) => {
      const first = part[0]
      if (!isName(first)) throw new Error(`expected a column name near '${first?.text ?? ')'}'`)
      return first!.value
    })
  }
}

/** Splits tokens at commas that are not inside parentheses. */
export function splitTopLevel(tokens: Token[]): Token[][] {
  const parts: Token[][] = []
  let current: Token[] = []
  let depth = 0
  for (const token of tokens) {
    if (isPunct(token, '(')) depth++
    else if (isPunct(token, ')')) depth--
    if (depth === 0 && isPunct(token, ',')) {
      parts.push(current)
      current = []
    } else current.push(token)
  }
  if (current.length) parts.push(current)
  return parts
}

export interface ParsedForeignKey {
  name: string | null
  columns: string[]
  referencedTable: string
  referencedColumns: string[]
  onDelete: string | null
  onUpdate: string | null
  deferrable: boolean | 'initially deferred' | null
}

export interface ParsedColumn {
  name: string
  /** The declared type as written (what pragma_table_xinfo reports). */
  typeText: string
  primaryKey: { name: string | null; autoincrement: boolean } | null
  uniques: { name: string | null }[]
  checks: { name: string | null; expression: string }[]
  references: ParsedForeignKey | null
  generated: boolean
  /** The generated column's expression (source slice) and kind (VIRTUAL unless STORED is written). */
  generation?: { expression: string; stored: boolean }
  /** `COLLATE name` as written. */
  collation?: string
}

export interface ParsedTable {
  name: string
  columns: ParsedColumn[]
  primaryKey: { name: string | null; columns: string[] } | null
  uniques: { name: string | null; columns: string[] }[]
  checks: { name: string | null; expression: string }[]
  foreignKeys: ParsedForeignKey[]
  /** Text after the closing parenthesis (`WITHOUT ROWID`, `STRICT`), kept by rebuilds. */
  tableOptions: string
}

const COLUMN_CONSTRAINT_START = ['CONSTRAINT', 'PRIMARY', 'NOT', 'NULL', 'UNIQUE', 'CHECK', 'DEFAULT', 'COLLATE', 'REFERENCES', 'GENERATED', 'AS']
const TABLE_CONSTRAINT_START = ['CONSTRAINT', 'PRIMARY', 'UNIQUE', 'CHECK', 'FOREIGN']

function skipConflictClause(reader: Reader): void {
  if (reader.acceptWord('ON')) {
    reader.acceptWord('CONFLICT')
    reader.next()
  }
}

/** Indexed column list of PRIMARY KEY / UNIQUE: names possibly followed by COLLATE x / ASC / DESC. */
function indexedColumns(reader: Reader): string[] {
  const { tokens } = reader.group()
  return splitTopLevel(tokens).map((part) => part[0]!.value)
}

function readForeignKeyClause(reader: Reader, name: string | null, columns: string[]): ParsedForeignKey {
  const referencedTable = reader.qualifiedName()
  const referencedColumns = isPunct(reader.peek(), '(') ? reader.nameList() : []
  const fk: ParsedForeignKey = { name, columns, referencedTable, referencedColumns, onDelete: null, onUpdate: null, deferrable: null }
  for (;;) {
    if (reader.acceptWord('ON')) {
      const event = reader.next()
      let action: string
      if (reader.acceptWord('SET')) action = `set ${reader.next()!.value.toLowerCase()}`
      else if (reader.acceptWord('NO')) {
        reader.next()
        action = 'no action'
      } else action = reader.next()!.value.toLowerCase()
      if (isWord(event, 'DELETE')) fk.onDelete = action
      else fk.onUpdate = action
    } else if (reader.acceptWord('MATCH')) {
      reader.next()
    } else if (isWord(reader.peek(), 'NOT') && isWord(reader.peek(1), 'DEFERRABLE')) {
      reader.pos += 2
      if (reader.acceptWord('INITIALLY')) reader.next()
      fk.deferrable = null
    } else if (reader.acceptWord('DEFERRABLE')) {
      fk.deferrable = true
      if (reader.acceptWord('INITIALLY')) fk.deferrable = reader.acceptWord('DEFERRED') ? 'initially deferred' : (reader.next(), true)
    } else return fk
  }
}

function readColumn(reader: Reader, sql: string): ParsedColumn {
  const name = reader.name()
  const typeTokens: Token[] = []
  while (!reader.done() && !isWord(reader.peek(), ...COLUMN_CONSTRAINT_START)) {
    if (isPunct(reader.peek(), '(')) {
      const start = reader.peek()!
      reader.group()
      typeTokens.push(start, reader.tokens[reader.pos - 1]!)
    } else typeTokens.push(reader.next()!)
  }
  const typeText = typeTokens.length ? sql.slice(typeTokens[0]!.start, typeTokens[typeTokens.length - 1]!.end) : ''
  const column: ParsedColumn = { name, typeText, primaryKey: null, uniques: [], checks: [], references: null, generated: false }
  let constraintName: string | null = null
  while (!reader.done()) {
    if (reader.acceptWord('CONSTRAINT')) {
      constraintName = reader.name()
      continue
    }
    if (reader.acceptWord('PRIMARY')) {
      reader.acceptWord('KEY')
      reader.acceptWord('ASC', 'DESC')
      skipConflictClause(reader)
      column.primaryKey = { name: constraintName, autoincrement: reader.acceptWord('AUTOINCREMENT') }
    } else if (reader.acceptWord('NOT')) {
      reader.acceptWord('NULL')
      skipConflictClause(reader)
    } else if (reader.acceptWord('NULL')) {
      skipConflictClause(reader)
    } else if (reader.acceptWord('UNIQUE')) {
      skipConflictClause(reader)
      column.uniques.push({ name: constraintName })
    } else if (reader.acceptWord('CHECK')) {
      column.checks.push({ name: constraintName, expression: reader.group().text })
    } else if (reader.acceptWord('DEFAULT')) {
      if (isPunct(reader.peek(), '(')) reader.group()
      else {
        if (isPunct(reader.peek(), '-') || isPunct(reader.peek(), '+')) reader.next()
        reader.next()
      }
    } else if (reader.acceptWord('COLLATE')) {
      const collation = reader.next()
      if (collation) column.collation = collation.value
    } else if (reader.acceptWord('REFERENCES')) {
      column.references = readForeignKeyClause(reader, constraintName, [name])
    } else if (reader.acceptWord('GENERATED', 'AS')) {
      if (reader.acceptWord('ALWAYS')) reader.acceptWord('AS')
      const expression = reader.group().text
      const stored = reader.acceptWord('STORED')
      if (!stored) reader.acceptWord('VIRTUAL')
      column.generated = true
      column.generation = { expression, stored }
    } else {
      throw new Error(`unexpected '${reader.peek()!.text}' in the definition of column '${name}'`)
    }
    constraintName = null
  }
  return column
}

function readTableConstraint(reader: Reader, table: ParsedTable): void {
  let name: string | null = null
  if (reader.acceptWord('CONSTRAINT')) name = reader.name()
  if (reader.acceptWord('PRIMARY')) {
    reader.acceptWord('KEY')
    table.primaryKey = { name, columns: indexedColumns(reader) }
  } else if (reader.acceptWord('UNIQUE')) {
    table.uniques.push({ name, columns: indexedColumns(reader) })
  } else if (reader.acceptWord('CHECK')) {
    table.checks.push({ name, expression: reader.group().text })
  } else if (reader.acceptWord('FOREIGN')) {
    reader.acceptWord('KEY')
    const columns = reader.nameList()
    reader.acceptWord('REFERENCES')
    table.foreignKeys.push(readForeignKeyClause(reader, name, columns))
  }
}

/** Reads `CREATE TABLE name (…) options` into columns and named constraints. */
export function parseCreateTable(sql: string): ParsedTable {
  const reader = new Reader(sql, tokenize(sql))
  reader.acceptWord('CREATE')
  reader.acceptWord('TEMP', 'TEMPORARY')
  if (!reader.acceptWord('TABLE')) throw new Error('not a CREATE TABLE statement')
  if (reader.acceptWord('IF')) {
    reader.acceptWord('NOT')
    reader.acceptWord('EXISTS')
  }
  const name = reader.qualifiedName()
  const body = reader.group()
  const afterBody = reader.tokens[reader.pos - 1]!.end
  const table: ParsedTable = { name, columns: [], primaryKey: null, uniques: [], checks: [], foreignKeys: [], tableOptions: sql.slice(afterBody).trim() }
  for (const part of splitTopLevel(body.tokens)) {
    const partReader = new Reader(sql, part)
    // The constraint keywords are reserved: a column with such a name is always quoted.
    if (isWord(part[0], ...TABLE_CONSTRAINT_START)) readTableConstraint(partReader, table)
    else table.columns.push(readColumn(partReader, sql))
  }
  const pkColumn = table.columns.find((c) => c.primaryKey)
  if (pkColumn && !table.primaryKey) table.primaryKey = { name: pkColumn.primaryKey!.name, columns: [pkColumn.name] }
  return table
}

export interface ParsedIndex {
  name: string
  table: string
  unique: boolean
  /** Each element's source text, and the column name when the element is a bare column. */
  elements: { text: string; column: string | null }[]
  where: string | null
}

/** Reads `CREATE [UNIQUE] INDEX name ON table (elements) [WHERE predicate]`. */
export function parseCreateIndex(sql: string): ParsedIndex {
  const reader = new Reader(sql, tokenize(sql))
  reader.acceptWord('CREATE')
  const unique = reader.acceptWord('UNIQUE')
  if (!reader.acceptWord('INDEX')) throw new Error('not a CREATE INDEX statement')
  if (reader.acceptWord('IF')) {
    reader.acceptWord('NOT')
    reader.acceptWord('EXISTS')
  }
  const name = reader.qualifiedName()
  reader.acceptWord('ON')
  const table = reader.qualifiedName()
  const group = reader.group()
  const elements = splitTopLevel(group.tokens).map((part) => {
    const text = sql.slice(part[0]!.start, part[part.length - 1]!.end)
    const column = part.length === 1 && (part[0]!.kind === 'word' || part[0]!.kind === 'quoted') ? part[0]!.value : null
    return { text, column }
  })
  let where: string | null = null
  if (reader.acceptWord('WHERE')) {
    const first = reader.peek()
    if (first) where = sql.slice(first.start).trim().replace(/;\s*$/, '')
  }
  return { name, table, unique, elements, where }
}
