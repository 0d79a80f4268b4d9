/**
 * A tiny pretty printer for the code autogenerate writes, following Prettier's choices for
 * `semi: false, singleQuote: true, printWidth: 120` (trailing commas everywhere): a group stays on one line
 * when it fits, otherwise it breaks; a call whose last argument is an object or array hugs it.
 */
export const PRINT_WIDTH = 120

export type Doc =
  | { t: 'text'; text: string }
  | { t: 'call'; callee: Doc; args: Doc[] }
  /** `head.link(args).link(args)`. */
  | { t: 'chain'; head: Doc; links: Array<{ name: string; args: Doc[] }> }
  /** `expand` keeps the object broken even when it fits (Prettier keeps objects written expanded). */
  | { t: 'object'; entries: Array<{ key: string; value: Doc }>; expand?: boolean }
  | { t: 'array'; items: Doc[] }
  /** `(params) => body`. */
  | { t: 'arrow'; params: string; body: Doc }

export const text = (value: string): Doc => ({ t: 'text', text: value })
export const call = (callee: string | Doc, ...args: Doc[]): Doc => ({ t: 'call', callee: typeof callee === 'string' ? text(callee) : callee, args })
export const array = (items: Doc[]): Doc => ({ t: 'array', items })
export const arrow = (params: string, body: Doc): Doc => ({ t: 'arrow', params, body })
export const object = (entries: Array<{ key: string; value: Doc }>, expand = false): Doc => ({ t: 'object', entries, expand })

/** Chains method calls onto a doc; a doc that is already a chain grows. */
export function chain(head: Doc, links: Array<{ name: string; args: Doc[] }>): Doc {
  if (links.length === 0) return head
  if (head.t === 'chain') return { t: 'chain', head: head.head, links: [...head.links, ...links] }
  return { t: 'chain', head, links }
}

export function flat(doc: Doc): string {
  switch (doc.t) {
    case 'text':
      return doc.text
    case 'call':
      return `${flat(doc.callee)}(${doc.args.map(flat).join(', ')})`
    case 'chain':
      return flat(doc.head) + doc.links.map((l) => `.${l.name}(${l.args.map(flat).join(', ')})`).join('')
    case 'object':
      return doc.entries.length === 0 ? '{}' : `{ ${doc.entries.map((e) => `${e.key}: ${flat(e.value)}`).join(', ')} }`
    case 'array':
      return `[${doc.items.map(flat).join(', ')}]`
    case 'arrow':
      return `(${doc.params}) => ${flat(doc.body)}`
  }
}

function mustBreak(doc: Doc): boolean {
  switch (doc.t) {
    case 'text':
      return false
    case 'call':
      return mustBreak(doc.callee) || doc.args.some(mustBreak)
    case 'chain':
      return mustBreak(doc.head) || doc.links.some((l) => l.args.some(mustBreak))
    case 'object':
      return (doc.expand === true && doc.entries.length > 0) || doc.entries.some((e) => mustBreak(e.value))
    case 'array':
      return doc.items.some(mustBreak)
    case 'arrow':
      return mustBreak(doc.body)
  }
}

const pad = (n: number) => ' '.repeat(n)
const isContainer = (doc: Doc) => (doc.t === 'object' || doc.t === 'array') && (doc.t === 'object' ? doc.entries.length : doc.items.length) > 0

/** The column just after `printed`, which started at `column`. */
function endColumn(printed: string, column: number): number {
  const newline = printed.lastIndexOf('\n')
  return newline < 0 ? column + printed.length : printed.length - newline - 1
}

/** `prefix(args)` where `prefix` starts at `column`; `suffix` characters follow the closing parenthesis. */
function printArgs(prefix: string, args: Doc[], indent: number, column: number, suffix: number): string {
  if (args.length === 0) return `${prefix}()`
  const last = args[args.length - 1]!
  const rest = args.slice(0, -1)
  const penultimate = rest[rest.length - 1]
  const canHug = isContainer(last) && (!penultimate || penultimate.t !== last.t) && !rest.some(mustBreak)
  if (canHug) {
    const head = `${prefix}(${rest.map((a) => `${flat(a)}, `).join('')}`
    const at = endColumn(head, column)
    if (at + 1 <= PRINT_WIDTH) return head + print(last, indent, at, suffix + 1) + ')'
  }
  const inner = indent + 2
  return `${prefix}(\n${args.map((a) => `${pad(inner)}${print(a, inner, inner, 1)},\n`).join('')}${pad(indent)})`
}

/**
 * Prints `doc` starting at `column` of a line indented by `indent`, with `suffix` characters following it on
 * its last line.
 */
export function print(doc: Doc, indent: number, column: number, suffix = 0): string {
  const oneLine = flat(doc)
  if (!mustBreak(doc) && column + oneLine.length + suffix <= PRINT_WIDTH) return oneLine
  const inner = indent + 2
  switch (doc.t) {
    case 'text':
      return doc.text
    case 'object':
      if (doc.entries.length === 0) return '{}'
      return `{\n${doc.entries.map((e) => `${pad(inner)}${e.key}: ${print(e.value, inner, inner + e.key.length + 2, 1)},\n`).join('')}${pad(indent)}}`
    case 'array':
      if (doc.items.length === 0) return '[]'
      return `[\n${doc.items.map((item) => `${pad(inner)}${print(item, inner, inner, 1)},\n`).join('')}${pad(indent)}]`
    case 'call':
      return printArgs(print(doc.callee, indent, column, 0), doc.args, indent, column, suffix)
    case 'arrow': {
      const head = `(${doc.params}) => `
      return head + print(doc.body, indent, column + head.length, suffix)
    }
    case 'chain': {
      const head = print(doc.head, indent, column, 0)
      if (doc.links.length === 1) {
        const link = doc.links[0]!
        return printArgs(`${head}.${link.name}`, link.args, indent, column, suffix)
      }
      // Long chains: one call per line, indented under the head.
      const lines = doc.links.map((link, i) => {
        const after = i === doc.links.length - 1 ? suffix : 0
        const call = `.${link.name}(${link.args.map(flat).join(', ')})`
        const fits = !link.args.some(mustBreak) && inner + call.length + after <= PRINT_WIDTH
        return `\n${pad(inner)}${fits ? call : printArgs(`.${link.name}`, link.args, inner, inner, after)}`
      })
      return head + lines.join('')
    }
  }
}
