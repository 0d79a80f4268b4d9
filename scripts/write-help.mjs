#!/usr/bin/env node
// After `tsc`: renders `strata --help` once (80 columns, commander's width for pipes) into dist/cli/help-80.txt, so
// the bin prints it without loading commander, and makes the bin executable.
import { chmodSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const dist = new URL('../dist/cli/', import.meta.url)
const { buildProgram, HELP_WIDTH } = await import(new URL('program.js', dist).href)
writeFileSync(fileURLToPath(new URL(`help-${HELP_WIDTH}.txt`, dist)), buildProgram().configureHelp({ helpWidth: HELP_WIDTH }).helpInformation())
chmodSync(fileURLToPath(new URL('bin.js', dist)), 0o755)
