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

/**
 * The lines that start with `import` or `export` (each with the newline before it, if any). One native regular
 * expression finds them, rather than a split, a test per line and a join: on a cold run this is per revision file.
 */
const IMPORT_OR_EXPORT_LINE = /(^|\n)((?:import|export)\b[^\n]*)/g

/** The JavaScript for `source`, or undefined when it is not the plain shape (sucrase must strip it). */
export function stripTemplateShape(source: string): string | undefined {
  const exported: string[] = []
  let recognised = true
  const body = source.replace(IMPORT_OR_EXPORT_LINE, (line: string, newline: string, text: string) => {
    const replaced = recognised ? rewriteLine(text, exported) : undefined
    if (replaced === undefined) {
      recognised = false
      return line
    }
    return newline + replaced
  })
  if (!recognised || exported.length === 0) return undefined
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

/**
 * What the check skips, in the order a left-to-right scan meets them: strings (a backslash escapes any character;
 * a newline ends nothing, it fails), templates without a substitution or a backslash, line and block comments.
 * Anything of these that does not close is left in place, where `FORBIDDEN_CHARACTER` finds its first character.
 */
const SKIPPED = /"(?:[^"\\\n]|\\[\s\S])*"|'(?:[^'\\\n]|\\[\s\S])*'|`(?:[^`\\$]|\$(?!\{))*`|\/\/[^\n]*|\/\*[\s\S]*?\*\//g
/** Outside what is skipped: `<`, `@`, a backslash, any other `/`, and a string, template or comment that did not close. */
const FORBIDDEN_CHARACTER = /[<@\\"'`/]/
/** Characters of a name (ASCII letters, digits, `_`, `$`; anything above ASCII counts as part of a name). */
const NAME_PART = '[\\w$\\u0080-\\uffff]'
const NAME_START = '[A-Za-z_$\\u0080-\\uffff]'
/** JavaScript's ASCII white space (what `\s` matches below 128). */
const SPACE = '[\\t\\n\\v\\f\\r ]'
/**
 * A whole word, not a property name (no `.` before it, spaces aside), that TypeScript reads otherwise: `import` and
 * `export`, or a type-only word followed by a name, `{`, `[` or `(` (`as T`, `enum E {`, `type X =` …).
 */
const TYPESCRIPT_WORD = new RegExp(
  `(?<!${NAME_PART})(?<!\\.${SPACE}*)(?:(?:import|export)|(?:${[...TYPE_WORDS].join('|')})(?=${SPACE}*(?:${NAME_START}|[{[(])))(?!${NAME_PART})`,
)

/**
 * True when the code, outside strings and comments, holds nothing that TypeScript could read differently:
 * no `<`, no `/` other than a comment (regular expressions and division go to sucrase), no `@`, no backslash,
 * no `import`/`export` left, no template with a substitution, and no type-only word followed by a name. Two native
 * regular expressions over the code with strings and comments blanked out (each by one `~`, which is neither a
 * name, a space nor a `.`, as the text it replaces begins with a quote or a `/`).
 */
function isPlainJavaScript(code: string): boolean {
  const outside = code.replace(SKIPPED, '~')
  return !FORBIDDEN_CHARACTER.test(outside) && !TYPESCRIPT_WORD.test(outside)
}
