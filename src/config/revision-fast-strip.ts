/**
 * A type strip for the shape strata's own revision template writes (and most hand-written revisions keep):
 * named imports, `export const name = <literal>`, `export (async) function name(<params>: Migration)`, and a body
 * of plain JavaScript. On a cold 5,000-revision upgrade sucrase costs far more than the rest of loading, most of
 * it warming up its JIT; this handles the common shape in a single pass and gives up (undefined: sucrase runs) on
 * anything it does not recognise.
 *
 * Giving up is the safety net: the body must hold no TypeScript at all. What TypeScript can add there is either a
 * syntax error to V8 (annotations, `as`, `!`, `enum`: the caller then falls back to sucrase) or is refused here
 * because it would still parse as JavaScript with another meaning: `<` (a generic call `f<T>(x)` parses as two
 * comparisons), and type-only words followed by a name (`x\nas\nT` would parse as three statements).
 * Every line stays where it was, so stack traces name the file's own lines.
 */

/** Bumped whenever the output can change: it is part of the compiled-revision cache's stamp. */
export const FAST_STRIP_VERSION = 1

const IDENTIFIER = '[A-Za-z_$][\\w$]*'
const STRING = `'(?:[^'\\\\\\n]|\\\\.)*'|"(?:[^"\\\\\\n]|\\\\.)*"`
const LITERAL = new RegExp(`^(?:null|true|false|-?\\d+(?:\\.\\d+)?|${STRING}|\\[\\s*(?:(?:${STRING})\\s*(?:,\\s*(?:${STRING})\\s*)*)?\\])$`)
const IMPORT_LINE = new RegExp(`^import\\s+(type\\s+)?\\{([^}]*)\\}\\s+from\\s+(${STRING})\\s*;?\\s*$`)
const IMPORT_NAME = new RegExp(`^(?:type\\s+${IDENTIFIER}|(${IDENTIFIER})(?:\\s+as\\s+(${IDENTIFIER}))?)$`)
const EXPORT_CONST = new RegExp(`^export\\s+const\\s+(${IDENTIFIER})\\s*=\\s*(.*?)\\s*;?\\s*$`)
const EXPORT_FUNCTION = new RegExp(`^export\\s+((?:async\\s+)?function\\s+(${IDENTIFIER}))\\s*\\(([^()]*)\\)\\s*\\{\\s*$`)
/** One parameter: a plain name or a destructuring of plain names, optionally typed as `Migration`. */
const PARAMS = new RegExp(`^\\s*(|${IDENTIFIER}|\\{[\\s\\w$,]*\\})\\s*(?::\\s*Migration\\s*)?$`)

/** Words that only TypeScript gives a meaning to when a name or a bracket follows them. */
const TYPE_WORDS = new Set(['as', 'satisfies', 'type', 'interface', 'enum', 'declare', 'namespace', 'module', 'abstract', 'implements', 'private', 'protected', 'public', 'readonly', 'keyof', 'infer', 'is', 'unique', 'asserts', 'override', 'accessor'])

/** The JavaScript for `source`, or undefined when it is not the plain shape (sucrase must strip it). */
export function stripTemplateShape(source: string): string | undefined {
  const exported: string[] = []
  const lines = source.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!
    if (!/^(?:import|export)\b/.test(line)) continue
    const replaced = rewriteLine(line, exported)
    if (replaced === undefined) return undefined
    lines[i] = replaced
  }
  if (exported.length === 0) return undefined
  const body = lines.join('\n')
  if (!isPlainJavaScript(body)) return undefined
  // The exports go on a line of their own after the file's last line: no line moves.
  return `"use strict";${body}\n;${exported.map((name) => `exports.${name} = ${name};`).join(' ')}`
}

function rewriteLine(line: string, exported: string[]): string | undefined {
  const imported = IMPORT_LINE.exec(line)
  if (imported) {
    if (imported[1]) return ''
    const names: string[] = []
    for (const raw of imported[2]!.split(',')) {
      const spec = raw.trim()
      if (spec === '') continue
      const name = IMPORT_NAME.exec(spec)
      if (!name) return undefined
      if (name[1]) names.push(name[2] ? `${name[1]}: ${name[2]}` : name[1])
    }
    return names.length === 0 ? '' : `const { ${names.join(', ')} } = require(${imported[3]});`
  }
  const constant = EXPORT_CONST.exec(line)
  if (constant) {
    if (!LITERAL.test(constant[2]!)) return undefined
    return `const ${constant[1]} = exports.${constant[1]} = ${constant[2]}`
  }
  const fn = EXPORT_FUNCTION.exec(line)
  if (fn) {
    const params = PARAMS.exec(fn[3]!)
    if (!params) return undefined
    exported.push(fn[2]!)
    return `${fn[1]}(${params[1]}) {`
  }
  return undefined
}

/** Character classes by code unit (ASCII; anything above counts as part of a name). */
const NAME_START = 1
const NAME_PART = 2
const SPACE = 4
const CLASSES = new Uint8Array(128)
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c)
  if (/[A-Za-z_$]/.test(ch)) CLASSES[c] = NAME_START | NAME_PART
  else if (/\d/.test(ch)) CLASSES[c] = NAME_PART
  else if (/\s/.test(ch)) CLASSES[c] = SPACE
}
const classOf = (code: number) => (code < 128 ? CLASSES[code]! : NAME_START | NAME_PART)

/**
 * True when the code, outside strings and comments, holds nothing that TypeScript could read differently:
 * no `<`, no `/` other than a comment (regular expressions and division go to sucrase), no `@`, no backslash,
 * no `import`/`export` left, no template with a substitution, and no type-only word followed by a name.
 */
function isPlainJavaScript(code: string): boolean {
  let i = 0
  let afterDot = false
  while (i < code.length) {
    const c = code.charCodeAt(i)
    const kind = classOf(c)
    if (kind & NAME_START) {
      let end = i + 1
      while (end < code.length && classOf(code.charCodeAt(end)) & NAME_PART) end++
      if (!afterDot && !allowedWord(code.slice(i, end), code, end)) return false
      i = end
      afterDot = false
      continue
    }
    if (kind & SPACE) {
      i++
      continue
    }
    afterDot = c === 0x2e // .
    if (c === 0x22 || c === 0x27) {
      // " '
      i = stringEnd(code, i, c)
      if (i < 0) return false
    } else if (c === 0x60) {
      // `
      const end = code.indexOf('`', i + 1)
      if (end < 0) return false
      const text = code.slice(i, end)
      if (text.includes('${') || text.includes('\\')) return false
      i = end + 1
    } else if (c === 0x2f) {
      // /
      const next = code.charCodeAt(i + 1)
      const end = next === 0x2f ? code.indexOf('\n', i) : next === 0x2a ? code.indexOf('*/', i + 2) : -2
      if (end === -2 || (end < 0 && next === 0x2a)) return false
      i = end < 0 ? code.length : next === 0x2a ? end + 2 : end
    } else if (c === 0x3c || c === 0x40 || c === 0x5c) {
      // < @ backslash
      return false
    } else {
      i++
    }
  }
  return true
}

function allowedWord(word: string, code: string, end: number): boolean {
  if (word === 'import' || word === 'export') return false
  if (!TYPE_WORDS.has(word)) return true
  let at = end
  while (at < code.length && classOf(code.charCodeAt(at)) & SPACE) at++
  if (at === code.length) return true
  const next = code.charCodeAt(at)
  // A name, `{`, `[` or `(` after the word: TypeScript's meaning (`as T`, `enum E {`, `type X =` …).
  return !(classOf(next) & NAME_START || next === 0x7b || next === 0x5b || next === 0x28)
}

/** The index after the closing quote, or -1 when the string does not close on its line. */
function stringEnd(code: string, start: number, quote: number): number {
  for (let i = start + 1; i < code.length; i++) {
    const c = code.charCodeAt(i)
    if (c === 0x5c) i++
    else if (c === quote) return i + 1
    else if (c === 0x0a) return -1
  }
  return -1
}
