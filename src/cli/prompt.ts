import { type Interface, createInterface } from 'node:readline'
import { StrataError } from '../config/errors.js'

/**
 * Questions on the terminal, only ever asked when stdin is a TTY. One line reader serves every question of a
 * run: answers typed (or pasted) ahead are kept for the next questions instead of being lost with a closed reader.
 */
interface PromptSession {
  rl: Interface
  lines: string[]
  waiting: Array<(line: string | null) => void>
  closed: boolean
}

let session: PromptSession | undefined

function open(): PromptSession {
  if (session && !session.closed) return session
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true })
  const s: PromptSession = { rl, lines: [], waiting: [], closed: false }
  rl.on('line', (line) => {
    const next = s.waiting.shift()
    if (next) next(line)
    else s.lines.push(line)
  })
  rl.on('close', () => {
    s.closed = true
    for (const next of s.waiting.splice(0)) next(null)
  })
  session = s
  return s
}

/** A yes/no question; anything but y/yes is no. Ctrl+D (end of input) aborts the command. */
export async function askYesNo(question: string): Promise<boolean> {
  const s = open()
  s.rl.setPrompt(`${question} [y/N] `)
  s.rl.prompt()
  let line: string | null
  if (s.lines.length > 0) {
    // Typed ahead: show the answer after the question, as if typed now.
    line = s.lines.shift()!
    process.stderr.write(`${line}\n`)
  } else line = s.closed ? null : await new Promise<string | null>((resolve) => s.waiting.push(resolve))
  if (line === null) throw new StrataError('aborted: no answer (end of input)', { code: 'aborted' })
  const answer = line.trim().toLowerCase()
  return answer === 'y' || answer === 'yes'
}

/** Releases the terminal (stdin would otherwise keep the process alive). */
export function closePrompts(): void {
  session?.rl.close()
  session = undefined
}
