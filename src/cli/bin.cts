#!/usr/bin/env node
import { fstatSync, readFileSync, writeSync } from 'node:fs'
import { join } from 'node:path'

/**
 * The `strata` command. A CommonJS file on purpose: Node starts a CommonJS entry about 6 ms faster than an ES
 * module one (no ES module loader to set up), which is most of what `strata --help` costs over bare Node. The
 * program itself is one CommonJS bundle, loaded with V8's code cache (load-cli.cts), for everything but the
 * pre-rendered help.
 *
 * `strata --help` at commander's default width (pipes, CI, 80-column terminals) prints the text the build rendered
 * (scripts/write-help.mjs) without loading commander.
 */
function printPrerenderedHelp(args: string[]): boolean {
  if (args.length !== 1 || (args[0] !== '--help' && args[0] !== '-h')) return false
  // Only a character device can be a terminal: a pipe or a file is answered without creating process.stdout.
  if (stdoutIsCharacterDevice() && process.stdout.isTTY && process.stdout.columns !== 80) return false
  let text: Buffer
  try {
    text = readFileSync(join(__dirname, 'help-80.txt'))
  } catch {
    return false
  }
  writeAll(text)
  return true
}

/** True also when fd 1 cannot be looked at (closed): commander then prints the help its own way. */
function stdoutIsCharacterDevice(): boolean {
  try {
    return fstatSync(1).isCharacterDevice()
  } catch {
    return true
  }
}

/**
 * Writes to file descriptor 1 directly: creating `process.stdout` (a socket object when it is a pipe, which loads
 * net and the streams) costs more than the rest of printing the help. A reader that has gone (EPIPE) is not an
 * error; a descriptor that would block (non-blocking, full) hands what is left to process.stdout.
 */
function writeAll(text: Buffer): void {
  let offset = 0
  try {
    while (offset < text.length) offset += writeSync(1, text, offset)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'EAGAIN') process.stdout.write(text.subarray(offset))
    else if (code !== 'EPIPE') throw error
  }
}

// Required here, not at the top: the pre-rendered help needs nothing else.
if (!printPrerenderedHelp(process.argv.slice(2))) (require('./load-cli.cjs') as typeof import('./load-cli.cjs')).runCli(process.argv)
