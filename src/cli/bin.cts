#!/usr/bin/env node
import { readFileSync } from 'node:fs'
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
  if (process.stdout.isTTY && process.stdout.columns !== 80) return false
  try {
    process.stdout.write(readFileSync(join(__dirname, 'help-80.txt'), 'utf8'))
    return true
  } catch {
    return false
  }
}

// Required here, not at the top: the pre-rendered help needs nothing else.
if (!printPrerenderedHelp(process.argv.slice(2))) (require('./load-cli.cjs') as typeof import('./load-cli.cjs')).runCli(process.argv)
