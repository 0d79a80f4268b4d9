import { fstatSync, writeSync } from 'node:fs'
import { createRequire } from 'node:module'
import type Picocolors from 'picocolors'
import { StrataError, errorJson } from '../errors.js'
import { maskPasswords } from '../runtime/url.js'
import { sourceStack } from '../config/revision-batch.js'

// picocolors is CommonJS: require() spares every command Node's ES-module interop for it (see program.ts). Loaded
// on the first coloured line: picocolors reads process.stdout.isTTY when loaded, and creating process.stdout (a
// socket when it is a pipe) is work a command that prints nothing, such as `current` on an untouched database,
// should not do.
let picocolors: typeof Picocolors | undefined
const pc = (): typeof Picocolors => (picocolors ??= createRequire(import.meta.url)('picocolors') as typeof Picocolors)

export interface GlobalOptions {
  config?: string
  verbose?: boolean
  connectTimeout?: string
  statementTimeout?: string
}

export const out = (line = '') => writeOut(`${line}\n`)
/**
 * A progress log for long runs: lines are written in batches at most 50 ms apart instead of one write each (5,000
 * lines into a pipe cost 0.2 s as single writes). `flush` before anything else is printed, and at the end.
 */
export function batchedOut(intervalMs = 50): { log: (line: string) => void; flush: () => void } {
  let pending: string[] = []
  let last = performance.now()
  let timer: NodeJS.Timeout | undefined
  const flush = () => {
    if (timer) clearTimeout(timer)
    timer = undefined
    last = performance.now()
    if (pending.length === 0) return
    const lines = pending
    pending = []
    outLines(lines)
  }
  const log = (line: string) => {
    pending.push(line)
    if (performance.now() - last >= intervalMs) flush()
    // A run that goes quiet (a long statement) still shows its last finished step soon.
    else timer ??= setTimeout(flush, intervalMs).unref()
  }
  return { log, flush }
}

/** Many lines in one write (10,000 history lines are one syscall, not 10,000). */
export const outLines = (lines: string[]) => {
  if (lines.length > 0) writeOut(`${lines.join('\n')}\n`)
}

/**
 * Whether `out` and `outLines` write to fd 1 themselves: while it is a pipe, a socket or a file and nothing has
 * created process.stdout. Creating it for a pipe loads node:net and the streams, about a tenth of a warm read
 * command; a terminal keeps process.stdout (colours, widths). From the first `stdout()` on, everything goes through
 * process.stdout, so what is printed keeps its order on every platform.
 */
let direct: boolean | undefined

function writeOut(text: string): void {
  direct ??= !stdoutReady && fdOneTakesPlainWrites()
  if (!direct) {
    stdout().write(text)
    return
  }
  const bytes = Buffer.from(text, 'utf8')
  let offset = 0
  try {
    while (offset < bytes.length) offset += writeSync(1, bytes, offset)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    // A reader that closed the pipe early (`strata history | head`): as stdout()'s EPIPE handler does.
    if (code === 'EPIPE') process.exit(0)
    // A non-blocking descriptor that is full: process.stdout waits for it, and takes every later line too.
    if (code !== 'EAGAIN') throw error
    stdout().write(bytes.subarray(offset))
  }
}

function fdOneTakesPlainWrites(): boolean {
  try {
    const stats = fstatSync(1)
    return stats.isFIFO() || stats.isSocket() || stats.isFile()
  } catch {
    return false
  }
}

let stdoutReady = false
/**
 * process.stdout, for everything strata prints on it: created on first use, not when this module loads, and with
 * its EPIPE handler then (`strata history | head` closes the pipe early: not an error worth a stack trace).
 */
export function stdout(): NodeJS.WriteStream {
  if (!stdoutReady) {
    stdoutReady = true
    direct = false
    process.stdout.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(0)
      throw error
    })
  }
  return process.stdout
}
export const err = (line: string) => process.stderr.write(`${line}\n`)

export function printJson(value: unknown): void {
  out(JSON.stringify(value, null, 2))
}

/**
 * One line on stderr (the stack only with --verbose), never a password; returns the exit code. With `--json` the
 * same failure is also printed on stdout as `{ "error": { "code", "message" } }`, so that a script reading stdout
 * always gets JSON.
 */
export function reportError(error: unknown, verbose: boolean, json = false): number {
  const e = error as Error & { exitCode?: number }
  const message = maskPasswords(e?.message ?? String(error)).split('\n')[0] ?? ''
  if (json) printJson(errorJson(error, message))
  err(`${pc().red('error:')} ${message}`)
  // A frame in a batch of revision files names the file and its own line (config/revision-batch.ts).
  if (verbose && e?.stack) err(maskPasswords(sourceStack(e.stack)))
  return error instanceof StrataError ? error.exitCode : 1
}

export function warn(line: string): string {
  return pc().yellow(line)
}
