#!/usr/bin/env node
import { readFileSync } from 'node:fs'

/**
 * `strata --help` at commander's default width (pipes, CI, 80-column terminals) prints the text the build rendered
 * (scripts/write-help.mjs) without loading commander: start-up is then bare Node's. Everything else goes through
 * the program.
 */
function printPrerenderedHelp(args: string[]): boolean {
  if (args.length !== 1 || (args[0] !== '--help' && args[0] !== '-h')) return false
  if (process.stdout.isTTY && process.stdout.columns !== 80) return false
  try {
    process.stdout.write(readFileSync(new URL('./help-80.txt', import.meta.url), 'utf8'))
    return true
  } catch {
    return false
  }
}

if (!printPrerenderedHelp(process.argv.slice(2))) {
  import('./program.js').then(
    ({ main }) =>
      main(process.argv).then(
        (code) => {
          process.exitCode = code
        },
        () => {
          process.exitCode = 1
        },
      ),
    () => {
      process.exitCode = 1
    },
  )
}
